"""The generated infrastructure as code: ARM template, Terraform files, their pipelines and
scripts, run against the stand-in ``az``."""
import hashlib
import json
import re
import subprocess
from pathlib import Path

import hcl2
import pytest
import yaml

from hooks import post_gen_project as post_gen, pre_gen_project as pre_gen
from tests.support.azure_pipelines import jobs, step_script
from tests.support.bakes import (AZURE_DEVOPS, bake_once, option_matrix, rendered_answers,
                                 structural_bakes, writable_copy)
from tests.support.commands import CHECK_JSONSCHEMA
from tests.support.rehearsal import variable_group_values
from tests.support.stand_in_az import SUBSCRIPTION_ID, StandInAz, rule
from tests.support.stand_ins import arm
from tests.support.workflows import fill

ARM_SCHEMA = Path(__file__).parent / "schemas" / "arm-deployment-template.json"
ARM_TEMPLATE = "environment_setup/arm-templates/cloud-environment.json"
TF_DIR = "environment_setup/tf-templates"
TF_NAMES = {
    "azurerm_storage_account": "__storage_account",
    "azurerm_container_registry": "__container_registry",
    "azurerm_key_vault": "__key_vault",
    "azurerm_application_insights": "__app_insights",
    "azurerm_log_analytics_workspace": "__log_analytics",
}


@pytest.fixture(scope="module")
def bakes():
    return structural_bakes(**AZURE_DEVOPS)


def bakes_with(bakes, iac_tool):
    return [(overrides, project) for overrides, project in bakes
            if overrides["iac_tool"] == iac_tool]


def test_arm_templates_pass_the_structural_schema(bakes, tmp_path):
    seeded = tmp_path / "bad-template.json"
    seeded.write_text(json.dumps({
        "$schema": "https://example.org/template.json", "contentVersion": "1.0",
        "resources": [{"type": "Microsoft.Storage/storageAccounts", "name": "x"}]}),
        encoding="utf-8")
    files = [project / ARM_TEMPLATE for _, project in bakes_with(bakes, "arm")]
    completed = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--output-format", "json", "--schemafile", str(ARM_SCHEMA),
         *map(str, files), str(seeded)], capture_output=True, text=True, timeout=120)
    report = json.loads(completed.stdout)
    assert {error["filename"] for error in report["errors"]} == {str(seeded)}, report
    paths = [error["path"] for error in report["errors"]]
    assert len(paths) == 3 and {"$.contentVersion", "$.resources[0]"} < set(paths)


def test_arm_parameters_follow_the_answers_and_the_naming_rules(bakes):
    rules = pre_gen.NAME_RULES
    overrides, project = bakes_with(bakes, "arm")[0]
    answers = rendered_answers(**overrides)
    template = json.loads((project / ARM_TEMPLATE).read_text(encoding="utf-8"))
    parameters = template["parameters"]
    base_name = parameters["baseName"]
    assert (base_name["minLength"], base_name["maxLength"]) == (
        rules["base_name"].min_length, rules["base_name"].max_length)
    assert parameters["location"]["defaultValue"] == answers["location"]
    assert parameters["workspace"]["defaultValue"] == answers["workspace_name"]
    # A mixed-case BASE_NAME in the variable group must still give valid storage/ACR names:
    # each resource is named as cookiecutter.json derives its name from that BASE_NAME (the
    # manifest `__resources`, rendered with every resource chosen).
    mixed_case = rendered_answers(**{**overrides, "deploy_aks": True, "deploy_webapp": True,
                                     "base_name": answers["base_name"].upper(),
                                     "workspace_name": answers["workspace_name"]})
    values = {"baseName": mixed_case["base_name"], "workspace": answers["workspace_name"],
              "location": answers["location"],
              "aksComputeName": parameters["aksComputeName"]["defaultValue"]}
    # Top-level resources only: a child (the AKS attach) is named `<workspace>/<compute>`.
    names = {resource["type"]: arm.evaluate(resource["name"], values, template["variables"])
             for resource in template["resources"] if resource["type"].count("/") == 1}
    assert len(names) == 9  # storage, registry, key vault, two monitors, workspace, AKS, plan, site
    assert names == {resource["type"]: resource["name"]
                     for resource in mixed_case["__resources"].values()
                     if resource["name"] and resource["type"] in names}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", resource["apiVersion"])
               and resource["apiVersion"] >= "2020" for resource in template["resources"])


def test_arm_location_default_is_each_bakes_region():
    # The option matrix deals the regions out over its bakes, already made for other tests.
    arm_bakes = [overrides for overrides in option_matrix() if overrides["iac_tool"] == "arm"]
    for overrides in arm_bakes:
        template = json.loads((bake_once(**overrides) / ARM_TEMPLATE).read_text(encoding="utf-8"))
        assert template["parameters"]["location"]["defaultValue"] == overrides["location"]


def load_terraform(project):
    merged = {}
    for path in sorted((project / TF_DIR).glob("*.tf")):
        for key, value in hcl2.loads(path.read_text(encoding="utf-8")).items():
            merged.setdefault(key, []).extend(value)
    return merged


def unquote(value):
    return value.strip('"')


def test_terraform_parses_and_matches_the_answers(bakes):
    rules = pre_gen.NAME_RULES["base_name"]
    for overrides, project in bakes_with(bakes, "terraform")[:2]:
        answers = rendered_answers(**overrides)
        config = load_terraform(project)
        terraform = config["terraform"][0]
        azurerm = terraform["required_providers"][0]["azurerm"]
        assert unquote(azurerm["source"]) == "hashicorp/azurerm"
        assert re.fullmatch(r"~> 4\.\d+", unquote(azurerm["version"]))
        assert list(terraform["backend"][0]) == ['"azurerm"']
        variables = {unquote(name): body for entry in config["variable"]
                     for name, body in entry.items()}
        base_name = variables["BASE_NAME"]
        assert unquote(base_name["default"]) == answers["base_name"]
        condition = base_name["validation"][0]["condition"]
        assert f"length(var.BASE_NAME) >= {rules.min_length}" in condition
        assert f"length(var.BASE_NAME) <= {rules.max_length}" in condition
        assert unquote(variables["WORKSPACE_NAME"]["default"]) == answers["workspace_name"]
        resources = {unquote(kind): next(iter(body.values()))
                     for entry in config["resource"] for kind, body in entry.items()}
        base = answers["base_name"]
        for kind, key in TF_NAMES.items():
            name = unquote(resources[kind]["name"])
            rendered = name.replace("${local.base_name_lower}", base).replace(
                "${var.BASE_NAME}", base)
            assert rendered == answers[key], kind
            if key in ("__storage_account", "__container_registry"):
                assert "${local.base_name_lower}" in name, f"{kind} must be lower-cased"
        assert "lower(var.BASE_NAME)" in str(config["locals"])
        pipeline_file = project / "environment_setup/iac-create-environment-pipeline-tf.yml"
        pipeline = yaml.safe_load(pipeline_file.read_text("utf-8"))
        state = next(entry for entry in pipeline["variables"]
                     if entry.get("name") == "TF_STATE_STORAGE_ACCOUNT")
        assert state["value"] == answers["__tf_state_storage_account"]


@pytest.mark.parametrize("iac_tool", ["arm", "terraform"])
def test_hook_finds_the_answers_and_notices_a_wrong_one(bakes, iac_tool, tmp_path):
    overrides, project = bakes_with(bakes, iac_tool)[0]
    answers = rendered_answers(**overrides)
    assert post_gen.expectation_problems(project, answers) == []
    assert len([row for row in post_gen.EXPECTED_VALUES if post_gen.is_kept(
        row[0].format(project=answers["project_name"]), answers["__files"])]) >= 10
    copy = writable_copy(project, tmp_path)
    variables = copy / f".pipelines/{answers['project_name']}-variables-template.yml"
    variables.write_text(variables.read_text("utf-8").replace(
        f"value: '{answers['dataset_name']}'", "value: someone_elses_ds"),
        encoding="utf-8")
    infra = copy / (ARM_TEMPLATE if iac_tool == "arm" else f"{TF_DIR}/variables.tf")
    infra.write_text(infra.read_text("utf-8").replace(answers["workspace_name"], "other-ws"),
                     encoding="utf-8")
    problems = post_gen.expectation_problems(copy, answers)
    assert [problem.split(":")[0] for problem in problems] == [
        variables.relative_to(copy).as_posix(), infra.relative_to(copy).as_posix()]
    assert "expected dataset_name=" in problems[0] and "'someone_elses_ds'" in problems[0]


def arm_resources(template):
    return {resource["type"]: resource for resource in template["resources"]}


def test_arm_creates_and_attaches_the_chosen_deployment_targets(bakes):
    """AKS: a one-node cluster attached to the workspace under AKS_COMPUTE_NAME; Web App: a
    Linux plan and a container app holding the registry's credentials, after the registry."""
    for overrides, project in bakes_with(bakes, "arm"):
        answers = rendered_answers(**overrides)
        template = json.loads((project / ARM_TEMPLATE).read_text(encoding="utf-8"))
        parameters = template["parameters"]
        assert parameters["deployAks"]["defaultValue"] is answers["deploy_aks"]
        assert parameters["deployWebapp"]["defaultValue"] is answers["deploy_webapp"]
        assert parameters["aksComputeName"]["defaultValue"] == answers["__aks_compute_name"]
        assert parameters["aksVmSize"]["defaultValue"] == answers["__aks_vm_size"]
        resources = arm_resources(template)
        cluster = resources["Microsoft.ContainerService/managedClusters"]
        attach = resources["Microsoft.MachineLearningServices/workspaces/computes"]
        assert cluster["condition"] == "[parameters('deployAks')]"
        # A second run leaves the attach out (arm_deploy.sh finds it and says so).
        assert attach["condition"] == (
            "[and(parameters('deployAks'), not(parameters('aksAttached')))]")
        pool, = cluster["properties"]["agentPoolProfiles"]
        assert (pool["count"], pool["vmSize"]) == (1, "[parameters('aksVmSize')]")
        cluster_id = ("[resourceId('Microsoft.ContainerService/managedClusters', "
                      "variables('aksCluster'))]")
        assert attach["properties"]["computeType"] == "AKS"
        assert attach["properties"]["resourceId"] == cluster_id
        assert attach["properties"]["properties"]["clusterPurpose"] == "DevTest"
        assert cluster_id in attach["dependsOn"]
        plan, site = resources["Microsoft.Web/serverfarms"], resources["Microsoft.Web/sites"]
        assert plan["condition"] == site["condition"] == "[parameters('deployWebapp')]"
        assert plan["properties"]["reserved"] is True and plan["kind"] == "linux"
        assert "container" in site["kind"]
        settings = {entry["name"]: entry["value"]
                    for entry in site["properties"]["siteConfig"]["appSettings"]}
        registry = ("resourceId('Microsoft.ContainerRegistry/registries', "
                    "variables('containerRegistry'))")
        assert f"listCredentials({registry}" in settings["DOCKER_REGISTRY_SERVER_PASSWORD"]
        assert f"listCredentials({registry}" in settings["DOCKER_REGISTRY_SERVER_USERNAME"]
        assert f"[{registry}]" in site["dependsOn"]
        assert resources["Microsoft.ContainerRegistry/registries"]["properties"][
            "adminUserEnabled"] is True


def test_terraform_creates_and_attaches_the_chosen_deployment_targets(bakes):
    for overrides, project in bakes_with(bakes, "terraform"):
        answers = rendered_answers(**overrides)
        config = load_terraform(project)
        variables = {unquote(name): body for entry in config["variable"]
                     for name, body in entry.items()}
        assert variables["DEPLOY_AKS"]["default"] is answers["deploy_aks"]
        assert variables["DEPLOY_WEBAPP"]["default"] is answers["deploy_webapp"]
        assert unquote(variables["AKS_VM_SIZE"]["default"]) == answers["__aks_vm_size"]
        assert unquote(variables["AKS_COMPUTE_NAME"]["default"]) == answers["__aks_compute_name"]
        resources = {unquote(kind): next(iter(body.values()))
                     for entry in config["resource"] for kind, body in entry.items()}
        base = answers["base_name"]
        cluster = resources["azurerm_kubernetes_cluster"]
        attach = resources["azurerm_machine_learning_inference_cluster"]
        plan, site = resources["azurerm_service_plan"], resources["azurerm_linux_web_app"]
        for resource in (cluster, attach):
            assert resource["count"] == "${var.DEPLOY_AKS ? 1 : 0}"
        for resource in (plan, site):
            assert resource["count"] == "${var.DEPLOY_WEBAPP ? 1 : 0}"
        for resource, key in ((cluster, "__aks_cluster_name"), (plan, "__app_service_plan"),
                              (site, "__webapp_deployment_name")):
            assert unquote(resource["name"]).replace("${var.BASE_NAME}", base) == answers[key]
        assert cluster["default_node_pool"][0]["node_count"] == 1
        assert cluster["default_node_pool"][0]["vm_size"] == "${var.AKS_VM_SIZE}"
        assert attach["kubernetes_cluster_id"] == "${azurerm_kubernetes_cluster.inference[0].id}"
        assert unquote(attach["cluster_purpose"]) == "DevTest"
        assert unquote(plan["os_type"]) == "Linux"
        stack = site["site_config"][0]["application_stack"][0]
        assert stack["docker_registry_password"] == (
            "${azurerm_container_registry.aml.admin_password}")


def test_terraform_installer_checks_the_download_before_installing(bakes, tmp_path):
    """install_terraform.sh with a stand-in curl that serves a local release zip: the right
    SHA-256 installs and runs it, a wrong one installs nothing."""
    _, project = bakes_with(bakes, "terraform")[0]
    answers = rendered_answers(iac_tool="terraform")
    release = tmp_path / "release"
    release.mkdir()
    (release / "terraform").write_text("#!/bin/sh\necho 'Terraform v0.0.0-stand-in'\n",
                                       encoding="utf-8")
    (release / "terraform").chmod(0o755)
    subprocess.run(["zip", "-q", "-j", str(release / "terraform.zip"),
                    str(release / "terraform")], check=True)
    stand_ins = tmp_path / "bin"
    stand_ins.mkdir()
    (stand_ins / "curl").write_text(
        "#!/bin/sh\n# Stand-in for curl: records the URL, serves the local release zip.\n"
        f'echo "$@" > {tmp_path}/curl-args\n'
        'while [ "$#" -gt 1 ]; do [ "$1" = --output ] && out="$2"; shift; done\n'
        f'cp {release}/terraform.zip "$out"\n', encoding="utf-8")
    (stand_ins / "curl").chmod(0o755)
    env = {"PATH": f"{stand_ins}:/usr/bin:/bin"}
    script = project / "environment_setup/install_terraform.sh"
    digest = hashlib.sha256((release / "terraform.zip").read_bytes()).hexdigest()
    version = answers["__terraform_version"]
    good = subprocess.run(["bash", str(script), version, digest, str(tmp_path / "good")],
                          env=env, capture_output=True, text=True, timeout=60)
    assert good.returncode == 0, good.stderr
    assert "Terraform v0.0.0-stand-in" in good.stdout
    assert f"##vso[task.prependpath]{tmp_path / 'good'}" in good.stdout
    assert (f"https://releases.hashicorp.com/terraform/{version}/terraform_{version}"
            "_linux_amd64.zip") in (tmp_path / "curl-args").read_text(encoding="utf-8")
    bad = subprocess.run(["bash", str(script), version, "0" * 64, str(tmp_path / "bad")],
                         env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1
    assert "does not have the SHA-256" in bad.stderr
    assert not (tmp_path / "bad").exists()


def test_terraform_version_is_pinned_in_one_place(bakes):
    """The pipeline installs the version and checksum of cookiecutter.json, which satisfies the
    configuration's required_version."""
    overrides, project = bakes_with(bakes, "terraform")[0]
    answers = rendered_answers(**overrides)
    pipeline = yaml.safe_load((project / "environment_setup/iac-create-environment-pipeline-tf.yml")
                              .read_text(encoding="utf-8"))
    values = {entry["name"]: entry["value"] for entry in pipeline["variables"] if "name" in entry}
    assert values["TERRAFORM_VERSION"] == answers["__terraform_version"]
    assert re.fullmatch(r"[0-9a-f]{64}", values["TERRAFORM_SHA256"])
    assert values["TERRAFORM_SHA256"] == answers["__terraform_sha256"]
    required = unquote(load_terraform(project)["terraform"][0]["required_version"])
    minimum = re.fullmatch(r">= (\d+)\.(\d+)\.(\d+)", required).groups()
    assert tuple(map(int, values["TERRAFORM_VERSION"].split("."))) >= tuple(map(int, minimum))
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert f"Terraform {answers['__terraform_version']}" in readme
    assert "Terraform extension" not in readme and "preinstalled" not in readme
    assert "preinstalled" not in (project / "environment_setup/iac-create-environment-pipeline-"
                                  "tf.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("iac_tool", ["arm", "terraform"])
def test_pull_requests_never_change_azure(bakes, iac_tool):
    """A PR may preview (what-if, terraform plan); every step that changes Azure is skipped on
    pull requests."""
    _, project = bakes_with(bakes, iac_tool)[0]
    suffix = "arm" if iac_tool == "arm" else "tf"
    pipeline = yaml.safe_load((project / f"environment_setup/iac-create-environment-pipeline-"
                                         f"{suffix}.yml").read_text(encoding="utf-8"))
    assert "main" in pipeline["pr"]["branches"]["include"]
    pull_request = "eq(variables['Build.Reason'], 'PullRequest')"
    not_pull_request = "ne(variables['Build.Reason'], 'PullRequest')"
    # An inline command that creates, or a deployment script's mode that does.
    changes = re.compile(r"az (group|deployment group|storage \w+) create|^ (apply|create)$")
    for step in pipeline["steps"]:
        inputs = step.get("inputs", {})
        script = inputs.get("inlineScript", "") + " " + inputs.get("arguments", "")
        if changes.search(script):
            assert not_pull_request in step["condition"], step["displayName"]
        elif "task" in step:
            assert pull_request in step["condition"], step["displayName"]


@pytest.mark.parametrize("mode,state_exists", [
    ("plan", True), ("plan", False), ("apply", True), ("apply", False)])
def test_terraform_script_changes_azure_only_when_applying(bakes, tmp_path, mode, state_exists):
    """terraform_deploy.sh with the stand-in az (the state account exists or not) and a stand-in
    terraform, both recording their calls."""
    _, project = bakes_with(bakes, "terraform")[0]
    az = StandInAz(tmp_path / "az", [rule("account show", SUBSCRIPTION_ID),
                                     rule("storage account show", code=0 if state_exists else 3),
                                     rule(r"group create|storage (account|container) create")])
    terraform_log, terraform = tmp_path / "terraform-calls", tmp_path / "bin" / "terraform"
    terraform.parent.mkdir()
    terraform.write_text(f'#!/bin/sh\necho "$*" >> {terraform_log}\n', encoding="utf-8")
    terraform.chmod(0o755)
    env = {"PATH": f"{az.bin}:{terraform.parent}:/usr/bin:/bin", "servicePrincipalId": "app",
           "tenantId": "t", "idToken": "oidc", "BASE_NAME": "b", "LOCATION": "l",
           "RESOURCE_GROUP": "rg", "WORKSPACE_NAME": "ws", "TF_STATE_STORAGE_ACCOUNT": "st",
           "TF_STATE_CONTAINER": "c", "TF_STATE_KEY": "k"}
    ran = subprocess.run(["bash", str(project / "environment_setup/terraform_deploy.sh"), mode],
                         env=env, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    terraform_calls = terraform_log.read_text(encoding="utf-8").splitlines()
    creates = [command for command in az.commands() if command.endswith(" create")]
    if mode == "plan":
        assert creates == [] and "apply -input=false tfplan" not in terraform_calls
        expected = "plan" if state_exists else "init -input=false -backend=false"
        assert any(call.startswith(expected) for call in terraform_calls), terraform_calls
    else:
        assert creates == ["group create", "storage account create", "storage container create"]
        assert terraform_calls[-1] == "apply -input=false tfplan"


def setup_config(project):
    """The set-up script's configuration of whichever orchestrator the bake has."""
    for name in ("azure-devops.json", "github.json"):
        path = project / "environment_setup" / name
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    raise AssertionError(f"no set-up configuration in {project}")


def test_the_set_up_registers_the_providers_of_every_resource_the_answers_create():
    """The ``resource_providers`` a set-up script registers are the namespaces of the resources
    the ARM template creates for those answers (Terraform creates the same ones), and, with SDK
    v1, ACI's, where Azure ML deploys the QA service; nothing else. Terraform never registers
    any itself: the pipelines' identity may not."""
    for overrides, project in structural_bakes():
        answers = rendered_answers(**overrides)
        arm = bake_once(**{**overrides, "iac_tool": "arm"}) / ARM_TEMPLATE
        template = json.loads(arm.read_text(encoding="utf-8"))
        switches = {f"[parameters('{name}')]": template["parameters"][name]["defaultValue"]
                    for name in ("deployAks", "deployWebapp")}
        created = {resource["type"].split("/")[0] for resource in template["resources"]
                   if switches.get(resource.get("condition"), True)}
        expected = created | ({"Microsoft.ContainerInstance"}
                              if answers["azureml_sdk"] == "v1" else set())
        providers = setup_config(project)["resource_providers"]
        assert sorted(providers) == sorted(expected), overrides
        assert providers == answers["__resource_providers"].split()
        if overrides["iac_tool"] == "terraform":
            provider = load_terraform(project)["provider"][0]['"azurerm"']
            assert unquote(provider["resource_provider_registrations"]) == "none"


# What the CD's AzureWebAppContainer@1 step leaves on the site: the model's scoring image.
CD_IMAGE = "DOCKER|eyteam1amlcr.azurecr.io/package:model-3"


class Subscription(StandInAz):
    """The stand-in ``az`` with its ``arm`` plug-in: a subscription that remembers."""

    def __init__(self, folder):
        super().__init__(folder, plugin="arm", state={"groups": [], "computes": {}, "sites": {}})

    def deployments(self):
        """The ``--parameters`` of each ``deployment group create`` so far."""
        return [call[call.index("--parameters") + 1:] for call in self.calls()
                if call[:3] == ["deployment", "group", "create"]]

    def run(self, script, cwd, variables):
        """``script`` as the step runs it (bash -e), with ``variables`` as its environment."""
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script], cwd=cwd,
            capture_output=True, text=True, timeout=120,
            env={"PATH": f"{self.bin}:/usr/bin:/bin", **variables})


def iac_step(project, display_name):
    path = project / "environment_setup/iac-create-environment-pipeline-arm.yml"
    [job] = jobs(path)
    return step_script(next(step for step in job.steps if step["displayName"] == display_name))


def test_a_second_arm_run_keeps_the_deployed_image_its_key_and_the_attach(tmp_path):
    """The IaC pipeline's deployment step, run twice with the CD's deployment in between,
    against a subscription that remembers: the second run passes back the image and the key,
    and leaves the attach out, where ARM would otherwise reset the one and refuse the other."""
    overrides = {"deploy_aks": True, "deploy_webapp": True, "iac_tool": "arm"}
    project = bake_once(**overrides)
    answers = rendered_answers(**overrides)
    variables = variable_group_values(project)
    site, compute = answers["__webapp_deployment_name"], (
        f"{answers['workspace_name']}/{answers['__aks_compute_name']}")
    azure = Subscription(tmp_path)
    deploy = iac_step(project, "Deploy the ARM template")

    first = azure.run(deploy, project, variables)
    assert first.returncode == 0, first.stderr
    created = azure.state()
    assert created["sites"][site]["image"] == "DOCKER|mcr.microsoft.com/appsvc/staticsite:latest"
    key = created["sites"][site]["settings"]["SCORING_KEY"]
    assert re.fullmatch(r"[0-9a-f-]{36}", key), "a new key on the first run"
    assert created["sites"][site]["settings"]["WEBSITES_CONTAINER_START_TIME_LIMIT"] == "1800"
    assert list(created["computes"]) == [compute]
    created["sites"][site]["image"] = CD_IMAGE
    azure.set_state(created)

    second = azure.run(deploy, project, variables)
    assert second.returncode == 0, second.stderr
    kept = azure.state()
    assert kept["sites"][site]["image"] == CD_IMAGE
    assert kept["sites"][site]["settings"]["SCORING_KEY"] == key
    assert kept["computes"] == created["computes"]
    assert "aksAttached=true" in azure.deployments()[-1]
    assert f"##vso[task.setsecret]{key}" in second.stdout, "the key is masked in the log"
    # A pull request's preview passes the same values, so it shows no change to them.
    preview = azure.run(iac_step(project, "Preview the changes (pull request, what-if)"),
                        project, variables)
    assert preview.returncode == 0, preview.stderr
    assert azure.state() == kept


def test_the_stand_in_subscription_resets_the_image_and_refuses_a_second_attach(tmp_path):
    """What the lookups prevent: the template deployed twice as it is, with no parameters passed
    back (the pipeline before), resets the image and fails on the attach."""
    overrides = {"deploy_aks": True, "deploy_webapp": True, "iac_tool": "arm"}
    project = bake_once(**overrides)
    answers = rendered_answers(**overrides)
    azure = Subscription(tmp_path)
    plain = (f"az deployment group create --resource-group rg --template-file {ARM_TEMPLATE} "
             f"--parameters baseName={answers['base_name']}")
    assert azure.run(plain, project, {}).returncode == 0
    state = azure.state()
    state["sites"][answers["__webapp_deployment_name"]]["image"] = CD_IMAGE
    azure.set_state(state)

    again = azure.run(plain, project, {})

    assert again.returncode == 1 and "not idempotent" in again.stderr
    assert azure.state()["sites"][answers["__webapp_deployment_name"]]["image"] != CD_IMAGE


def test_a_second_github_arm_run_changes_nothing(tmp_path):
    """A GitHub Actions repository (SDK v2: no AKS, no Web App) runs its deployment step
    twice: the second run succeeds and leaves everything as the first made it."""
    overrides = {"azureml_sdk": "v2", "orchestrator": "github_actions", "iac_tool": "arm"}
    project = bake_once(**overrides)
    setup = json.loads((project / "environment_setup/github.json").read_text(encoding="utf-8"))
    workflow = yaml.safe_load((project / ".github/workflows/infrastructure-arm.yml").read_text(
        encoding="utf-8"))
    variables = {name: fill(value, {"vars": setup["variables"]})
                 for name, value in workflow["env"].items()}
    [script] = [step["run"] for step in workflow["jobs"]["deploy"]["steps"]
                if step.get("name") == "Deploy the ARM template"]
    azure = Subscription(tmp_path)
    assert azure.run(script, project, variables).returncode == 0
    first = azure.state()

    second = azure.run(script, project, variables)

    assert second.returncode == 0, second.stderr
    assert azure.state() == first
    assert len(azure.deployments()) == 2


def test_a_second_terraform_apply_keeps_the_image_the_key_and_the_attach():
    """Terraform compares with its state: the attach and the key are made once and kept there;
    the site's image, which the CD changes, is ignored. (Read from the files: no Terraform
    binary can be installed here.)"""
    project = bake_once(deploy_aks=True, deploy_webapp=True, iac_tool="terraform")
    resources = {unquote(kind): next(iter(body.values()))
                 for entry in load_terraform(project)["resource"] for kind, body in entry.items()}
    site = resources["azurerm_linux_web_app"]
    assert site["lifecycle"][0]["ignore_changes"] == [
        "${site_config[0].application_stack[0].docker_image_name}"]
    key = resources["random_password"]
    assert "keepers" not in key and key["length"] >= 32
    assert site["app_settings"]["SCORING_KEY"] == "${random_password.scoring_key[0].result}"
    assert unquote(site["app_settings"]["WEBSITES_CONTAINER_START_TIME_LIMIT"]) == "1800"
    assert "azurerm_machine_learning_inference_cluster" in resources
