"""Set up Azure and GitHub for this repository's workflows with one command, safe to re-run.

Reads ``github.json`` (the template rendered it with your team's names) and, with the Azure CLI
(``az``) and the GitHub CLI (``gh``), in this order:

1. the resource group (and, with Terraform, the storage account that holds its state);
2. an Entra application and its service principal, the identity the workflows sign in as;
3. its federated credentials, one per subject the workflows use and no other: the main branch,
   pull requests and each environment. No secret exists anywhere: GitHub's OpenID Connect token
   is the sign-in;
4. the role assignment: Contributor on the resource group, nothing wider;
5. the repository variables: the identity's client, tenant and subscription ids and the team's
   names (BASE_NAME, LOCATION, RESOURCE_GROUP, WORKSPACE_NAME, ...);
6. the environments ``qa`` and ``production``, both deployable from main only; ``production``
   waits for a required reviewer (you, or each ``--reviewer``).

Each object is looked up first, and created only when missing or updated when it differs, so a
second run creates nothing.

    python environment_setup/github_setup.py --dry-run    # print every command, call nothing
    python environment_setup/github_setup.py

The command builders below are pure (data in, ``Command`` out); ``Cli`` is the one place that
runs ``az`` and ``gh``.
"""
import argparse
import itertools
import json
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CONFIG_PATH = Path(__file__).with_name("github.json")
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
TOKEN_AUDIENCE = "api://AzureADTokenExchange"
# The variables the workflows' azure/login steps read; the script fills them from Azure.
IDENTITY_VARIABLES = ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID")


class SetupError(Exception):
    """A problem the user can fix; its message is one line saying what and how."""


@dataclass(frozen=True)
class Command:
    """One ``az`` or ``gh`` call, with the text it reads on standard input, if any."""

    argv: tuple
    stdin: str = None

    def __str__(self):
        shown = shlex.join(self.argv)
        return f"{shown} <<< {shlex.quote(self.stdin)}" if self.stdin is not None else shown


def command(*argv, stdin=None):
    return Command(tuple(str(arg) for arg in argv), stdin)


def load_config(path=CONFIG_PATH):
    return json.loads(Path(path).read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Pure command builders.
# ---------------------------------------------------------------------------------------------

def account_command():
    return command("az", "account", "show", "--output", "json")


def github_user_command(login=None):
    return command("gh", "api", f"users/{login}" if login else "user")


def resource_group_exists_command(config):
    return command("az", "group", "exists", "--name", config["resource_group"])


def create_resource_group_command(config):
    return command("az", "group", "create", "--name", config["resource_group"],
                   "--location", config["location"], "--output", "json")


def list_storage_accounts_command(config):
    return command("az", "storage", "account", "list", "--resource-group",
                   config["resource_group"], "--output", "json")


def create_state_storage_command(config):
    return command("az", "storage", "account", "create",
                   "--name", config["terraform_state"]["storage_account"],
                   "--resource-group", config["resource_group"], "--location", config["location"],
                   "--sku", "Standard_LRS", "--min-tls-version", "TLS1_2",
                   "--allow-blob-public-access", "false", "--output", "json")


def state_container_command(config, verb):
    """``exists`` or ``create`` for the state container, with the account key (the caller owns
    the account; a data-plane role is not needed)."""
    state = config["terraform_state"]
    return command("az", "storage", "container", verb, "--name", state["container"],
                   "--account-name", state["storage_account"], "--auth-mode", "key",
                   "--output", "json")


def list_applications_command(config):
    return command("az", "ad", "app", "list", "--display-name", config["application"],
                   "--output", "json")


def create_application_command(config):
    return command("az", "ad", "app", "create", "--display-name", config["application"],
                   "--sign-in-audience", "AzureADMyOrg", "--output", "json")


def list_service_principals_command(app_id):
    return command("az", "ad", "sp", "list", "--filter", f"appId eq '{app_id}'",
                   "--output", "json")


def create_service_principal_command(app_id):
    return command("az", "ad", "sp", "create", "--id", app_id, "--output", "json")


def federated_subjects(config, repository):
    """Credential name -> subject, for exactly the subjects the workflows sign in with: jobs
    without an environment on main and on pull requests, and jobs in each environment."""
    subjects = {"main": f"repo:{repository}:ref:refs/heads/{config['branch']}",
                "pull-request": f"repo:{repository}:pull_request"}
    subjects.update({f"environment-{name}": f"repo:{repository}:environment:{name}"
                     for name in config["environments"]})
    return subjects


def credential_parameters(name, subject):
    return json.dumps({"name": name, "issuer": GITHUB_ISSUER, "subject": subject,
                       "audiences": [TOKEN_AUDIENCE]}, separators=(",", ":"))


def list_credentials_command(app_id):
    return command("az", "ad", "app", "federated-credential", "list", "--id", app_id,
                   "--output", "json")


def credential_commands(app_id, subjects, existing):
    """Create the missing credentials, correct the changed ones and delete any other: the
    identity trusts exactly the subjects the workflows sign in with."""
    found = {item.get("name"): item for item in existing or []}
    commands = [command("az", "ad", "app", "federated-credential", "delete", "--id", app_id,
                        "--federated-credential-id", name)
                for name in found if name not in subjects]
    for name, subject in subjects.items():
        current = found.get(name)
        if current is None:
            commands.append(command("az", "ad", "app", "federated-credential", "create",
                                    "--id", app_id,
                                    "--parameters", credential_parameters(name, subject),
                                    "--output", "json"))
        elif current.get("subject") != subject or current.get("issuer") != GITHUB_ISSUER:
            commands.append(command("az", "ad", "app", "federated-credential", "update",
                                    "--id", app_id, "--federated-credential-id", name,
                                    "--parameters", credential_parameters(name, subject)))
    return commands


def resource_group_scope(config, account):
    return f"/subscriptions/{account['id']}/resourceGroups/{config['resource_group']}"


def list_role_assignments_command(config, account, app_id):
    return command("az", "role", "assignment", "list", "--assignee", app_id,
                   "--role", config["role"], "--scope", resource_group_scope(config, account),
                   "--output", "json")


def create_role_assignment_command(config, account, principal_object_id):
    return command("az", "role", "assignment", "create",
                   "--assignee-object-id", principal_object_id,
                   "--assignee-principal-type", "ServicePrincipal", "--role", config["role"],
                   "--scope", resource_group_scope(config, account), "--output", "json")


def repository_variables(config, account, app_id):
    """Every repository variable the workflows read, in the order they are set."""
    return {"AZURE_CLIENT_ID": app_id, "AZURE_TENANT_ID": account["tenantId"],
            "AZURE_SUBSCRIPTION_ID": account["id"], **config["variables"]}


def list_variables_command(repository):
    return command("gh", "variable", "list", "--repo", repository, "--json", "name,value")


def variable_commands(repository, wanted, existing):
    current = {item["name"]: item.get("value") for item in existing or []}
    return [command("gh", "variable", "set", name, "--body", value, "--repo", repository)
            for name, value in wanted.items() if current.get(name) != value]


def environment_command(config, repository, name, reviewer_ids):
    """Create or update an environment (the API's PUT is itself idempotent): main only, and
    required reviewers where the configuration asks for them."""
    body = {"deployment_branch_policy": {"protected_branches": False,
                                         "custom_branch_policies": True}}
    if name in config["reviewed_environments"]:
        body["reviewers"] = [{"type": "User", "id": user_id} for user_id in reviewer_ids]
    return command("gh", "api", "--method", "PUT", f"repos/{repository}/environments/{name}",
                   "--input", "-", stdin=json.dumps(body, separators=(",", ":")))


def list_branch_policies_command(repository, name):
    return command("gh", "api", f"repos/{repository}/environments/{name}/"
                   "deployment-branch-policies")


def create_branch_policy_command(config, repository, name):
    return command("gh", "api", "--method", "POST",
                   f"repos/{repository}/environments/{name}/deployment-branch-policies",
                   "-f", f"name={config['branch']}", "-f", "type=branch")


# ---------------------------------------------------------------------------------------------
# Pure helpers.
# ---------------------------------------------------------------------------------------------

def github_repository(remote):
    """``<owner>/<repo>`` from a GitHub remote (https or ssh form) or ``owner/repo``, else None."""
    remote = (remote or "").strip()
    for prefix in ("https://github.com/", "git@github.com:", "ssh://git@github.com/"):
        remote = remote.removeprefix(prefix)
    match = re.fullmatch(r"([\w.-]+/[\w.-]+?)(?:\.git)?/?", remote)
    return match.group(1) if match else None


def next_steps(config):
    workflow = ("infrastructure-terraform.yml" if "terraform_state" in config
                else "infrastructure-arm.yml")
    return [
        f"Next: run the workflow Infrastructure (.github/workflows/{workflow}) on main, register "
        "the training data, then run Train; Deploy follows each training on main and waits "
        "for a reviewer before production.",
    ]


# ---------------------------------------------------------------------------------------------
# The thin runners.
# ---------------------------------------------------------------------------------------------

class Cli:
    """Runs ``az`` and ``gh`` and returns their parsed JSON output (or their text); the only code
    that touches Azure or GitHub."""

    def __init__(self, executables):
        self.executables = executables

    def __call__(self, cmd):
        print(cmd, flush=True)
        completed = subprocess.run([self.executables[cmd.argv[0]], *cmd.argv[1:]],
                                   input=cmd.stdin, capture_output=True, text=True)
        if completed.returncode != 0:
            lines = (completed.stderr or completed.stdout).strip().splitlines() or ["no output"]
            words = itertools.takewhile(lambda word: not word.startswith("-"), cmd.argv)
            raise SetupError(f"{' '.join(words)} failed: {lines[-1].removeprefix('ERROR: ')}")
        try:
            return json.loads(completed.stdout) if completed.stdout.strip() else None
        except ValueError:
            return completed.stdout.strip()


class DryRun:
    """Prints each command and answers as a subscription and repository with nothing set up."""

    def __call__(self, cmd):
        print(cmd, flush=True)
        argv = cmd.argv
        if argv[1:3] == ("account", "show"):
            return {"id": "<subscription-id>", "name": "<subscription-name>",
                    "tenantId": "<tenant-id>"}
        if argv[:2] == ("gh", "api") and len(argv) == 3:
            login = argv[2].removeprefix("users/") if argv[2] != "user" else "you"
            if argv[2].endswith("deployment-branch-policies"):
                return {"branch_policies": []}
            return {"login": login, "id": f"<id of {login}>"}
        if argv[1:3] == ("group", "exists"):
            return False
        if "list" in argv[:6]:
            return []
        if argv[1:4] == ("ad", "app", "create"):
            return {"appId": "<application-id>", "id": "<application-object-id>"}
        if argv[1:4] == ("ad", "sp", "create"):
            return {"id": "<service-principal-object-id>"}
        return {}


def note(lines):
    for line in lines:
        print(f"# {line}", flush=True)


def reviewer_ids(run, options):
    """GitHub user ids of the production reviewers: each ``--reviewer``, else the signed-in user
    (which also proves ``gh`` is signed in)."""
    try:
        users = [run(github_user_command(login)) for login in options.reviewer or [None]]
    except SetupError as error:
        raise SetupError(f"GitHub CLI: {error}; sign in with 'gh auth login' and check each "
                         "--reviewer login") from error
    return [user["id"] for user in users]


def set_up(config, run, options, repository):
    """Create or update everything, in order; ``run`` runs one command and returns its output."""
    try:
        account = run(account_command())
    except SetupError as error:
        raise SetupError("not logged in to Azure: run 'az login'") from error
    reviewers = reviewer_ids(run, options)

    if not run(resource_group_exists_command(config)):
        run(create_resource_group_command(config))
    if "terraform_state" in config:
        accounts = run(list_storage_accounts_command(config)) or []
        wanted = config["terraform_state"]["storage_account"]
        if not any(item.get("name") == wanted for item in accounts):
            run(create_state_storage_command(config))
        if not (run(state_container_command(config, "exists")) or {}).get("exists"):
            run(state_container_command(config, "create"))

    applications = [item for item in run(list_applications_command(config)) or []
                    if item.get("displayName") == config["application"]]
    application = applications[0] if applications else run(create_application_command(config))
    app_id = application["appId"]
    principals = run(list_service_principals_command(app_id)) or []
    principal = principals[0] if principals else run(create_service_principal_command(app_id))

    subjects = federated_subjects(config, repository)
    for cmd in credential_commands(app_id, subjects, run(list_credentials_command(app_id))):
        run(cmd)
    if not run(list_role_assignments_command(config, account, app_id)):
        run(create_role_assignment_command(config, account, principal["id"]))

    wanted = repository_variables(config, account, app_id)
    for cmd in variable_commands(repository, wanted, run(list_variables_command(repository))):
        run(cmd)
    for name in config["environments"]:
        run(environment_command(config, repository, name, reviewers))
        policies = (run(list_branch_policies_command(repository, name)) or {}).get(
            "branch_policies", [])
        if not any(policy.get("name") == config["branch"] for policy in policies):
            run(create_branch_policy_command(config, repository, name))
    note([f"Federated credential subjects: {', '.join(subjects.values())}"])
    note(next_steps(config))


def git_remote_url(cwd):
    """``git remote get-url origin`` of this repository, or None without git or a remote."""
    git = shutil.which("git")
    if git is None:
        return None
    completed = subprocess.run([git, "remote", "get-url", "origin"], cwd=cwd,
                               capture_output=True, text=True)
    return completed.stdout.strip() if completed.returncode == 0 else None


def resolve_repository(options, config):
    repository = github_repository(options.repository or git_remote_url(CONFIG_PATH.parent))
    if repository is not None:
        return repository
    if options.repository:
        raise SetupError(f"--repository {options.repository}: expected <owner>/<repo> or "
                         "https://github.com/<owner>/<repo>")
    if options.dry_run:
        return f"<owner>/{config['repository']}"
    raise SetupError("no GitHub repository: push this repository to GitHub (git remote 'origin') "
                     f"or pass --repository <owner>/{config['repository']}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true",
                        help="print every az and gh command, one per line, without calling them")
    parser.add_argument("--config", type=Path, default=CONFIG_PATH,
                        help="the set-up to apply (default: %(default)s)")
    parser.add_argument("--repository",
                        help="<owner>/<repo> on GitHub (default: from git remote 'origin')")
    parser.add_argument("--reviewer", action="append", metavar="LOGIN",
                        help="GitHub login of a required reviewer of production deployments; "
                        "repeat for several (default: you)")
    return parser.parse_args(argv)


def make_runner(options):
    if options.dry_run:
        return DryRun()
    executables = {name: shutil.which(name) for name in ("az", "gh")}
    if executables["az"] is None:
        raise SetupError("the Azure CLI (az) is not on PATH: install it "
                         "(https://aka.ms/installazurecli), then 'az login'")
    if executables["gh"] is None:
        raise SetupError("the GitHub CLI (gh) is not on PATH: install it "
                         "(https://cli.github.com), then 'gh auth login'")
    return Cli(executables)


def main(argv=None):
    options = parse_args(argv)
    try:
        config = load_config(options.config)
        run = make_runner(options)
        set_up(config, run, options, resolve_repository(options, config))
    except SetupError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
