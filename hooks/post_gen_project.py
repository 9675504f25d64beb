"""Shape the generated repository to the answers, check it, and print the team's next steps.

``main()`` is the table of contents: one removal per answer, then the checks. The hook is offline
and deterministic (cruft re-runs it on every update) and needs only what cookiecutter installs
(PyYAML comes with it). A failed check names the file and the answer behind it and exits 1, and
cookiecutter then removes the whole output.
"""
import json
import shutil
import sys
from pathlib import Path

import yaml

ANSWERS_JSON = r"""{{ cookiecutter | jsonify }}"""

# Paths that exist only for one answer, relative to the generated repository;
# "{project}" stands for the package name.
ARM_PATHS = (
    "environment_setup/arm-templates",
    "environment_setup/iac-create-environment-pipeline-arm.yml",
)
TERRAFORM_PATHS = (
    "environment_setup/tf-templates",
    "environment_setup/iac-create-environment-pipeline-tf.yml",
)
AKS_PATHS = ("{project}/scoring/deployment_config_aks.yml",)
WEBAPP_PATHS = ()


def load_answers(text=ANSWERS_JSON):
    """Parse the answers that cookiecutter rendered into this file."""
    return json.loads(text)


def remove_paths(root, paths, project):
    """Delete each of ``paths`` (files or folders) under ``root``; each must exist."""
    for template in paths:
        path = root / template.format(project=project)
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def remove_arm_files(root, project):
    remove_paths(root, ARM_PATHS, project)


def remove_terraform_files(root, project):
    remove_paths(root, TERRAFORM_PATHS, project)


def remove_aks_files(root, project):
    remove_paths(root, AKS_PATHS, project)


def remove_webapp_files(root, project):
    remove_paths(root, WEBAPP_PATHS, project)


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


def read_env_file(path):
    """``KEY=value`` lines of a dotenv file as a dict (quotes stripped)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().strip("'\"")
    return values


def pipeline_variable(path, name):
    """The value of ``name`` in an Azure Pipelines ``variables:`` list."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["variables"]
    return next(entry["value"] for entry in entries if entry.get("name") == name)


def json_value(path, *keys):
    """The value at ``keys`` in a JSON file."""
    value = json.loads(path.read_text(encoding="utf-8"))
    for key in keys:
        value = value[key]
    return value


def expected_values(answers):
    """(file, how to read the value, answer key) for every place an answer must appear."""
    variables_template = ".pipelines/{project}-variables-template.yml"
    expectations = [
        (".env.example", lambda path: read_env_file(path)["BASE_NAME"], "base_name"),
        (".env.example", lambda path: read_env_file(path)["LOCATION"], "location"),
        (".env.example", lambda path: read_env_file(path)["WORKSPACE_NAME"], "workspace_name"),
        (variables_template, lambda path: pipeline_variable(path, "SOURCES_DIR_TRAIN"),
         "project_name"),
        (variables_template, lambda path: pipeline_variable(path, "DATASET_NAME"),
         "dataset_name"),
        (variables_template, lambda path: pipeline_variable(path, "DATASTORE_NAME"),
         "datastore_name"),
        (variables_template, lambda path: pipeline_variable(path, "MODEL_NAME"), "__model_name"),
        (".pipelines/{project}-cd.yml",
         lambda path: yaml.safe_load(path.read_text(encoding="utf-8"))[
             "resources"]["pipelines"][0]["source"],
         "__ci_pipeline_name"),
        ("{project}/conda_dependencies.yml",
         lambda path: yaml.safe_load(path.read_text(encoding="utf-8"))["name"], "__aml_env_name"),
    ]
    if answers["iac_tool"] == "arm":
        arm_template = "environment_setup/arm-templates/cloud-environment.json"
        expectations += [
            (arm_template, lambda path: json_value(path, "parameters", "location",
                                                   "defaultValue"), "location"),
            (arm_template, lambda path: json_value(path, "parameters", "workspace",
                                                   "defaultValue"), "workspace_name"),
        ]
    return expectations


def expectation_problems(root, answers):
    """One message for each answer that is not where the generated files need it."""
    problems = []
    for relative, read_value, key in expected_values(answers):
        path = root / relative.format(project=answers["project_name"])
        try:
            found = read_value(path)
        except (OSError, KeyError, IndexError, TypeError, ValueError) as error:
            found = f"<unreadable: {error!r}>"
        if found != answers[key]:
            problems.append(f"{relative}: expected {key}={answers[key]!r} there, found {found!r}")
    return problems


def next_steps(answers):
    """What the team does after generating, with its own names."""
    project = answers["project_name"]
    iac = "arm" if answers["iac_tool"] == "arm" else "tf"
    return "\n".join([
        f"Generated {project}/ for team {answers['team_number']} "
        f"(BASE_NAME={answers['base_name']}, LOCATION={answers['location']}).",
        "Next steps:",
        f"  1. cd {project} && git init -b main && git add . && git commit -m 'Generate from "
        "template' and push it to GitHub as " + answers["repo_name"] + ".",
        f"  2. In Azure DevOps, create the variable group {answers['variable_group_name']} "
        "with the values in README.md.",
        f"  3. Create the service connection {answers['azure_rm_svc_connection']} and run "
        f"environment_setup/iac-create-environment-pipeline-{iac}.yml.",
        f"  4. Create the service connection {answers['workspace_svc_connection']} to "
        f"{answers['workspace_name']}.",
        f"  5. Create the pipeline .pipelines/{project}-ci.yml, named "
        f"{answers['__ci_pipeline_name']}, then .pipelines/{project}-cd.yml.",
        "  Locally: make install && make test (README.md has the rest).",
    ])


def main():
    answers = load_answers()
    root = Path.cwd()
    project = answers["project_name"]
    if answers["iac_tool"] == "arm":
        remove_terraform_files(root, project)
    else:
        remove_arm_files(root, project)
    if not answers["deploy_aks"]:
        remove_aks_files(root, project)
    if not answers["deploy_webapp"]:
        remove_webapp_files(root, project)

    problems = parse_problems(root) + expectation_problems(root, answers)
    if problems:
        for problem in problems:
            print(f"ERROR: {problem}", file=sys.stderr)
        sys.exit(1)
    print(next_steps(answers))


if __name__ == "__main__":
    main()
