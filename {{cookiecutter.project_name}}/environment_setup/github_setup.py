"""Set up Azure and GitHub for this repository's workflows with one command, safe to re-run.

Reads ``github.json`` (the template rendered it with your team's names) and, with the Azure CLI
(``az``) and the GitHub CLI (``gh``), in this order:

1. the repository's record on GitHub: its owner and repository ids and the subject prefix GitHub
   puts in its OpenID Connect tokens (``repo:<owner>@<owner-id>/<repo>@<repo-id>`` for
   repositories created or renamed since mid-2026, ``repo:<owner>/<repo>`` before);
2. the resource providers the resources need, registered in the subscription;
3. the resource group (and, with Terraform, the storage account that holds its state);
4. two Entra applications with their service principals, the identities the workflows sign in
   as: one for ``main`` and the environments, with Contributor on the resource group, and one
   for pull requests, which may read (a what-if or a plan) and change nothing;
5. their federated credentials, one per subject the workflows use and no other (stale ones are
   deleted). No secret exists anywhere: GitHub's OpenID Connect token is the sign-in;
6. the repository variables: the identities' client ids, the tenant and subscription ids and the
   team's names (BASE_NAME, LOCATION, RESOURCE_GROUP, WORKSPACE_NAME, ...);
7. the environments ``qa`` and ``production``, both deployable from main only; ``production``
   waits for a required reviewer (you, or each ``--reviewer``). Where the repository's plan has
   no environments or no reviewers, it sets up what the plan allows and says what is missing.

Each object is looked up first, and created only when missing or updated when it differs, so a
second run creates nothing.

    python environment_setup/github_setup.py --dry-run    # print every command, change nothing
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
# Entra ID holds at most 20 federated identity credentials per application.
MAX_FEDERATED_CREDENTIALS = 20
# Suffixes of the credential names: which form of the subject each trusts.
BY_IDS, BY_NAMES = "ids", "names"
# The variables every workflow's sign-in reads besides the identities' client ids.
TENANT_VARIABLES = ("AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID")


class SetupError(Exception):
    """A problem the user can fix; its message is one line saying what and how."""


class CommandFailed(SetupError):
    """``az`` or ``gh`` exited non-zero; ``output`` is everything it printed."""

    def __init__(self, message, output):
        super().__init__(message)
        self.output = output

    @property
    def http_status(self):
        """The HTTP status GitHub answered (``gh api`` prints "... (HTTP 404)"), else None."""
        match = re.search(r"\bHTTP (\d{3})\b", self.output)
        return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Command:
    """One ``az`` or ``gh`` call, with the text it reads on standard input, if any.

    ``dry_run_reads``: it only reads what decides the sign-in subjects, so a dry run runs it too.
    """

    argv: tuple
    stdin: str = None
    dry_run_reads: bool = False

    def __str__(self):
        shown = shlex.join(self.argv)
        return f"{shown} <<< {shlex.quote(self.stdin)}" if self.stdin is not None else shown


def command(*argv, stdin=None, dry_run_reads=False):
    return Command(tuple(str(arg) for arg in argv), stdin, dry_run_reads)


def compact_json(value):
    return json.dumps(value, separators=(",", ":"))


def load_config(path=CONFIG_PATH):
    return json.loads(Path(path).read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Pure command builders.
# ---------------------------------------------------------------------------------------------

def account_command():
    return command("az", "account", "show", "--output", "json")


def github_user_command(login=None):
    return command("gh", "api", f"users/{login}" if login else "user")


def repository_record_command(repository):
    return command("gh", "api", f"repos/{repository}", dry_run_reads=True)


def subject_template_command(repository):
    """GitHub's OpenID Connect subject template of the repository, with the prefix it sends."""
    return command("gh", "api", f"repos/{repository}/actions/oidc/customization/sub",
                   dry_run_reads=True)


def registered_providers_command():
    return command("az", "provider", "list", "--query",
                   "[?registrationState=='Registered'].namespace", "--output", "json")


def register_provider_command(namespace):
    return command("az", "provider", "register", "--namespace", namespace, "--wait")


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


def resource_group_scope(config, account):
    return f"/subscriptions/{account['id']}/resourceGroups/{config['resource_group']}"


def role_scope(config, account, scope):
    """The Azure scope a role of github.json names: the resource group, or the state container."""
    group = resource_group_scope(config, account)
    if scope == "resource_group":
        return group
    if scope == "terraform_state_container":
        state = config["terraform_state"]
        return (f"{group}/providers/Microsoft.Storage/storageAccounts/{state['storage_account']}"
                f"/blobServices/default/containers/{state['container']}")
    raise SetupError(f"github.json: unknown role scope {scope!r}")


def role_definition(config, account, role):
    """A custom role of github.json as ``az role definition create`` reads it."""
    return {"Name": role["name"], "IsCustom": True, "Description": role["description"],
            "Actions": role["actions"], "NotActions": [], "DataActions": [],
            "NotDataActions": [], "AssignableScopes": [resource_group_scope(config, account)]}


def list_role_definitions_command(config, role):
    return command("az", "role", "definition", "list", "--name", role["name"],
                   "--custom-role-only", "true", "--resource-group", config["resource_group"],
                   "--output", "json")


def role_definition_commands(config, account, role, existing):
    """Create the custom role, or correct its permissions and scopes when they differ."""
    wanted = role_definition(config, account, role)
    if not existing:
        return [command("az", "role", "definition", "create",
                        "--role-definition", compact_json(wanted), "--output", "json")]
    [current] = existing[:1]
    permissions = (current.get("permissions") or [{}])[0]
    if (sorted(permissions.get("actions") or []) == sorted(wanted["Actions"])
            and not permissions.get("dataActions")
            and current.get("assignableScopes") == wanted["AssignableScopes"]):
        return []
    return [command("az", "role", "definition", "update",
                    "--role-definition", compact_json(wanted), "--output", "json")]


def list_applications_command(name):
    return command("az", "ad", "app", "list", "--display-name", name, "--output", "json")


def create_application_command(name):
    return command("az", "ad", "app", "create", "--display-name", name,
                   "--sign-in-audience", "AzureADMyOrg", "--output", "json")


def list_service_principals_command(app_id):
    return command("az", "ad", "sp", "list", "--filter", f"appId eq '{app_id}'",
                   "--output", "json")


def create_service_principal_command(app_id):
    return command("az", "ad", "sp", "create", "--id", app_id, "--output", "json")


def subject_prefixes(record, template):
    """The ``repo:...`` prefixes of the subjects GitHub will send for this repository.

    ``template`` is GitHub's subject template of the repository (None when it could not be
    read). When it names the prefix GitHub sends, that one; otherwise both forms: the one with
    immutable ids (repositories created, renamed or transferred since mid-2026, and those that
    opted in) and the name-only one (older repositories).
    """
    template = template or {}
    if template.get("use_default") is False:
        keys = ", ".join(template.get("include_claim_keys") or []) or "the organization's"
        raise SetupError(
            f"the OpenID Connect subject of {record['full_name']} is customised ({keys}), so "
            "its subjects cannot be derived: restore GitHub's default with 'gh api --method PUT "
            f"repos/{record['full_name']}/actions/oidc/customization/sub -F use_default=true'")
    sent = template.get("sub_claim_prefix")
    if isinstance(sent, str) and sent.startswith("repo:"):
        return [sent]
    owner = record["owner"]
    return [f"repo:{owner['login']}@{owner['id']}/{record['name']}@{record['id']}",
            f"repo:{owner['login']}/{record['name']}"]


def prefix_form(prefix):
    return BY_IDS if "@" in prefix else BY_NAMES


def federated_subjects(identity, prefixes):
    """Credential name -> subject, for each subject this identity is trusted with, in each form
    GitHub may send; the names say the form (``main-ids``, ``pull-request-names``)."""
    return {f"{re.sub(r'[^A-Za-z0-9]+', '-', context.removeprefix('ref:refs/heads/'))}"
            f"-{prefix_form(prefix)}": f"{prefix}:{context}"
            for context in identity["subjects"] for prefix in prefixes}


def credential_parameters(name, subject):
    return compact_json({"name": name, "issuer": GITHUB_ISSUER, "subject": subject,
                         "audiences": [TOKEN_AUDIENCE]})


def list_credentials_command(app_id):
    return command("az", "ad", "app", "federated-credential", "list", "--id", app_id,
                   "--output", "json")


def credential_commands(app_id, subjects, existing):
    """Delete every credential that is not wanted (stale subjects, the other form), then create
    the missing ones and correct the changed ones: the identity trusts exactly ``subjects``."""
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


def list_role_assignments_command(app_id, role, scope):
    return command("az", "role", "assignment", "list", "--assignee", app_id, "--role", role,
                   "--scope", scope, "--output", "json")


def create_role_assignment_command(principal_object_id, role, scope):
    return command("az", "role", "assignment", "create",
                   "--assignee-object-id", principal_object_id,
                   "--assignee-principal-type", "ServicePrincipal", "--role", role,
                   "--scope", scope, "--output", "json")


def repository_variable_names(config):
    """Every repository variable the workflows read, in the order they are set."""
    return [identity["client_id_variable"] for identity in config["identities"]] + [
        *TENANT_VARIABLES, *config["variables"]]


def repository_variables(config, account, app_ids):
    """The value of each repository variable; ``app_ids`` are the identities' client ids."""
    values = [*app_ids, account["tenantId"], account["id"], *config["variables"].values()]
    return dict(zip(repository_variable_names(config), values, strict=True))


def list_variables_command(repository):
    return command("gh", "variable", "list", "--repo", repository, "--json", "name,value")


def variable_commands(repository, wanted, existing):
    current = {item["name"]: item.get("value") for item in existing or []}
    return [command("gh", "variable", "set", name, "--body", value, "--repo", repository)
            for name, value in wanted.items() if current.get(name) != value]


def environment_command(config, repository, name, reviewer_ids):
    """Create or update an environment (the API's PUT is itself idempotent): main only, and
    required reviewers when ``reviewer_ids`` are given."""
    body = {"deployment_branch_policy": {"protected_branches": False,
                                         "custom_branch_policies": True}}
    if reviewer_ids:
        body["reviewers"] = [{"type": "User", "id": user_id} for user_id in reviewer_ids]
    return command("gh", "api", "--method", "PUT", f"repos/{repository}/environments/{name}",
                   "--input", "-", stdin=compact_json(body))


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


def environments_unavailable(error):
    """One line on what a repository without environments lacks (GitHub answered 404 or 403)."""
    return (f"Not protected: GitHub refused environments ({error}). A private repository on "
            "GitHub Free has none: Deploy still runs, but qa and production wait for no "
            "reviewer and are not limited to main, so anyone who can push can deploy. Make "
            "the repository public, or use GitHub Pro, Team or Enterprise, and run this again.")


def reviewers_unavailable(names):
    return (f"Not protected: GitHub's plan for this repository has no required reviewers "
            f"(private repositories need GitHub Enterprise), so {', '.join(names)} deploys from "
            "main without waiting for approval. Make the repository public, or review each "
            "Train run before it reaches main, and run this again after a plan change.")


def next_steps(config):
    workflow = ("infrastructure-terraform.yml" if "terraform_state" in config
                else "infrastructure-arm.yml")
    return [
        f"Next: run the workflow Infrastructure (.github/workflows/{workflow}) on main, register "
        "the training data, then run Train; Deploy follows each training on main.",
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
            output = f"{completed.stderr}\n{completed.stdout}".strip()
            last = (completed.stderr.strip() or completed.stdout.strip() or "no output")
            words = itertools.takewhile(lambda word: not word.startswith("-"), cmd.argv)
            message = last.splitlines()[-1].removeprefix("ERROR: ").removeprefix("gh: ")
            raise CommandFailed(f"{' '.join(words)} failed: {message}", output)
        try:
            return json.loads(completed.stdout) if completed.stdout.strip() else None
        except ValueError:
            return completed.stdout.strip()


class DryRun:
    """Prints each command and answers as a subscription and repository with nothing set up.

    The reads that decide the sign-in subjects (``Command.dry_run_reads``) go to GitHub when
    ``gh`` is installed and signed in, so the dry run shows this repository's own subjects.
    """

    def __init__(self, github=None):
        self.github = github

    def __call__(self, cmd):
        if cmd.dry_run_reads and self.github is not None and "<" not in " ".join(cmd.argv):
            try:
                return self.github(cmd)
            except SetupError as error:
                print(f"# (read failed, placeholders follow: {error})", flush=True)
        else:
            print(cmd, flush=True)
        return self.answer(cmd.argv)

    @staticmethod
    def answer(argv):
        if argv[1:3] == ("account", "show"):
            return {"id": "<subscription-id>", "name": "<subscription-name>",
                    "tenantId": "<tenant-id>"}
        if argv[:2] == ("gh", "api") and len(argv) == 3:
            path = argv[2]
            if path.endswith("deployment-branch-policies"):
                return {"branch_policies": []}
            if path.endswith("/customization/sub"):
                return {"use_default": True}
            if path.startswith("repos/"):
                owner, name = path.removeprefix("repos/").split("/")
                return {"full_name": f"{owner}/{name}", "name": name, "id": "<repo-id>",
                        "owner": {"login": owner, "id": "<owner-id>"}}
            login = path.removeprefix("users/") if path != "user" else "you"
            return {"login": login, "id": f"<id of {login}>"}
        if argv[1:3] == ("group", "exists"):
            return False
        if "list" in argv[:6]:
            return []
        if argv[1:4] == ("ad", "app", "create"):
            return {"appId": f"<application-id of {argv[argv.index('--display-name') + 1]}>"}
        if argv[1:4] == ("ad", "sp", "create"):
            app_id = argv[argv.index("--id") + 1]
            return {"id": app_id.replace("<application-id of ", "<principal-id of ")}
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


def read_subject_prefixes(run, repository):
    """The subject prefixes GitHub sends for ``repository``, from its record and template."""
    try:
        record = run(repository_record_command(repository))
    except SetupError as error:
        raise SetupError(f"GitHub: {error}; check --repository (or git remote 'origin') and "
                         "that you are an admin of it") from error
    try:
        template = run(subject_template_command(record["full_name"]))
    except SetupError:
        template = None  # no template to read: GitHub's default, in either form
    return record, subject_prefixes(record, template)


def register_providers(config, run):
    """Register the resource providers the resources need (a fresh subscription has few)."""
    wanted = config.get("resource_providers", [])
    if wanted:
        registered = set(run(registered_providers_command()) or [])
        for namespace in wanted:
            if namespace not in registered:
                run(register_provider_command(namespace))


def set_up_state_storage(config, run):
    accounts = run(list_storage_accounts_command(config)) or []
    wanted = config["terraform_state"]["storage_account"]
    if not any(item.get("name") == wanted for item in accounts):
        run(create_state_storage_command(config))
    if not (run(state_container_command(config, "exists")) or {}).get("exists"):
        run(state_container_command(config, "create"))


def set_up_identity(config, run, account, identity, prefixes):
    """The identity's application, service principal, credentials and roles; its client id."""
    name = identity["application"]
    applications = [item for item in run(list_applications_command(name)) or []
                    if item.get("displayName") == name]
    application = applications[0] if applications else run(create_application_command(name))
    app_id = application["appId"]
    principals = run(list_service_principals_command(app_id)) or []
    principal = principals[0] if principals else run(create_service_principal_command(app_id))

    subjects = federated_subjects(identity, prefixes)
    for cmd in credential_commands(app_id, subjects, run(list_credentials_command(app_id))):
        run(cmd)
    for role in identity["roles"]:
        scope = role_scope(config, account, role["scope"])
        if not run(list_role_assignments_command(app_id, role["role"], scope)):
            run(create_role_assignment_command(principal["id"], role["role"], scope))
    return app_id, subjects


def set_up_environments(config, run, repository, reviewers):
    """Each environment, main only, reviewed where github.json asks; what the plan refuses is
    left out and returned as one line each."""
    missing = []
    unreviewed = []
    for name in config["environments"]:
        wanted = reviewers if name in config["reviewed_environments"] else []
        try:
            run(environment_command(config, repository, name, wanted))
        except CommandFailed as error:
            if error.http_status in (403, 404):
                return [environments_unavailable(error)]
            if not (wanted and error.http_status == 422 and "reviewers" in error.output):
                raise
            unreviewed.append(name)
            run(environment_command(config, repository, name, []))
        policies = (run(list_branch_policies_command(repository, name)) or {}).get(
            "branch_policies", [])
        if not any(policy.get("name") == config["branch"] for policy in policies):
            run(create_branch_policy_command(config, repository, name))
    if unreviewed:
        missing.append(reviewers_unavailable(unreviewed))
    return missing


def set_up(config, run, options, repository):
    """Create or update everything, in order; ``run`` runs one command and returns its output.
    Everything that can refuse the whole set-up is read before the first change."""
    try:
        account = run(account_command())
    except SetupError as error:
        raise SetupError("not logged in to Azure: run 'az login'") from error
    reviewers = reviewer_ids(run, options)
    record, prefixes = read_subject_prefixes(run, repository)
    repository = record["full_name"]
    for identity in config["identities"]:
        count = len(identity["subjects"]) * len(prefixes)
        if count > MAX_FEDERATED_CREDENTIALS:
            raise SetupError(f"{identity['application']} would need {count} federated "
                             f"credentials; Entra ID allows {MAX_FEDERATED_CREDENTIALS}")

    register_providers(config, run)
    if not run(resource_group_exists_command(config)):
        run(create_resource_group_command(config))
    if "terraform_state" in config:
        set_up_state_storage(config, run)
    for role in config.get("custom_roles", []):
        existing = run(list_role_definitions_command(config, role)) or []
        for cmd in role_definition_commands(config, account, role, existing):
            run(cmd)
    identities = [set_up_identity(config, run, account, identity, prefixes)
                  for identity in config["identities"]]

    wanted = repository_variables(config, account, [app_id for app_id, _ in identities])
    for cmd in variable_commands(repository, wanted, run(list_variables_command(repository))):
        run(cmd)
    missing = set_up_environments(config, run, repository, reviewers)

    note([f"{identity['application']} trusts: {', '.join(subjects.values())}"
          for identity, (_, subjects) in zip(config["identities"], identities)])
    if prefixes == [f"repo:{repository}"]:
        note(["GitHub sends this repository name-only subjects; opting in to immutable ones "
              "(Settings, Actions, OIDC) guards against a reused name: run this again after."])
    note(missing)
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
                        help="print every az and gh command, one per line, and change nothing "
                        "(the repository's record is read with gh when it can be)")
    parser.add_argument("--config", type=Path, default=CONFIG_PATH,
                        help="the set-up to apply (default: %(default)s)")
    parser.add_argument("--repository",
                        help="<owner>/<repo> on GitHub (default: from git remote 'origin')")
    parser.add_argument("--reviewer", action="append", metavar="LOGIN",
                        help="GitHub login of a required reviewer of production deployments; "
                        "repeat for several (default: you)")
    return parser.parse_args(argv)


def make_runner(options):
    executables = {name: shutil.which(name) for name in ("az", "gh")}
    if options.dry_run:
        return DryRun(Cli(executables) if executables["gh"] else None)
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
