"""The generated GitHub set-up: its exact dry run for a team, and the subjects and roles it
derives.

The dry run is asserted line by line for a team with non-default answers (team 7, Terraform), so
a changed flag, name, subject or order in the script shows up here as a diff. With a stand-in
``gh`` that answers the repository's record (owner id 123, repository id 456), the dry run
registers the immutable subject of every sign-in the workflows make; the identity trusted by the
pull-request subject holds no role that can write, read from the script's own commands. The
script's own tests (run by make test in the generated repository) drive it against stand-in az
and gh.
"""
import json
import re
import shlex
import sys

import pytest

from tests.support.bakes import bake_once
from tests.support.commands import run_python
from tests.support.workflows import setup_config, signed_in_subjects

SCRIPT = "environment_setup/github_setup.py"
TEAM_7 = {"team_number": "7", "iac_tool": "terraform", "azureml_sdk": "v2",
          "orchestrator": "github_actions"}
REPOSITORY = "contoso/EY_Team7_MLOps"
MAIN_APP = "EY_Team7_MLOps-github-actions"
PULL_REQUEST_APP = "EY_Team7_MLOps-github-pull-requests"
# The immutable subject prefix of the repository the stand-in gh below knows.
IMMUTABLE = "repo:contoso@123/EY_Team7_MLOps@456"
GROUP = "/subscriptions/<subscription-id>/resourceGroups/eyteam7-AML-RG"
ENVIRONMENTS = f"repos/{REPOSITORY}/environments"
BRANCH_POLICY = ('"deployment_branch_policy":'
                 '{"protected_branches":false,"custom_branch_policies":true}')
ISSUER = "https://token.actions.githubusercontent.com"
BY_IDS = "repo:contoso@<owner-id>/EY_Team7_MLOps@<repo-id>"
BY_NAMES = f"repo:{REPOSITORY}"
# Built-in roles that only read (Azure's built-in roles: Reader is */read; Storage Blob Data
# Reader reads containers and blobs); a custom role may add what-if and validation.
READ_ONLY_ROLES = {"Reader", "Storage Blob Data Reader"}
PREVIEW_ACTIONS = {"Microsoft.Resources/deployments/whatIf/action",
                   "Microsoft.Resources/deployments/validate/action"}


def app_id(app):
    return shlex.quote(f"<application-id of {app}>")


def identity(app, credentials, roles):
    """The commands that set up one identity: application, principal, credentials, roles."""
    owned_by = shlex.quote(f"appId eq '<application-id of {app}>'")
    lines = [
        f"az ad app list --display-name {app} --output json",
        f"az ad app create --display-name {app} --sign-in-audience AzureADMyOrg --output json",
        f"az ad sp list --filter {owned_by} --output json",
        f"az ad sp create --id {app_id(app)} --output json",
        f"az ad app federated-credential list --id {app_id(app)} --output json",
    ]
    for name, subject in credentials:
        parameters = json.dumps({"name": name, "issuer": ISSUER, "subject": subject,
                                 "audiences": ["api://AzureADTokenExchange"]},
                                separators=(",", ":"))
        lines.append(f"az ad app federated-credential create --id {app_id(app)} "
                     f"--parameters '{parameters}' --output json")
    for role, scope in roles:
        role, scope = shlex.quote(role), shlex.quote(scope)
        lines += [f"az role assignment list --assignee {app_id(app)} --role {role} --scope {scope}"
                  " --output json",
                  f"az role assignment create --assignee-object-id "
                  f"{shlex.quote(f'<principal-id of {app}>')} --assignee-principal-type "
                  f"ServicePrincipal --role {role} --scope {scope} --output json"]
    return lines


def both_forms(name, context):
    return [(f"{name}-ids", f"{BY_IDS}:{context}"), (f"{name}-names", f"{BY_NAMES}:{context}")]


def variable(name, value):
    return f"gh variable set {name} --body {value} --repo {REPOSITORY}"


def environment(name, reviewers=""):
    return [f"gh api --method PUT {ENVIRONMENTS}/{name} --input - "
            f"<<< '{{{BRANCH_POLICY}{reviewers}}}'",
            f"gh api {ENVIRONMENTS}/{name}/deployment-branch-policies",
            f"gh api --method POST {ENVIRONMENTS}/{name}/deployment-branch-policies "
            "-f name=main -f type=branch"]


TEAM_7_FIRST_RUN = [
    "az account show --output json",
    "gh api users/octo",
    f"gh api repos/{REPOSITORY}",
    f"gh api repos/{REPOSITORY}/actions/oidc/customization/sub",
    "az provider list --query '[?registrationState=='\"'\"'Registered'\"'\"'].namespace' "
    "--output json",
    *[f"az provider register --namespace Microsoft.{namespace} --wait"
      for namespace in ("MachineLearningServices", "Storage", "KeyVault", "ContainerRegistry",
                        "Insights", "OperationalInsights")],
    "az group exists --name eyteam7-AML-RG",
    "az group create --name eyteam7-AML-RG --location australiaeast --output json",
    "az storage account list --resource-group eyteam7-AML-RG --output json",
    "az storage account create --name eyteam7statestor --resource-group eyteam7-AML-RG "
    "--location australiaeast --sku Standard_LRS --min-tls-version TLS1_2 "
    "--allow-blob-public-access false --output json",
    "az storage container exists --name tfstate --account-name eyteam7statestor "
    "--auth-mode key --output json",
    "az storage container create --name tfstate --account-name eyteam7statestor "
    "--auth-mode key --output json",
    *identity(MAIN_APP, both_forms("main", "ref:refs/heads/main")
              + both_forms("environment-qa", "environment:qa")
              + both_forms("environment-production", "environment:production"),
              [("Contributor", GROUP)]),
    *identity(PULL_REQUEST_APP, both_forms("pull-request", "pull_request"),
              [("Reader", GROUP),
               ("Storage Blob Data Reader", f"{GROUP}/providers/Microsoft.Storage/storageAccounts"
                "/eyteam7statestor/blobServices/default/containers/tfstate")]),
    f"gh variable list --repo {REPOSITORY} --json name,value",
    variable("AZURE_CLIENT_ID", app_id(MAIN_APP)),
    variable("AZURE_PULL_REQUEST_CLIENT_ID", app_id(PULL_REQUEST_APP)),
    variable("AZURE_TENANT_ID", "'<tenant-id>'"),
    variable("AZURE_SUBSCRIPTION_ID", "'<subscription-id>'"),
    variable("BASE_NAME", "eyteam7"),
    variable("LOCATION", "australiaeast"),
    variable("RESOURCE_GROUP", "eyteam7-AML-RG"),
    variable("WORKSPACE_NAME", "eyteam7-AML-WS"),
    variable("TF_STATE_STORAGE_ACCOUNT", "eyteam7statestor"),
    *environment("qa"),
    *environment("production", ',"reviewers":[{"type":"User","id":"<id of octo>"}]'),
]
# A stand-in gh that knows one repository: user contoso (id 123), repository id 456, and its
# subject template, or no template (404, as gh prints it).
STAND_IN_GH = """
import json, sys
record = {"full_name": "contoso/EY_Team7_MLOps", "name": "EY_Team7_MLOps", "id": 456,
          "owner": {"login": "contoso", "id": 123}}
path = sys.argv[-1]
if path == "repos/contoso/EY_Team7_MLOps":
    print(json.dumps(record))
elif path.endswith("/actions/oidc/customization/sub") and TEMPLATE:
    print(json.dumps(TEMPLATE))
else:
    print(json.dumps({"message": "Not Found", "status": "404"}))
    sys.exit("gh: Not Found (HTTP 404)")
"""


@pytest.fixture(scope="module")
def team_7():
    return bake_once(**TEAM_7)


def dry_run(project, *options, path=None):
    """The script's dry run with no ``az`` anywhere on PATH (and ``gh`` only in ``path``)."""
    return run_python([SCRIPT, "--dry-run", *options], project,
                      env={"PATH": str(path or project)})


def test_dry_run_prints_the_teams_whole_first_run(team_7):
    completed = dry_run(team_7, "--repository", f"git@github.com:{REPOSITORY}.git",
                        "--reviewer", "octo")

    lines = completed.stdout.splitlines()
    assert [line for line in lines if not line.startswith("# ")] == TEAM_7_FIRST_RUN
    notes = [line for line in lines if line.startswith("# ")]
    assert notes[0] == (
        f"# {MAIN_APP} trusts: {BY_IDS}:ref:refs/heads/main, {BY_NAMES}:ref:refs/heads/main, "
        f"{BY_IDS}:environment:qa, {BY_NAMES}:environment:qa, {BY_IDS}:environment:production, "
        f"{BY_NAMES}:environment:production")
    assert notes[1] == (f"# {PULL_REQUEST_APP} trusts: {BY_IDS}:pull_request, "
                        f"{BY_NAMES}:pull_request")
    assert "infrastructure-terraform.yml" in notes[2]


def test_dry_run_in_a_fresh_project_needs_no_options(team_7):
    completed = dry_run(team_7)

    assert "--repo '<owner>/EY_Team7_MLOps'" in completed.stdout
    assert "gh api user\n" in completed.stdout


def credentials_by_application(lines):
    """Application -> the subjects of the credentials the dry run creates for it."""
    found = {}
    for line in lines:
        if "federated-credential create" in line:
            argv = shlex.split(line)
            application = argv[argv.index("--id") + 1].removeprefix("<application-id of ")
            subject = json.loads(argv[argv.index("--parameters") + 1])["subject"]
            found.setdefault(application.removesuffix(">"), set()).add(subject)
    return found


@pytest.mark.parametrize("iac_tool", ["arm", "terraform"])
@pytest.mark.parametrize("template, forms", [
    ({"use_default": True, "use_immutable_subject": True, "sub_claim_prefix": IMMUTABLE},
     [IMMUTABLE]),
    (None, [IMMUTABLE, BY_NAMES]),
], ids=["template-names-the-prefix", "no-template"])
def test_dry_run_registers_the_immutable_subject_of_every_sign_in(tmp_path, iac_tool, template,
                                                                  forms):
    project = bake_once(**{**TEAM_7, "iac_tool": iac_tool})
    gh = tmp_path / "gh"
    gh.write_text(f"#!{sys.executable}\nTEMPLATE = {template!r}\n{STAND_IN_GH}", encoding="utf-8")
    gh.chmod(0o755)

    completed = dry_run(project, "--repository", REPOSITORY, path=tmp_path)

    _, config = setup_config(project)
    applications = {item["client_id_variable"]: item["application"]
                    for item in config["identities"]}
    assert credentials_by_application(completed.stdout.splitlines()) == {
        applications[variable]: {f"{form}:{context}" for form in forms for context in contexts}
        for variable, contexts in signed_in_subjects(project, config).items()}


def roles_trusted_by(lines, subject_suffix):
    """The roles of the identity whose credentials end in ``subject_suffix``, each with the
    actions the dry run defines for it (None for a built-in role)."""
    defined, applications, roles = {}, set(), []
    for line in lines:
        argv = shlex.split(line.split(" <<< ")[0])
        option = dict(zip(argv, argv[1:]))
        if argv[1:4] == ["role", "definition", "create"]:
            definition = json.loads(option["--role-definition"])
            defined[definition["Name"]] = definition["Actions"] + definition["DataActions"]
        if "federated-credential" in argv and "create" in argv:
            if json.loads(option["--parameters"])["subject"].endswith(subject_suffix):
                applications.add(option["--id"].removeprefix("<application-id of "))
        if argv[1:4] == ["role", "assignment", "create"]:
            holder = option["--assignee-object-id"].removeprefix("<principal-id of ")
            if holder in applications:
                roles.append((option["--role"], defined.get(option["--role"])))
    return roles


def can_write(role, actions):
    """What of a role can change Azure: a built-in role not known to only read, or a custom
    role's actions beyond reads, what-if and validation (data actions included)."""
    if actions is None:
        return [] if role in READ_ONLY_ROLES else [role]
    return [action for action in actions
            if not action.endswith("/read") and action not in PREVIEW_ACTIONS]


@pytest.mark.parametrize("iac_tool", ["arm", "terraform"])
def test_the_pull_request_identity_has_no_role_that_can_write(iac_tool):
    project = bake_once(**{**TEAM_7, "iac_tool": iac_tool})
    lines = dry_run(project, "--repository", REPOSITORY).stdout.splitlines()

    pull_request_roles = roles_trusted_by(lines, ":pull_request")
    main_roles = roles_trusted_by(lines, ":ref:refs/heads/main")

    assert pull_request_roles and [write for role in pull_request_roles
                                   for write in can_write(*role)] == []
    # The same reading finds the write role of main's identity.
    assert [write for role in main_roles for write in can_write(*role)] == ["Contributor"]


@pytest.mark.parametrize("iac_tool", ["arm", "terraform"])
def test_readme_and_setup_file_show_the_same_variables(iac_tool):
    project = bake_once(iac_tool=iac_tool, azureml_sdk="v2", orchestrator="github_actions")
    setup = json.loads((project / "environment_setup" / "github.json").read_text())
    readme = (project / "README.md").read_text()

    table = re.search(r"## Set up Azure and GitHub.*?\n\n(\| Variable.*?)\n\n", readme,
                      re.DOTALL).group(1)
    assert dict(re.findall(r"^\| `(\w+)` \| `([^`]*)` \|$", table, re.MULTILINE)) == \
        setup["variables"]
    assert "Azure DevOps" not in readme.split("## Work locally")[0].split("## What is where")[1]
