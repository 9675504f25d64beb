"""Shape the generated repository to the answers, check it, and print the team's next steps.

``main()`` is the table of contents: the repository takes the shape the manifest gives these
answers (``__files`` in cookiecutter.json, which cookiecutter renders: each path that exists only
for some answers, with its condition, and where a whole-file alternative goes), then the checks.
The hook is offline and deterministic (cruft re-runs it on every update) and needs only what
cookiecutter installs (PyYAML comes with it). A failed check names the file and the answer behind
it and exits 1, and cookiecutter then removes the whole output.
"""
import json
import re
import shutil
import sys
from pathlib import Path

import yaml

ANSWERS_JSON = r"""{{ cookiecutter | jsonify }}"""


def load_answers(text=ANSWERS_JSON):
    """Parse the answers that cookiecutter rendered into this file."""
    return json.loads(text)


def condition(path, value):
    """A rendered condition of the manifest as a bool: cookiecutter renders a Jinja comparison
    as "True" or "False", and anything else is a mistake in cookiecutter.json."""
    if value not in ("True", "False"):
        raise ValueError(f"__files: the condition of {path} renders {value!r}, not True or False")
    return value == "True"


def removed_paths(files):
    """The paths of the manifest (``__files``, rendered) that the answers leave out: a path whose
    condition is false, and an alternative that does not take its namesake's place."""
    return [path for path, rule in files.items()
            if not condition(path, rule["when"] if isinstance(rule, dict) else rule)]


def alternatives(files):
    """``{alternative: the path whose place it takes}`` for the answers."""
    return {path: rule["to"] for path, rule in files.items()
            if isinstance(rule, dict) and condition(path, rule["when"])}


def is_kept(relative, files):
    """Whether ``relative`` (a path of the generated repository) is in it for these answers:
    neither it nor a folder above it is left out."""
    return not any(relative == gone or relative.startswith(gone + "/")
                   for gone in removed_paths(files))


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


def shape(root, files):
    """Leave out of the repository at ``root`` what the manifest says these answers do not
    bring, then put each chosen alternative in its namesake's place (unless it went with a
    folder that was left out)."""
    remove_paths(root, sorted(removed_paths(files), key=lambda path: path.count("/")))
    for alternative, replaced in alternatives(files).items():
        if is_kept(alternative, files):
            (root / alternative).replace(root / replaced)


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
# Where each answer must appear, in the files the answers bring (the manifest says which):
# (file, keys to the value inside it, answer key).
EXPECTED_VALUES = (
    (".env.example", ("BASE_NAME",), "base_name"),
    (".env.example", ("LOCATION",), "location"),
    (".env.example", ("WORKSPACE_NAME",), "workspace_name"),
    (VARIABLES_TEMPLATE, ("variables", "SOURCES_DIR_TRAIN", "value"), "project_name"),
    (VARIABLES_TEMPLATE, ("variables", "DATASET_NAME", "value"), "dataset_name"),
    (VARIABLES_TEMPLATE, ("variables", "DATASTORE_NAME", "value"), "datastore_name"),
    (VARIABLES_TEMPLATE, ("variables", "MODEL_NAME", "value"), "__model_name"),
    (".pipelines/{project}-cd.yml", ("resources", "pipelines", 0, "source"),
     "__ci_pipeline_name"),
    (".pipelines/{project}-ci.yml", ("variables", 1, "group"), "variable_group_name"),
    (".pipelines/{project}-ci.yml", ("trigger", "paths", "include", 0), "project_name"),
    ("environment_setup/iac-remove-environment-pipeline.yml", ("variables", 0, "group"),
     "variable_group_name"),
    ("environment_setup/azure-devops.json", ("variable_group", "name"), "variable_group_name"),
    ("environment_setup/azure-devops.json", ("pipelines", 1, "name"), "__ci_pipeline_name"),
    (GITHUB_SETUP, ("variables", "BASE_NAME"), "base_name"),
    (GITHUB_SETUP, ("variables", "LOCATION"), "location"),
    (GITHUB_SETUP, ("variables", "RESOURCE_GROUP"), "resource_group"),
    (GITHUB_SETUP, ("variables", "WORKSPACE_NAME"), "workspace_name"),
    (GITHUB_SETUP, ("repository",), "repo_name"),
    ("{project}/conda_dependencies.yml", ("name",), "__aml_env_name"),
    (ARM_TEMPLATE, ("parameters", "location", "defaultValue"), "location"),
    (ARM_TEMPLATE, ("parameters", "workspace", "defaultValue"), "workspace_name"),
    (TERRAFORM_VARIABLES, ("BASE_NAME",), "base_name"),
    (TERRAFORM_VARIABLES, ("WORKSPACE_NAME",), "workspace_name"),
    (TERRAFORM_VARIABLES, ("RESOURCE_GROUP",), "resource_group"),
    ("environment_setup/iac-remove-environment-pipeline.yml", ("variables", "KEY_VAULT", "value"),
     "__key_vault"),
    ("environment_setup/iac-create-environment-pipeline-tf.yml",
     ("variables", "TERRAFORM_SHA256", "value"), "__terraform_sha256"),
)


def expectation_problems(root, answers):
    """One message for each answer that is not where the generated files need it."""
    problems = []
    for relative, keys, answer in EXPECTED_VALUES:
        relative = relative.format(project=answers["project_name"])
        if not is_kept(relative, answers["__files"]):
            continue
        # A pipeline variable the table leaves empty for these answers is not written at all.
        if relative == VARIABLES_TEMPLATE.format(project=answers["project_name"]) and (
                not answers["__pipeline_variables"].get(keys[1], True)):
            continue
        try:
            found = look_up(read_document(root / relative), keys)
        except (OSError, LookupError, StopIteration, TypeError, ValueError,
                yaml.YAMLError) as error:
            found = f"<unreadable: {error!r}>"
        if found != answers[answer]:
            problems.append(
                f"{relative}: expected {answer}={answers[answer]!r} there, found {found!r}")
    return problems


# How a team registers its training data, per SDK (the generated README has the whole command).
REGISTER_DATA = {"v1": "python -m ml_service.util.register_dataset --file <csv>",
                 "v2": "python -m ml_service.azureml.register_data"}


def next_steps(answers):
    """What the team does after generating, with its own names, in the README's order."""
    project = answers["project_name"]
    return "\n".join([
        f"Generated {project}/ for team {answers['team_number']} "
        f"(BASE_NAME={answers['base_name']}, LOCATION={answers['location']}).",
        "Next steps (README.md walks through each):",
        f"  1. cd {project} && python{answers['__python_version']} -m venv .venv && "
        ". .venv/bin/activate && make install",
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
    """Shape the repository at ``root`` to the manifest, then check what is left: one message
    per problem. The organiser calls this for each team in-process."""
    shape(root, answers["__files"])
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
