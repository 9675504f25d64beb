"""The generated Azure DevOps set-up: one source for the variable group, its exact dry run, tests.

The dry run is asserted line by line for a team with non-default answers (team 7, AKS on,
Terraform), so a changed flag, name or order in the script shows up here as a diff.
"""
import json
import re
import tomllib

import pytest

from tests.support.bakes import bake_once
from tests.support.commands import run_python

SCRIPT = "environment_setup/azure_devops_setup.py"
TEAM_7 = {"team_number": "7", "deploy_aks": True, "iac_tool": "terraform"}
ORGANIZATION = "https://dev.azure.com/contoso-workshop"
SCOPE = (f"--organization {ORGANIZATION} --project MCW-EY-DevOps-for-Data-Science "
         "--output json")
REPOSITORY = "https://github.com/contoso/EY_Team7_MLOps"
PRINCIPAL = "00000000-0000-0000-0000-000000000007"
# Team 7's answers (SDK v1, so ACI; AKS) need these providers; a dry run finds none registered.
TEAM_7_PROVIDERS = ["MachineLearningServices", "Storage", "KeyVault", "ContainerRegistry",
                    "Insights", "OperationalInsights", "ContainerService", "ContainerInstance"]
TEAM_7_FIRST_RUN = [
    "az extension show --name azure-devops --output json",
    "az account show --output json",
    *[line for name in TEAM_7_PROVIDERS for line in (
        f"az provider show --namespace Microsoft.{name} --query registrationState --output tsv",
        f"az provider register --namespace Microsoft.{name} --wait")],
    f"az devops service-endpoint list {SCOPE}",
    f"az pipelines variable-group list --group-name devopsforai-aml-vg {SCOPE}",
    "az pipelines variable-group create --name devopsforai-aml-vg --authorize true --variables "
    "BASE_NAME=eyteam7 LOCATION=australiaeast RESOURCE_GROUP=eyteam7-AML-RG "
    "WORKSPACE_NAME=eyteam7-AML-WS AZURE_RM_SVC_CONNECTION=azure-resource-connection "
    "WORKSPACE_SVC_CONNECTION=aml-workspace-connection ACI_DEPLOYMENT_NAME=mlops-aci "
    f"AKS_COMPUTE_NAME=aks AKS_DEPLOYMENT_NAME=mlops-aks {SCOPE}",
    "az devops service-endpoint azurerm create --name azure-resource-connection "
    f"--azure-rm-service-principal-id {PRINCIPAL} "
    "--azure-rm-subscription-id '<subscription-id>' "
    "--azure-rm-subscription-name '<subscription-name>' "
    f"--azure-rm-tenant-id '<tenant-id>' {SCOPE}",
    "az devops service-endpoint update --id '<id of azure-resource-connection>' "
    f"--enable-for-all true {SCOPE}",
    f"az pipelines list --name IaC-Create-Environment {SCOPE}",
    f"az pipelines create --name IaC-Create-Environment --repository {REPOSITORY} "
    "--repository-type github --branch main "
    "--yaml-path environment_setup/iac-create-environment-pipeline-tf.yml "
    f"--service-connection '<id of github-contoso>' --skip-first-run true {SCOPE}",
    f"az pipelines list --name Model-Train-Register-CI {SCOPE}",
    f"az pipelines create --name Model-Train-Register-CI --repository {REPOSITORY} "
    "--repository-type github --branch main --yaml-path .pipelines/driver_training-ci.yml "
    f"--service-connection '<id of github-contoso>' --skip-first-run true {SCOPE}",
    f"az pipelines list --name Model-Deploy-CD {SCOPE}",
    f"az pipelines create --name Model-Deploy-CD --repository {REPOSITORY} "
    "--repository-type github --branch main --yaml-path .pipelines/driver_training-cd.yml "
    f"--service-connection '<id of github-contoso>' --skip-first-run true {SCOPE}",
]


@pytest.fixture(scope="module")
def team_7():
    return bake_once(**TEAM_7)


def dry_run(project, *options):
    """The script's dry run with no ``az`` anywhere on PATH: it must not need one."""
    return run_python([SCRIPT, "--dry-run", *options], project, env={"PATH": str(project)})


def commands(output):
    return [line for line in output.splitlines() if not line.startswith("# ")]


def test_dry_run_prints_the_teams_whole_first_run(team_7):
    completed = dry_run(team_7, "--repository", REPOSITORY + ".git", "--service-principal-id",
                        PRINCIPAL, "--github-connection", "github-contoso",
                        "--organization", ORGANIZATION)

    assert commands(completed.stdout) == TEAM_7_FIRST_RUN
    notes = [line for line in completed.stdout.splitlines() if line.startswith("# ")]
    assert any("Machine Learning Workspace -> resource group eyteam7-AML-RG, workspace "
               "eyteam7-AML-WS (" in line and "named aml-workspace-connection" in line
               for line in notes)
    # SDK v1 needs no Marketplace extension (the classic one is discouraged): none is named.
    assert "marketplace.visualstudio.com" not in completed.stdout


def test_dry_run_in_a_fresh_project_needs_no_options(team_7):
    completed = dry_run(team_7)

    printed = commands(completed.stdout)
    # No organization was answered or given: the dry run asks az for its default and, with
    # none, shows a placeholder in every command.
    after_providers = 2 + 2 * len(TEAM_7_PROVIDERS)
    assert printed[after_providers] == "az devops configure --list"
    assert all("--organization 'https://dev.azure.com/<organization>'" in line
               for line in printed[after_providers + 1:])
    assert [line.split(" --")[0] for line in printed if " create " in line] == [
        "az pipelines variable-group create", "az pipelines create", "az pipelines create",
        "az pipelines create"]
    assert "--repository 'https://github.com/<owner>/EY_Team7_MLOps'" in printed[-1]
    assert "# Service connection azure-resource-connection: not created" in completed.stdout


@pytest.mark.parametrize("deploy_aks", [False, True])
@pytest.mark.parametrize("deploy_webapp", [False, True])
def test_readme_and_setup_file_show_the_same_variable_group(deploy_aks, deploy_webapp):
    project = bake_once(deploy_aks=deploy_aks, deploy_webapp=deploy_webapp)
    setup = json.loads((project / "environment_setup" / "azure-devops.json").read_text())
    readme = (project / "README.md").read_text()

    table = re.search(r"### 1\. Variable group.*?\n\n(\|.*?)\n\n", readme, re.DOTALL).group(1)
    rows = dict(re.findall(r"^\| `(\w+)` \| `([^`]*)` \|$", table, re.MULTILINE))
    assert rows == setup["variable_group"]["variables"]
    assert list(rows)[:7] == ["BASE_NAME", "LOCATION", "RESOURCE_GROUP", "WORKSPACE_NAME",
                              "AZURE_RM_SVC_CONNECTION", "WORKSPACE_SVC_CONNECTION",
                              "ACI_DEPLOYMENT_NAME"]
    assert list(rows)[7:] == (["AKS_COMPUTE_NAME", "AKS_DEPLOYMENT_NAME"] if deploy_aks else []) \
        + (["WEBAPP_DEPLOYMENT_NAME"] if deploy_webapp else [])


@pytest.mark.parametrize("iac_tool", ["arm", "terraform"])
def test_every_pipeline_yaml_path_is_a_generated_file(iac_tool):
    project = bake_once(iac_tool=iac_tool)
    setup = json.loads((project / "environment_setup" / "azure-devops.json").read_text())
    paths = [pipeline["yaml_path"] for pipeline in setup["pipelines"]]
    assert [path for path in paths if not (project / path).is_file()] == []


def test_cruft_skip_list_is_the_readme_table(default_project):
    skip = tomllib.loads((default_project / "pyproject.toml").read_text())["tool"]["cruft"]["skip"]
    readme = (default_project / "README.md").read_text()

    section = readme.split("## Update from the template", 1)[1]
    documented = re.findall(r"^\| `([^`]+)` \|", section, re.MULTILINE)
    assert [path.rstrip("/") for path in documented] == skip
    assert "driver_training/parameters.json" in skip
