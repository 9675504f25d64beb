"""Create or update this repository's Azure DevOps set-up with one command, safe to re-run.

Reads ``azure-devops.json`` (the template rendered it with your team's names) and, with the Azure
CLI and its ``azure-devops`` extension, in this order:

1. in the subscription you are signed in to, the resource providers your answers need: the
   pipelines' identity is a Contributor on one resource group and cannot register them;
2. in the Azure DevOps organization given by ``--organization``, else by the file, else by
   ``az devops configure --defaults``: the variable group, with every variable and access for
   all pipelines;
3. the Azure Resource Manager service connection (from an existing service principal);
4. the pipelines: infrastructure, CI, CD, from their YAML files, without a first run.

Each object is looked up first and created or updated only when it is missing or differs (a
registered provider is left alone), so a second run creates nothing. The
Azure ML workspace connection (and, without --service-principal-id, the Resource Manager one) are
printed as exact portal steps: the CLI's generic ``service-endpoint create
--service-endpoint-configuration <file>`` would need the service principal's secret in that file,
and this script never writes a secret to disk.

    python environment_setup/azure_devops_setup.py --dry-run    # print every command, call nothing
    python environment_setup/azure_devops_setup.py --service-principal-id <appId>

The command builders below are pure (data in, argv lists out); ``AzureCli`` is the one place that
runs ``az``.
"""
import argparse
import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

CONFIG_PATH = Path(__file__).with_name("azure-devops.json")
# The azure-devops extension reads a service principal's secret from this variable, never argv.
SERVICE_PRINCIPAL_KEY_VARIABLE = "AZURE_DEVOPS_EXT_AZURE_RM_SERVICE_PRINCIPAL_KEY"
{%- if cookiecutter.azureml_sdk == "v2" %}
# The Marketplace extension of the CI's agentless wait for training: the one extension v2 needs.
AZURE_ML_V2_EXTENSION_URL = (
    "https://marketplace.visualstudio.com/items?itemName=ms-air-aiagility.azureml-v2")
{%- endif %}
# What a dry run prints where the organization would be, when none is known yet.
ORGANIZATION_PLACEHOLDER = "https://dev.azure.com/<organization>"


class SetupError(Exception):
    """A problem the user can fix; its message is one line saying what and how."""


def load_config(path=CONFIG_PATH):
    return json.loads(Path(path).read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Pure command builders: argv lists from the configuration.
# ---------------------------------------------------------------------------------------------

def devops_scope(config):
    """The organization and project every ``az devops``/``az pipelines`` command targets."""
    return ["--organization", config["organization"], "--project", config["project"],
            "--output", "json"]


def extension_check_command():
    return ["az", "extension", "show", "--name", "azure-devops", "--output", "json"]


def account_command():
    return ["az", "account", "show", "--output", "json"]


def provider_state_command(namespace):
    return ["az", "provider", "show", "--namespace", namespace, "--query", "registrationState",
            "--output", "tsv"]


def register_provider_command(namespace):
    return ["az", "provider", "register", "--namespace", namespace, "--wait"]


def devops_defaults_command():
    return ["az", "devops", "configure", "--list"]


def configured_organization(listing):
    """The default organization in the text ``az devops configure --list`` prints, or None."""
    match = re.search(r"^\[defaults\][^\[]*?^organization\s*=\s*(\S+)", listing or "",
                      re.MULTILINE)
    return match.group(1) if match else None


def list_variable_groups_command(config):
    return ["az", "pipelines", "variable-group", "list",
            "--group-name", config["variable_group"]["name"], *devops_scope(config)]


def create_variable_group_command(config):
    group = config["variable_group"]
    assignments = [f"{name}={value}" for name, value in group["variables"].items()]
    return ["az", "pipelines", "variable-group", "create", "--name", group["name"],
            "--authorize", "true", "--variables", *assignments, *devops_scope(config)]


def authorize_variable_group_command(config, group_id):
    return ["az", "pipelines", "variable-group", "update", "--id", str(group_id),
            "--authorize", "true", *devops_scope(config)]


def variable_commands(config, group_id, existing_variables):
    """Create the missing variables and correct the changed ones; leave the others alone."""
    commands = []
    for name, value in config["variable_group"]["variables"].items():
        current = existing_variables.get(name)
        if current is not None and (current or {}).get("value") == value:
            continue
        verb = "create" if current is None else "update"
        commands.append(["az", "pipelines", "variable-group", "variable", verb,
                         "--group-id", str(group_id), "--name", name, "--value", value,
                         *devops_scope(config)])
    return commands


def variable_group_commands(config, existing_groups):
    """Everything the variable group needs, given the groups the list command found."""
    group = find_by_name(existing_groups, config["variable_group"]["name"])
    if group is None:
        return [create_variable_group_command(config)]
    return [authorize_variable_group_command(config, group["id"]),
            *variable_commands(config, group["id"], group.get("variables") or {})]


def list_service_connections_command(config):
    return ["az", "devops", "service-endpoint", "list", *devops_scope(config)]


def create_azure_rm_connection_command(config, service_principal_id, account):
    return ["az", "devops", "service-endpoint", "azurerm", "create",
            "--name", config["service_connections"]["azure_resource_manager"],
            "--azure-rm-service-principal-id", service_principal_id,
            "--azure-rm-subscription-id", account["id"],
            "--azure-rm-subscription-name", account["name"],
            "--azure-rm-tenant-id", account["tenantId"],
            *devops_scope(config)]


def enable_connection_for_all_pipelines_command(config, connection_id):
    return ["az", "devops", "service-endpoint", "update", "--id", str(connection_id),
            "--enable-for-all", "true", *devops_scope(config)]


def list_pipelines_command(config, name):
    return ["az", "pipelines", "list", "--name", name, *devops_scope(config)]


def create_pipeline_command(config, pipeline, repository_url, github_connection_id):
    return ["az", "pipelines", "create", "--name", pipeline["name"],
            "--repository", repository_url, "--repository-type", "github",
            "--branch", config["branch"], "--yaml-path", pipeline["yaml_path"],
            "--service-connection", str(github_connection_id), "--skip-first-run", "true",
            *devops_scope(config)]


def update_pipeline_command(config, pipeline, pipeline_id):
    return ["az", "pipelines", "update", "--id", str(pipeline_id),
            "--yaml-path", pipeline["yaml_path"], "--branch", config["branch"],
            *devops_scope(config)]


def pipeline_commands(config, pipeline, existing, repository_url, github_connection_id):
    """Create the pipeline, or point the existing one at its YAML file and branch again."""
    found = find_by_name(existing, pipeline["name"])
    if found is None:
        return [create_pipeline_command(config, pipeline, repository_url, github_connection_id)]
    return [update_pipeline_command(config, pipeline, found["id"])]


# ---------------------------------------------------------------------------------------------
# Pure helpers: finding objects and writing the manual steps.
# ---------------------------------------------------------------------------------------------

def find_by_name(objects, name):
    """The object called exactly ``name`` (list filters in az are prefix or wildcard matches)."""
    return next((item for item in objects or [] if item.get("name") == name), None)


def github_connection(connections, name=None):
    """The GitHub service connection to use: the one named ``name``, else the project's only one."""
    github = [item for item in connections if str(item.get("type", "")).lower() == "github"]
    if name is not None:
        return find_by_name(github, name)
    return github[0] if len(github) == 1 else None


def github_repository_url(remote_url):
    """``https://github.com/<owner>/<repo>`` from the git remote (https or ssh form), else None."""
    remote = (remote_url or "").strip()
    for prefix in ("https://github.com/", "git@github.com:", "ssh://git@github.com/"):
        if remote.startswith(prefix):
            owner_repo = remote[len(prefix):].removesuffix(".git").strip("/")
            return f"https://github.com/{owner_repo}"
    return None


def azure_rm_manual_steps(config):
    name = config["service_connections"]["azure_resource_manager"]
    return [
        f"Service connection {name}: not created (no --service-principal-id). Either create it in "
        "Project settings -> Service connections -> New -> Azure Resource Manager -> Service "
        f"principal (automatic), subscription scope, resource group empty, named {name}, "
        "'Grant access permission to all pipelines' on;",
        "or re-run with --service-principal-id <appId> and the secret in "
        f"{SERVICE_PRINCIPAL_KEY_VARIABLE} (the principal needs Owner or User Access "
        "Administrator on the subscription).",
    ]


def workspace_connection_manual_steps(config):
    workspace = config["service_connections"]["workspace"]
    return [
        f"Service connection {workspace['name']}: a portal step. Its Machine Learning Workspace "
        "scope could only be created from the CLI with a configuration file holding a secret, "
        "which this script never writes."
{%- if cookiecutter.azureml_sdk == "v2" %}
        " The CI's agentless wait for training also needs the Azure ML v2 extension in the "
        "organization: " + AZURE_ML_V2_EXTENSION_URL + "."
{%- endif %},
        "After the first run of the infrastructure pipeline has created "
        f"{workspace['workspace_name']}: Project settings -> Service connections -> New -> "
        "Azure Resource Manager, identity type and credential left at their defaults (workload "
        "identity federation, which the steps' keepAzSessionActive needs) -> Scope level: "
        f"Machine Learning Workspace -> resource group {workspace['resource_group']}, workspace "
        f"{workspace['workspace_name']} (where that scope level is not offered, Resource group "
        f"{workspace['resource_group']} serves as well), named {workspace['name']}, "
        "'Grant access permission to all pipelines' on.",
    ]


def missing_github_connection_message(config, name):
    wanted = f"named {name}" if name else "(exactly one, or pass --github-connection NAME)"
    return (f"GitHub service connection {wanted} not found in {config['project']}: create it in "
            "Project settings -> Service connections -> New -> GitHub -> Authorize, "
            "'Grant access permission to all pipelines' on, then re-run")


def next_steps(config):
    iac, ci, _cd = config["pipelines"]
    return [
        f"Next: run {iac['name']} (az pipelines run --name {iac['name']}), create the workspace "
        f"connection as above, register the dataset, then run {ci['name']}; the CD pipeline "
        "follows each successful CI build on main.",
    ]


# ---------------------------------------------------------------------------------------------
# The thin runner.
# ---------------------------------------------------------------------------------------------

class AzureCli:
    """Runs ``az`` and returns its parsed JSON output; the only code that touches Azure."""

    def __init__(self, executable):
        self.executable = executable

    def __call__(self, argv, as_text=False):
        print(shlex.join(argv), flush=True)
        completed = subprocess.run([self.executable, *argv[1:]], capture_output=True, text=True)
        if completed.returncode != 0:
            lines = (completed.stderr or completed.stdout).strip().splitlines() or ["no output"]
            words = itertools.takewhile(lambda word: not word.startswith("--"), argv)
            raise SetupError(f"{' '.join(words)} failed: {lines[-1].removeprefix('ERROR: ')}")
        if as_text:
            return completed.stdout
        return json.loads(completed.stdout) if completed.stdout.strip() else None


class DryRun:
    """Prints each command and answers as a project with nothing set up yet would."""

    def __call__(self, argv, as_text=False):
        print(shlex.join(argv), flush=True)
        if as_text:
            return ""
        if argv[1:3] == ["account", "show"]:
            return {"id": "<subscription-id>", "name": "<subscription-name>",
                    "tenantId": "<tenant-id>"}
        if "list" in argv[:4]:
            return []
        return {"id": f"<id of {argv[argv.index('--name') + 1]}>" if "--name" in argv else "<id>"}


def check_prerequisites(az):
    """Fail with one line when the extension is missing or nobody is logged in."""
    try:
        az(extension_check_command())
    except SetupError as error:
        raise SetupError("the Azure CLI's azure-devops extension is missing: run "
                         "'az extension add --name azure-devops'") from error
    try:
        return az(account_command())
    except SetupError as error:
        raise SetupError("not logged in to Azure: run 'az login'") from error


def register_providers(config, az):
    """Register each resource provider of the configuration that is not registered yet, and wait
    for it; one line saying who can, when this identity may not."""
    for namespace in config["resource_providers"]:
        if az(provider_state_command(namespace), as_text=True).strip() == "Registered":
            continue
        try:
            az(register_provider_command(namespace))
        except SetupError as error:
            raise SetupError(f"{error}; registering a resource provider needs a role with "
                             "Microsoft.*/register/action on the subscription (Contributor or "
                             f"Owner): ask its owner to run 'az provider register --namespace "
                             f"{namespace} --wait', then re-run") from error


def resolve_organization(options, config, az):
    """The organization to set up: ``--organization``, the file's, or az's default; one line
    saying how to give one when there is none (a dry run prints a placeholder instead)."""
    organization = options.organization or config["organization"] or configured_organization(
        az(devops_defaults_command(), as_text=True))
    if organization:
        return organization
    if options.dry_run:
        return ORGANIZATION_PLACEHOLDER
    raise SetupError("no Azure DevOps organization: pass --organization "
                     "https://dev.azure.com/<name>, or set a default with 'az devops configure "
                     "--defaults organization=https://dev.azure.com/<name>'")


def note(lines):
    for line in lines:
        print(f"# {line}", flush=True)


def set_up(config, az, options, account, repository_url):
    """Create or update everything, in order; ``az`` runs one command and returns its output."""
    connections = az(list_service_connections_command(config)) or []
    # The pipelines need it: fail before changing anything rather than halfway.
    github = github_connection(connections, options.github_connection)
    if github is None and not options.dry_run:
        raise SetupError(missing_github_connection_message(config, options.github_connection))
    github_id = github["id"] if github else (
        f"<id of {options.github_connection or 'your GitHub service connection'}>")

    for command in variable_group_commands(config, az(list_variable_groups_command(config))):
        az(command)

    azure_rm = find_by_name(connections, config["service_connections"]["azure_resource_manager"])
    if azure_rm is None and options.service_principal_id:
        azure_rm = az(create_azure_rm_connection_command(
            config, options.service_principal_id, account))
    if azure_rm is None:
        note(azure_rm_manual_steps(config))
    else:
        az(enable_connection_for_all_pipelines_command(config, azure_rm["id"]))

    workspace = find_by_name(connections, config["service_connections"]["workspace"]["name"])
    if workspace is None:
        note(workspace_connection_manual_steps(config))
    else:
        az(enable_connection_for_all_pipelines_command(config, workspace["id"]))

    for pipeline in config["pipelines"]:
        existing = az(list_pipelines_command(config, pipeline["name"]))
        for command in pipeline_commands(config, pipeline, existing, repository_url, github_id):
            az(command)
    note(next_steps(config))


def git_remote_url(cwd):
    """``git remote get-url origin`` of this repository, or None without git or a remote."""
    git = shutil.which("git")
    if git is None:
        return None
    completed = subprocess.run([git, "remote", "get-url", "origin"], cwd=cwd,
                               capture_output=True, text=True)
    return completed.stdout.strip() if completed.returncode == 0 else None


def resolve_repository_url(options, config):
    url = github_repository_url(options.repository or git_remote_url(CONFIG_PATH.parent))
    if url is not None:
        return url
    if options.repository:
        raise SetupError(f"--repository {options.repository}: expected "
                         "https://github.com/<owner>/<repo> or git@github.com:<owner>/<repo>")
    if options.dry_run:
        return f"https://github.com/<owner>/{config['github_repository']}"
    raise SetupError("no GitHub repository: push this repository to GitHub (git remote 'origin') "
                     "or pass --repository https://github.com/<owner>/"
                     f"{config['github_repository']}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true",
                        help="print every az command, one per line, without calling Azure")
    parser.add_argument("--config", type=Path, default=CONFIG_PATH,
                        help="the set-up to apply (default: %(default)s)")
    parser.add_argument("--organization",
                        help="https://dev.azure.com/<name> (default: the file's, else "
                        "'az devops configure --defaults organization=...')")
    parser.add_argument("--service-principal-id",
                        help="appId of the service principal for the Azure Resource Manager "
                        f"connection; its secret goes in {SERVICE_PRINCIPAL_KEY_VARIABLE}")
    parser.add_argument("--github-connection",
                        help="name of the GitHub service connection the pipelines read the "
                        "repository with (default: the project's only one)")
    parser.add_argument("--repository",
                        help="https://github.com/<owner>/<repo> (default: git remote 'origin')")
    return parser.parse_args(argv)


def make_runner(options):
    if options.dry_run:
        return DryRun()
    executable = shutil.which("az")
    if executable is None:
        raise SetupError("the Azure CLI (az) is not on PATH: install it "
                         "(https://aka.ms/installazurecli), then "
                         "'az extension add --name azure-devops'")
    if options.service_principal_id and not os.environ.get(SERVICE_PRINCIPAL_KEY_VARIABLE):
        raise SetupError(f"--service-principal-id needs the principal's secret in "
                         f"{SERVICE_PRINCIPAL_KEY_VARIABLE}")
    return AzureCli(executable)


def main(argv=None):
    options = parse_args(argv)
    try:
        config = load_config(options.config)
        az = make_runner(options)
        account = check_prerequisites(az)
        register_providers(config, az)
        config = {**config, "organization": resolve_organization(options, config, az)}
        set_up(config, az, options, account, resolve_repository_url(options, config))
    except SetupError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
