"""The generated GitHub set-up: its exact dry run for a team, and its errors without the CLIs.

The dry run is asserted line by line for a team with non-default answers (team 7, Terraform), so
a changed flag, name, subject or order in the script shows up here as a diff. The script's own
tests (run by make test in the generated repository) drive it against stand-in az and gh.
"""
import json
import re

import pytest

from conftest import bake_once, run_python

SCRIPT = "environment_setup/github_setup.py"
TEAM_7 = {"team_number": "7", "iac_tool": "terraform", "azureml_sdk": "v2",
          "orchestrator": "github_actions"}
REPOSITORY = "contoso/EY_Team7_MLOps"
APP = "'<application-id>'"
SCOPE = "'/subscriptions/<subscription-id>/resourceGroups/eyteam7-AML-RG'"
ENVIRONMENTS = f"repos/{REPOSITORY}/environments"
BRANCH_POLICY = ('"deployment_branch_policy":'
                 '{"protected_branches":false,"custom_branch_policies":true}')


def credential(name, subject):
    return (f"az ad app federated-credential create --id {APP} --parameters "
            f"'{{\"name\":\"{name}\",\"issuer\":\"https://token.actions.githubusercontent.com\","
            f"\"subject\":\"repo:{REPOSITORY}:{subject}\","
            "\"audiences\":[\"api://AzureADTokenExchange\"]}' --output json")


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
    "az ad app list --display-name EY_Team7_MLOps-github-actions --output json",
    "az ad app create --display-name EY_Team7_MLOps-github-actions "
    "--sign-in-audience AzureADMyOrg --output json",
    "az ad sp list --filter 'appId eq '\"'\"'<application-id>'\"'\"'' --output json",
    f"az ad sp create --id {APP} --output json",
    f"az ad app federated-credential list --id {APP} --output json",
    credential("main", "ref:refs/heads/main"),
    credential("pull-request", "pull_request"),
    credential("environment-qa", "environment:qa"),
    credential("environment-production", "environment:production"),
    f"az role assignment list --assignee {APP} --role Contributor --scope {SCOPE} --output json",
    "az role assignment create --assignee-object-id '<service-principal-object-id>' "
    f"--assignee-principal-type ServicePrincipal --role Contributor --scope {SCOPE} "
    "--output json",
    f"gh variable list --repo {REPOSITORY} --json name,value",
    variable("AZURE_CLIENT_ID", APP),
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


@pytest.fixture(scope="module")
def team_7():
    return bake_once(**TEAM_7)


def dry_run(project, *options):
    """The script's dry run with no ``az`` or ``gh`` anywhere on PATH: it must need neither."""
    return run_python([SCRIPT, "--dry-run", *options], project, env={"PATH": str(project)})


def test_dry_run_prints_the_teams_whole_first_run(team_7):
    completed = dry_run(team_7, "--repository", f"git@github.com:{REPOSITORY}.git",
                        "--reviewer", "octo")

    lines = completed.stdout.splitlines()
    assert [line for line in lines if not line.startswith("# ")] == TEAM_7_FIRST_RUN
    notes = [line for line in lines if line.startswith("# ")]
    assert notes[0] == (
        f"# Federated credential subjects: repo:{REPOSITORY}:ref:refs/heads/main, "
        f"repo:{REPOSITORY}:pull_request, repo:{REPOSITORY}:environment:qa, "
        f"repo:{REPOSITORY}:environment:production")
    assert "infrastructure-terraform.yml" in notes[1]


def test_dry_run_in_a_fresh_project_needs_no_options(team_7):
    completed = dry_run(team_7)

    assert "--repo '<owner>/EY_Team7_MLOps'" in completed.stdout
    assert "gh api user\n" in completed.stdout


@pytest.mark.parametrize("missing, message", [
    ("az", "ERROR: the Azure CLI (az) is not on PATH: install it "
           "(https://aka.ms/installazurecli), then 'az login'"),
    ("gh", "ERROR: the GitHub CLI (gh) is not on PATH: install it (https://cli.github.com), "
           "then 'gh auth login'"),
])
def test_real_run_without_a_cli_fails_with_one_line(team_7, tmp_path, missing, message):
    for tool in {"az", "gh"} - {missing}:
        (tmp_path / tool).write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        (tmp_path / tool).chmod(0o755)

    completed = run_python([SCRIPT, "--repository", REPOSITORY], team_7,
                           env={"PATH": str(tmp_path)}, check=False)

    assert completed.returncode == 1
    assert completed.stderr.splitlines() == [message]


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
