"""Shape the generated repository to the answers, check it, and print the team's next steps.

``main()`` is the table of contents: the removals the answers call for, then the checks. The hook
is offline and deterministic (cruft re-runs it on every update) and needs only what cookiecutter
installs (PyYAML comes with it). A failed check names the file and the answer behind it and exits
1, and cookiecutter then removes the whole output.
"""
import json
import re
import shutil
import sys
from pathlib import Path

import yaml

ANSWERS_JSON = r"""{{ cookiecutter | jsonify }}"""

# Paths that exist only for one answer, relative to the generated repository;
# "{project}" stands for the package name.
ARM_PATHS = (
    "environment_setup/arm-templates",
    "environment_setup/arm_deploy.sh",
    "environment_setup/iac-create-environment-pipeline-arm.yml",
    ".github/workflows/infrastructure-arm.yml",
)
TERRAFORM_PATHS = (
    "environment_setup/tf-templates",
    "environment_setup/iac-create-environment-pipeline-tf.yml",
    "environment_setup/install_terraform.sh",
    "environment_setup/terraform_deploy.sh",
    ".github/workflows/infrastructure-terraform.yml",
)
AKS_PATHS = ("{project}/scoring/deployment_config_aks.yml",)
WEBAPP_PATHS = (
    "ml_service/util/package_model.py",
    "ml_service/tests/test_package_model.py",
)
# The thin Azure layer of each SDK; the model package itself is the same for both.
SDK_V1_PATHS = (
    ".pipelines/aml-step-template.yml",
    ".pipelines/deploy-stage-template.yml",
    ".pipelines/{project}-get-model-id-artifact-template.yml",
    ".pipelines/{project}-publish-model-artifact-template.yml",
    "{project}/training/train_aml.py",
    "{project}/training/test_train_aml.py",
    "{project}/evaluate/evaluate_model.py",
    "{project}/evaluate/test_evaluate_model.py",
    "{project}/register/register_model.py",
    "{project}/register/test_register_model.py",
    "{project}/scoring/inference_config.yml",
    "{project}/scoring/deployment_config_aci.yml",
    "ml_service/pipelines",
    "ml_service/util/attach_compute.py",
    "ml_service/util/deploy_model.py",
    "ml_service/util/env_variables.py",
    "ml_service/util/manage_environment.py",
    "ml_service/util/model_artifact.py",
    "ml_service/util/register_dataset.py",
    "ml_service/util/workspace.py",
    "ml_service/tests/conftest.py",
    "ml_service/tests/test_build_train_pipeline.py",
    "ml_service/tests/test_deploy_model.py",
    "ml_service/tests/test_env_variables.py",
    "ml_service/tests/test_run_train_pipeline.py",
    "ml_service/tests/test_util.py",
)
SDK_V2_PATHS = (
    "{project}/training/train_step.py",
    "{project}/training/test_train_step.py",
    "{project}/evaluate/evaluate_step.py",
    "{project}/evaluate/test_evaluate_step.py",
    "{project}/register/register_step.py",
    "{project}/register/registry.py",
    "{project}/register/test_register_step.py",
    "ml_service/azureml",
    "ml_service/tests/test_azureml_yaml.py",
    "ml_service/tests/test_azureml_training.py",
    "ml_service/tests/test_azureml_online_endpoint.py",
    "ml_service/tests/stand_in_ml_client.py",
)
# A file named ``<name>.v2<suffix>`` is the v2 version of ``<name><suffix>``: it takes that
# file's place when azureml_sdk is v2 and goes when it is v1.
SDK_V2_MARK = ".v2"
AZURE_DEVOPS_PATHS = (
    ".pipelines",
    "environment_setup/azure-devops.json",
    "environment_setup/azure_devops_setup.py",
    "environment_setup/test_azure_devops_setup.py",
    "environment_setup/az_stand_in.py",
    "environment_setup/arm_deploy.sh",
    "environment_setup/iac-create-environment-pipeline-arm.yml",
    "environment_setup/iac-create-environment-pipeline-tf.yml",
    "environment_setup/install_terraform.sh",
    "environment_setup/terraform_deploy.sh",
    "environment_setup/iac-remove-environment-pipeline.yml",
    "environment_setup/docker-image-pipeline.yml",
    "environment_setup/Dockerfile",
)
GITHUB_ACTIONS_PATHS = (
    ".github",
    "environment_setup/github.json",
    "environment_setup/github_setup.py",
    "environment_setup/test_github_setup.py",
    "environment_setup/github_stand_in.py",
    "ml_service/util/junit_summary.py",
    "ml_service/tests/test_junit_summary.py",
    "ml_service/tests/test_workflow_scripts.py",
)
# Which answer keeps which paths: a path is kept only when every entry that lists it (or a
# folder above it) matches the answers.
OPTIONAL_PATHS = {
    ("iac_tool", "arm"): ARM_PATHS,
    ("iac_tool", "terraform"): TERRAFORM_PATHS,
    ("deploy_aks", True): AKS_PATHS,
    ("deploy_webapp", True): WEBAPP_PATHS,
    ("azureml_sdk", "v1"): SDK_V1_PATHS,
    ("azureml_sdk", "v2"): SDK_V2_PATHS,
    ("orchestrator", "azure_devops"): AZURE_DEVOPS_PATHS,
    ("orchestrator", "github_actions"): GITHUB_ACTIONS_PATHS,
}


def load_answers(text=ANSWERS_JSON):
    """Parse the answers that cookiecutter rendered into this file."""
    return json.loads(text)


def unwanted_paths(answers):
    """The paths of every answer not chosen, in OPTIONAL_PATHS order, "{project}" filled in."""
    return [path.format(project=answers["project_name"])
            for (key, value), paths in OPTIONAL_PATHS.items() if answers[key] != value
            for path in paths]


def remove_paths(root, paths):
    """Delete each of ``paths`` (files or folders) under ``root``. Each must exist, unless a
    folder above it was removed first (then it went with that folder)."""
    removed = []
    for relative in paths:
        path = root / relative
        if any(path == done or done in path.parents for done in removed):
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
        removed.append(path)


def sdk_v2_variants(root):
    """``{v2 file: the file it replaces}`` for every ``<name>.v2<suffix>`` under ``root``."""
    return {path: path.with_name(path.name.replace(SDK_V2_MARK + path.suffix, path.suffix))
            for path in sorted(root.rglob(f"*{SDK_V2_MARK}.*"))
            if path.name.endswith(SDK_V2_MARK + path.suffix)}


def choose_sdk_variants(root, sdk):
    """Put each v2 file in its v1 namesake's place for v2; drop the v2 files for v1."""
    for variant, replaced in sdk_v2_variants(root).items():
        if sdk == "v2":
            variant.replace(replaced)
        else:
            variant.unlink()


def parse_problems(root):
    """One message for every YAML or JSON file under ``root`` that does not parse."""
    problems = []
    for path in sorted(root.rglob("*")):
        loader = {".yml": yaml.safe_load, ".yaml": yaml.safe_load, ".json": json.loads}.get(
            path.suffix)
        if loader is None or not path.is_file():
            continue
        try:
            loader(path.read_text(encoding="utf-8"))
        except (ValueError, yaml.YAMLError) as error:
            first_line = str(error).splitlines()[0]
            problems.append(f"{path.relative_to(root)} does not parse ({first_line}); "
                            "an answer may contain a character this file cannot hold")
    return problems


def terraform_defaults(text):
    """``{name: default}`` of the quoted defaults of a .tf file's variables (no HCL parser is
    installed with cookiecutter, and these blocks are the template's own)."""
    blocks = re.findall(r'variable "(\w+)" \{(.*?)\n\}', text, re.DOTALL)
    return {name: default.group(1) for name, body in blocks
            if (default := re.search(r'^\s*default\s*=\s*"([^"]*)"', body, re.MULTILINE))}


def dotenv_values(text):
    """``{KEY: value}`` of dotenv lines; the template single-quotes values (no answer it
    accepts holds a quote, and inside single quotes dotenv expands and unescapes nothing)."""
    pairs = (line.split("=", 1) for line in text.splitlines()
             if "=" in line and not line.lstrip().startswith("#"))
    return {key: value[1:-1] if value[:1] == value[-1:] == "'" and len(value) > 1 else value
            for key, value in pairs}


def read_document(path):
    """A generated file as data: JSON, YAML, Terraform variables, or dotenv ``KEY=value`` lines."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    if path.suffix in (".yml", ".yaml"):
        return yaml.safe_load(text)
    if path.suffix == ".tf":
        return terraform_defaults(text)
    return dotenv_values(text)


def look_up(document, keys):
    """Follow ``keys`` into ``document``; in a list, a text key picks the item of that name
    (Azure Pipelines ``variables:`` are a list of ``{name, value}``)."""
    for key in keys:
        if isinstance(document, list) and isinstance(key, str):
            document = next(item for item in document if item.get("name") == key)
        else:
            document = document[key]
    return document


VARIABLES_TEMPLATE = ".pipelines/{project}-variables-template.yml"
ARM_TEMPLATE = "environment_setup/arm-templates/cloud-environment.json"
TERRAFORM_VARIABLES = "environment_setup/tf-templates/variables.tf"

GITHUB_SETUP = "environment_setup/github.json"
# The answers a file belongs to, when it exists only for some.
AZURE_DEVOPS = {"orchestrator": "azure_devops"}
GITHUB_ACTIONS = {"orchestrator": "github_actions"}
ARM = {"iac_tool": "arm"}
TERRAFORM = {"iac_tool": "terraform"}

# Where each answer must appear: (file, keys to the value inside it, answer key, and the
# answers the file belongs to, if it exists only for some).
EXPECTED_VALUES = (
    (".env.example", ("BASE_NAME",), "base_name", None),
    (".env.example", ("LOCATION",), "location", None),
    (".env.example", ("WORKSPACE_NAME",), "workspace_name", None),
    (VARIABLES_TEMPLATE, ("variables", "SOURCES_DIR_TRAIN", "value"), "project_name",
     AZURE_DEVOPS),
    (VARIABLES_TEMPLATE, ("variables", "DATASET_NAME", "value"), "dataset_name", AZURE_DEVOPS),
    (VARIABLES_TEMPLATE, ("variables", "DATASTORE_NAME", "value"), "datastore_name",
     AZURE_DEVOPS),
    (VARIABLES_TEMPLATE, ("variables", "MODEL_NAME", "value"), "__model_name", AZURE_DEVOPS),
    (".pipelines/{project}-cd.yml", ("resources", "pipelines", 0, "source"),
     "__ci_pipeline_name", AZURE_DEVOPS),
    (".pipelines/{project}-ci.yml", ("variables", 1, "group"), "variable_group_name",
     AZURE_DEVOPS),
    (".pipelines/{project}-ci.yml", ("trigger", "paths", "include", 0), "project_name",
     AZURE_DEVOPS),
    ("environment_setup/iac-remove-environment-pipeline.yml", ("variables", 0, "group"),
     "variable_group_name", AZURE_DEVOPS),
    ("environment_setup/azure-devops.json", ("variable_group", "name"), "variable_group_name",
     AZURE_DEVOPS),
    ("environment_setup/azure-devops.json", ("pipelines", 1, "name"), "__ci_pipeline_name",
     AZURE_DEVOPS),
    (GITHUB_SETUP, ("variables", "BASE_NAME"), "base_name", GITHUB_ACTIONS),
    (GITHUB_SETUP, ("variables", "LOCATION"), "location", GITHUB_ACTIONS),
    (GITHUB_SETUP, ("variables", "RESOURCE_GROUP"), "resource_group", GITHUB_ACTIONS),
    (GITHUB_SETUP, ("variables", "WORKSPACE_NAME"), "workspace_name", GITHUB_ACTIONS),
    (GITHUB_SETUP, ("repository",), "repo_name", GITHUB_ACTIONS),
    ("{project}/conda_dependencies.yml", ("name",), "__aml_env_name", None),
    (ARM_TEMPLATE, ("parameters", "location", "defaultValue"), "location", ARM),
    (ARM_TEMPLATE, ("parameters", "workspace", "defaultValue"), "workspace_name", ARM),
    (TERRAFORM_VARIABLES, ("BASE_NAME",), "base_name", TERRAFORM),
    (TERRAFORM_VARIABLES, ("WORKSPACE_NAME",), "workspace_name", TERRAFORM),
    (TERRAFORM_VARIABLES, ("RESOURCE_GROUP",), "resource_group", TERRAFORM),
    ("environment_setup/iac-remove-environment-pipeline.yml", ("variables", "KEY_VAULT", "value"),
     "__key_vault", AZURE_DEVOPS),
    ("environment_setup/iac-create-environment-pipeline-tf.yml",
     ("variables", "TERRAFORM_SHA256", "value"), "__terraform_sha256",
     {**TERRAFORM, **AZURE_DEVOPS}),
)


def expectation_problems(root, answers):
    """One message for each answer that is not where the generated files need it."""
    problems = []
    for relative, keys, answer, only_for in EXPECTED_VALUES:
        if any(answers[key] != value for key, value in (only_for or {}).items()):
            continue
        relative = relative.format(project=answers["project_name"])
        try:
            found = look_up(read_document(root / relative), keys)
        except (OSError, LookupError, StopIteration, TypeError, ValueError,
                yaml.YAMLError) as error:
            found = f"<unreadable: {error!r}>"
        if found != answers[answer]:
            problems.append(
                f"{relative}: expected {answer}={answers[answer]!r} there, found {found!r}")
    return problems


# How a team registers its training data, per SDK (README.md, step 5, has the whole command).
REGISTER_DATA = {"v1": "python -m ml_service.util.register_dataset --file <csv>",
                 "v2": "python -m ml_service.azureml.register_data"}


def next_steps(answers):
    """What the team does after generating, with its own names, in the README's order."""
    project = answers["project_name"]
    return "\n".join([
        f"Generated {project}/ for team {answers['team_number']} "
        f"(BASE_NAME={answers['base_name']}, LOCATION={answers['location']}).",
        "Next steps (README.md walks through each):",
        f"  1. cd {project} && python3.11 -m venv .venv && . .venv/bin/activate && make install",
        "     git init -b main && pre-commit install && git add . && git commit -m 'Generate "
        f"from template'; push it to GitHub as {answers['repo_name']}.",
        *(github_steps(answers) if answers["orchestrator"] == "github_actions"
          else azure_devops_steps(answers)),
    ])


def azure_devops_steps(answers):
    project = answers["project_name"]
    iac = "arm" if answers["iac_tool"] == "arm" else "tf"
    iac_pipeline, ci_pipeline = answers["__iac_pipeline_name"], answers["__ci_pipeline_name"]
    organization = answers["devops_organization"] or (
        "your organization (--organization, or 'az devops configure --defaults')")
    variables = [name for name, value in answers["__variable_group"].items() if value]
    return [
        "  2. python environment_setup/azure_devops_setup.py --dry-run prints every step; "
        f"without --dry-run, in {organization},",
        f"     project {answers['devops_project']}, it creates or updates the variable group "
        f"{answers['variable_group_name']} ({len(variables)} variables, open to all pipelines)",
        f"     and creates the pipelines {iac_pipeline}, {ci_pipeline} and "
        f"{answers['__cd_pipeline_name']} from their YAML, without running them.",
        f"     It creates the connection {answers['azure_rm_svc_connection']} only with "
        "--service-principal-id <appId>, else prints the portal steps,",
        f"     as it always does for {answers['workspace_svc_connection']}.",
        f"  3. Run {iac_pipeline} (environment_setup/iac-create-environment-pipeline-{iac}.yml), "
        f"create {answers['workspace_svc_connection']},",
        f"     register your data ({REGISTER_DATA[answers['azureml_sdk']]}),",
        f"     then run {ci_pipeline} (.pipelines/{project}-ci.yml).",
    ]


def github_steps(answers):
    return [
        "  2. python environment_setup/github_setup.py --dry-run prints every step; without "
        f"--dry-run it creates the resource group {answers['resource_group']},",
        "     a sign-in with OpenID Connect (no secret), the repository variables and the "
        "environments qa and production.",
        "  3. Run the workflow Infrastructure (.github/workflows/infrastructure-"
        f"{answers['iac_tool']}.yml), register your data",
        f"     ({REGISTER_DATA[answers['azureml_sdk']]}), then Train "
        "(.github/workflows/train.yml); Deploy follows each training on main.",
    ]


def finish(root, answers):
    """Remove the files of the options not chosen from the repository at ``root``, then check
    what is left: one message per problem. The organiser calls this for each team in-process."""
    remove_paths(root, unwanted_paths(answers))
    choose_sdk_variants(root, answers["azureml_sdk"])
    return parse_problems(root) + expectation_problems(root, answers)


def main():
    answers = load_answers()
    problems = finish(Path.cwd(), answers)
    if problems:
        for problem in problems:
            print(f"ERROR: {problem}", file=sys.stderr)
        sys.exit(1)
    print(next_steps(answers))


if __name__ == "__main__":
    main()
