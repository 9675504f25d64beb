"""The generated infrastructure as code: ARM template, Terraform files, their pipelines, the
hook's path lists, and the local set-up script."""
import json
import re
import subprocess
import sys
from pathlib import Path

import hcl2
import pytest

from azure_devops import AZURE_DEVOPS, structural_bakes
from conftest import (TEMPLATE_DIR, bake_once, load_hook, option_matrix, rendered_answers,
                      template_answers, writable_copy)

CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")
ARM_SCHEMA = Path(__file__).parent / "schemas" / "arm-deployment-template.json"
ARM_TEMPLATE = "environment_setup/arm-templates/cloud-environment.json"
TF_DIR = "environment_setup/tf-templates"
INSTALL_SCRIPT = "environment_setup/install_requirements.sh"
# ARM resource type -> the derived answer its name must equal.
ARM_NAMES = {
    "Microsoft.Storage/storageAccounts": "__storage_account",
    "Microsoft.ContainerRegistry/registries": "__container_registry",
    "Microsoft.KeyVault/vaults": "__key_vault",
    "Microsoft.Insights/components": "__app_insights",
    "Microsoft.MachineLearningServices/workspaces": "workspace_name",
}
TF_NAMES = {
    "azurerm_storage_account": "__storage_account",
    "azurerm_container_registry": "__container_registry",
    "azurerm_key_vault": "__key_vault",
    "azurerm_application_insights": "__app_insights",
}


@pytest.fixture(scope="module")
def bakes():
    return structural_bakes(**AZURE_DEVOPS)


def bakes_with(bakes, iac_tool):
    return [(overrides, project) for overrides, project in bakes
            if overrides["iac_tool"] == iac_tool]


def arm_expression(text, parameters, variables):
    """Evaluate the few ARM functions our names use: concat, toLower, parameters, variables."""
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if text.startswith("'"):
        return text.strip("'")
    match = re.fullmatch(r"(\w+)\((.*)\)", text)
    assert match, f"unsupported ARM expression {text}"
    function, inner = match.groups()
    arguments = [arm_expression(part, parameters, variables)
                 for part in re.split(r",\s*(?![^()]*\))", inner)] if inner else []
    return {"concat": lambda *parts: "".join(parts), "toLower": str.lower,
            "parameters": parameters.__getitem__,
            "variables": lambda name: arm_expression(variables[name], parameters, variables),
            }[function](*arguments)


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
    rules = load_hook("pre_gen_project").NAME_RULES
    overrides, project = bakes_with(bakes, "arm")[0]
    answers = rendered_answers(**overrides)
    template = json.loads((project / ARM_TEMPLATE).read_text(encoding="utf-8"))
    parameters = template["parameters"]
    base_name = parameters["baseName"]
    assert (base_name["minLength"], base_name["maxLength"]) == (
        rules["base_name"].min_length, rules["base_name"].max_length)
    assert parameters["location"]["allowedValues"] == template_answers()["location"]
    assert parameters["location"]["defaultValue"] == answers["location"]
    assert parameters["workspace"]["defaultValue"] == answers["workspace_name"]
    # A mixed-case BASE_NAME in the variable group must still give valid storage/ACR names.
    values = {"baseName": answers["base_name"].upper(), "workspace": answers["workspace_name"],
              "location": answers["location"]}
    names = {resource["type"]: arm_expression(resource["name"], values, template["variables"])
             for resource in template["resources"]}
    for resource_type, key in ARM_NAMES.items():
        expected = answers[key]
        if key in ("__key_vault", "__app_insights"):
            expected = expected.replace(answers["base_name"], values["baseName"], 1)
        assert names[resource_type] == expected, resource_type
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
    rules = load_hook("pre_gen_project").NAME_RULES["base_name"]
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
        pipeline = (project / "environment_setup/iac-create-environment-pipeline-tf.yml")
        assert f"value: {answers['__tf_state_storage_account']}" in pipeline.read_text("utf-8")


@pytest.mark.parametrize("iac_tool,kept,removed", [
    ("arm", "ARM_PATHS", "TERRAFORM_PATHS"), ("terraform", "TERRAFORM_PATHS", "ARM_PATHS")])
def test_each_bake_has_the_files_of_its_iac_tool_only(bakes, iac_tool, kept, removed):
    hook = load_hook("post_gen_project")
    template_project = TEMPLATE_DIR / "{{cookiecutter.project_name}}"
    for relative in getattr(hook, kept) + getattr(hook, removed):
        assert (template_project / relative).exists(), relative
    for overrides, project in bakes_with(bakes, iac_tool):
        # A kept path may belong to another answer too (the GitHub workflow of each tool).
        unwanted = hook.unwanted_paths(rendered_answers(**overrides))
        assert all((project / path).exists() for path in getattr(hook, kept)
                   if not any(path == gone or path.startswith(gone + "/") for gone in unwanted))
        assert not any((project / path).exists() for path in getattr(hook, removed))
        assert (project / "environment_setup/iac-remove-environment-pipeline.yml").is_file()


def test_install_script_is_valid_bash(bakes):
    _, project = bakes[0]
    subprocess.run(["bash", "-n", str(project / INSTALL_SCRIPT)], check=True)


@pytest.mark.slow
def test_install_script_works_when_run_and_when_sourced(tmp_path):
    """A scratch repository with an empty requirements.txt: venv creation, no downloads."""
    (tmp_path / "environment_setup").mkdir()
    script = TEMPLATE_DIR / "{{cookiecutter.project_name}}" / INSTALL_SCRIPT
    (tmp_path / INSTALL_SCRIPT).write_text(script.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("", encoding="utf-8")
    env = {"PYTHON": sys.executable, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    ran = subprocess.run(["bash", INSTALL_SCRIPT], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert (tmp_path / ".venv/bin/python").is_file()
    sourced = subprocess.run(
        ["bash", "-c", f"source {INSTALL_SCRIPT}; echo \"flags=$- venv=$VIRTUAL_ENV\"; false; "
                       "echo still-open"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert f"venv={tmp_path / '.venv'}" in sourced.stdout
    assert "still-open" in sourced.stdout, "sourcing must not leave `set -e` in the shell"
    failed = subprocess.run(["bash", INSTALL_SCRIPT], cwd=tmp_path,
                            env={**env, "PYTHON": "no-such-python"}, capture_output=True,
                            text=True, timeout=60)
    assert failed.returncode == 0, "the existing .venv is reused"
    (tmp_path / ".venv").rename(tmp_path / "old-venv")
    failed = subprocess.run(["bash", INSTALL_SCRIPT], cwd=tmp_path,
                            env={**env, "PYTHON": "no-such-python"}, capture_output=True,
                            text=True, timeout=60)
    assert failed.returncode == 1
    assert "ERROR: cannot create .venv with 'no-such-python'" in failed.stderr


@pytest.mark.parametrize("iac_tool", ["arm", "terraform"])
def test_hook_finds_the_answers_and_notices_a_wrong_one(bakes, iac_tool, tmp_path):
    hook = load_hook("post_gen_project")
    overrides, project = bakes_with(bakes, iac_tool)[0]
    answers = rendered_answers(**overrides)
    assert hook.expectation_problems(project, answers) == []
    assert len([row for row in hook.EXPECTED_VALUES
                if row[3] in (None, ("iac_tool", iac_tool), hook.AZURE_DEVOPS)]) >= 10
    copy = writable_copy(project, tmp_path)
    variables = copy / f".pipelines/{answers['project_name']}-variables-template.yml"
    variables.write_text(variables.read_text("utf-8").replace(
        f"value: {answers['dataset_name']}", "value: someone_elses_ds"), encoding="utf-8")
    infra = copy / (ARM_TEMPLATE if iac_tool == "arm" else f"{TF_DIR}/variables.tf")
    infra.write_text(infra.read_text("utf-8").replace(answers["workspace_name"], "other-ws"),
                     encoding="utf-8")
    problems = hook.expectation_problems(copy, answers)
    assert [problem.split(":")[0] for problem in problems] == [
        variables.relative_to(copy).as_posix(), infra.relative_to(copy).as_posix()]
    assert "expected dataset_name=" in problems[0] and "'someone_elses_ds'" in problems[0]
