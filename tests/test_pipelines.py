"""The generated Azure Pipelines YAML, for every structural combination of answers.

Schema: check-jsonschema's vendored Azure Pipelines schema, with the exceptions in
``SCHEMA_EXCEPTIONS`` (each a defect or gap of that schema, not of our files); every pipeline of
every bake is validated as written and as Azure DevOps compiles it (templates expanded with their
parameters), and every template that compiles on its own as written, in one check-jsonschema
call. Then cross-references: templates, variables, modules and paths a pipeline names must exist
in the generated repository.
"""
import json
import re
from pathlib import Path

import pytest
import yaml
from check_jsonschema.builtin_schemas import get_builtin_schema
from dotenv import dotenv_values

from tests.support.azure_pipelines import (MACRO, declared_defaults, expand, is_pipeline, jobs,
                                           pipeline_files, variable_group)
from tests.support.bakes import (AZURE_DEVOPS, bake_once, matrix_id, rendered_answers,
                                 structural_bakes, structural_combinations)
from tests.support.commands import check_jsonschema
from tests.support.rehearsal import run_without_a_new_model
from tests.support.repository import load, scalars, walk

# The agentless wait of the Marketplace extension ms-air-aiagility.azureml-v2 (azureml_sdk=v2).
AML_JOB_WAIT_TASK = "AzureMLJobWaitTask@1"
AML_JOB_WAIT_INPUTS = ["serviceConnection", "resourceGroupName", "azureMLWorkspaceName",
                       "azureMLJobName"]

# The only departures from the vendored schema, each the schema's fault:
SCHEMA_EXCEPTIONS = {
    "variables-template": (
        "Azure DevOps accepts a template holding only `variables:`, and the schema even defines "
        "it (definitions/variablesTemplate) but never references it, so it rejects every "
        "variables template. The exception adds that existing definition as one more "
        "document form."),
    "azureml-v2-wait-task": (
        f"The schema knows the built-in tasks only; {AML_JOB_WAIT_TASK}, the agentless 'Wait "
        "for Azure ML job' task of the Azure ML v2 extension (ms-air-aiagility.azureml-v2), is "
        "the one Marketplace task the pipelines use: the v2 CI waits for the training job with "
        "it without holding an agent. The exception adds it with its four inputs."),
    "publish-code-coverage-v2": (
        "PublishCodeCoverageResults@2 (v1 is deprecated) is in the schema's list of task names "
        "but has no entry describing its inputs, so every use of it fails. The exception adds "
        "the entry with the task's documented inputs."),
}
# Agents the pipelines may use; mcr.microsoft.com/mlops/python:latest broke teams
# (microsoft/MLOpsPython issue #329).
HOSTED_IMAGES = {"ubuntu-latest", "ubuntu-24.04"}
PREDEFINED_PREFIXES = ("Build.", "System.", "Pipeline.", "Agent.", "resources.pipeline.")
SET_VARIABLE = re.compile(r"variable=(\w+)|set_variable\(\"(\w+)\"")


def set_variable_names(text):
    """Variables that a logging command (or ml_service's set_variable) sets in ``text``."""
    return {name for match in SET_VARIABLE.finditer(text) for name in match.groups() if name}


def strings(node):
    """Every text inside a parsed YAML document (scripts, inputs, names)."""
    return (value for value in scalars(node) if isinstance(value, str))


def patched_schema():
    """The vendored schema with exactly the SCHEMA_EXCEPTIONS applied."""
    schema = get_builtin_schema("vendor.azure-pipelines")
    definitions = schema["definitions"]
    definitions["pipeline"]["anyOf"].append({"$ref": "#/definitions/variablesTemplate"})
    task = definitions["task"]
    task["properties"]["task"]["anyOf"].append({"enum": [AML_JOB_WAIT_TASK]})
    task["anyOf"].append(task_entry(AML_JOB_WAIT_TASK, AML_JOB_WAIT_INPUTS, AML_JOB_WAIT_INPUTS))
    task["anyOf"].append(task_entry(
        "PublishCodeCoverageResults@2",
        ["summaryFileLocation", "pathToSources", "failIfCoverageEmpty"],
        ["summaryFileLocation"]))
    assert len(SCHEMA_EXCEPTIONS) == 3, "one patch above per documented exception"
    return schema


def task_entry(name, inputs, required):
    """A schema entry for one task, in the form the vendored schema uses for its own tasks."""
    return {
        "properties": {
            "task": {"pattern": f"^{re.escape(name)}$"},
            "inputs": {"type": "object", "properties": {key: {} for key in inputs},
                       "additionalProperties": False, "required": required},
        },
        "firstProperty": ["task"],
        "required": ["task"],
    }


@pytest.fixture(scope="module")
def bakes():
    return structural_bakes(**AZURE_DEVOPS)


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "azure-pipelines-with-exceptions.json"
    path.write_text(json.dumps(patched_schema()), encoding="utf-8")
    return path


def test_every_pipeline_file_of_every_bake_passes_the_schema(bakes, schema_file, tmp_path):
    # Seeded mistakes prove that the patched schema still rejects what it should.
    seeded = {"typo-task.yml": "steps:\n  - task: AzureCLl@2\n",
              "unquoted-timeout.yml": "jobs:\n  - job: A\n    timeoutInMinutes: 60\n"
                                      "    steps:\n      - script: echo\n",
              "variables-with-junk.yml": "variables:\n  - name: A\n    value: b\nstepz: []\n"}
    for name, text in seeded.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    # Files with the same text validate the same: one representative per distinct text.
    distinct = {}
    for _, project in bakes:
        for path in pipeline_files(project):
            document = load(path)
            if None not in declared_defaults(document).values():
                distinct.setdefault(path.read_bytes(), path)
            if is_pipeline(document):
                compiled = yaml.safe_dump(expand(path), sort_keys=False).encode()
                distinct.setdefault(compiled, (path, compiled))
    files = []
    for number, entry in enumerate(distinct.values()):
        if isinstance(entry, tuple):
            path, compiled = entry
            entry = tmp_path / "compiled" / f"{number}-{path.name}"
            entry.parent.mkdir(exist_ok=True)
            entry.write_bytes(compiled)
        files.append(entry)
    assert len(files) >= 30
    report = check_jsonschema(["--schemafile", str(schema_file)],
                              files + [tmp_path / name for name in seeded])
    failed = {error["filename"] for error in report["errors"]}
    assert failed == {str(tmp_path / name) for name in seeded}, json.dumps(
        [error for error in report["errors"] if Path(error["filename"]).parent != tmp_path],
        indent=1)[:4000]


def test_each_schema_exception_is_still_needed(tmp_path):
    variables_only = tmp_path / "variables-only.yml"
    variables_only.write_text("variables:\n  - name: A\n    value: b\n", encoding="utf-8")
    wait_task = tmp_path / "wait-task.yml"
    wait_task.write_text(f"jobs:\n  - job: Wait\n    pool: server\n    steps:\n"
                         f"      - task: {AML_JOB_WAIT_TASK}\n", encoding="utf-8")
    coverage = tmp_path / "coverage.yml"
    coverage.write_text("steps:\n  - task: PublishCodeCoverageResults@2\n    inputs:\n"
                        "      summaryFileLocation: coverage.xml\n", encoding="utf-8")
    report = check_jsonschema(["--builtin-schema", "vendor.azure-pipelines"],
                              [variables_only, wait_task, coverage])
    assert {Path(error["filename"]).name for error in report["errors"]} == {
        "variables-only.yml", "wait-task.yml", "coverage.yml"}


@pytest.mark.parametrize("overrides", structural_combinations(**AZURE_DEVOPS), ids=matrix_id)
def test_cross_references_resolve(overrides):
    project, answers = bake_once(**overrides), rendered_answers(**overrides)
    variables_template = load(project / f".pipelines/{answers['project_name']}"
                                        "-variables-template.yml")["variables"]
    defined = {entry["name"] for entry in variables_template} | set(variable_group(answers))
    set_by_code = {name for path in (project / "ml_service").rglob("*.py")
                   for name in set_variable_names(path.read_text(encoding="utf-8"))}
    problems = []
    for path in pipeline_files(project):
        relative = path.relative_to(project)
        for node in walk(load(path)):
            if "template" in node and not (path.parent / node["template"]).is_file():
                problems.append(f"{relative}: template {node['template']} not found")
        if problems or not is_pipeline(load(path)):
            continue
        # The pipeline as Azure DevOps compiles it: its templates' steps, variables and names.
        document = expand(path)
        text = "\n".join(strings(document))
        local = set(set_by_code) | set_variable_names(text)
        values = {}
        for node in walk(document):
            variables = node.get("variables")
            if isinstance(variables, dict):
                values.update(variables)
            elif isinstance(variables, list):
                values.update({entry["name"]: entry["value"] for entry in variables
                               if "name" in entry})
        local |= set(values)
        step_names = {node["name"] for node in walk(document)
                      if "name" in node and ("task" in node or "script" in node)}
        for name in MACRO.findall(text):
            step, _, output = name.partition(".")
            if (name in defined or name in local or name.startswith(PREDEFINED_PREFIXES)
                    or (output and step in step_names and output in local)):
                continue
            problems.append(f"{relative}: $({name}) is defined nowhere")
        for module in re.findall(r"python -m ([\w.]+)", text):
            if module != "pip" and not (project / (module.replace(".", "/") + ".py")).is_file():
                problems.append(f"{relative}: python -m {module}: no such module")
        for node in walk(document):
            for key in ("workingDirectory", "Dockerfile", "scriptPath"):
                if key in node and not (project / node[key]).exists():
                    problems.append(f"{relative}: {key} {node[key]} does not exist")
            include = node.get("paths", {}).get("include", []) if "paths" in node else []
            problems += [f"{relative}: trigger path {entry} does not exist"
                         for entry in include if not (project / entry).exists()]
        for file in re.findall(r"--template-file (\S+)", text):
            file = MACRO.sub(lambda match: str(values.get(match.group(1))), file.strip('"'))
            if not (project / file).is_file():
                problems.append(f"{relative}: --template-file {file} does not exist")
        for file in re.findall(r"bash (environment_setup/\S+\.sh)", text):
            if not (project / file).is_file():
                problems.append(f"{relative}: bash {file} does not exist")
    assert not problems, "\n".join(problems)


def test_step_scripts_named_by_the_variables_template_exist(bakes):
    """Needs the model package (training/, evaluate/, register/, scoring/)."""
    _, project = bakes[0]
    entries = {entry["name"]: entry["value"]
               for entry in load(next(project.glob(".pipelines/*-variables-template.yml")))
               ["variables"]}
    sources = project / entries["SOURCES_DIR_TRAIN"]
    missing = [entries[key] for key in ("TRAIN_SCRIPT_PATH", "EVALUATE_SCRIPT_PATH",
                                        "REGISTER_SCRIPT_PATH", "SCORE_SCRIPT")
               if not (sources / entries[key]).is_file()]
    missing += [name for name in (entries["AML_ENV_TRAIN_CONDA_DEP_FILE"],
                                  "scoring/inference_config.yml",
                                  "scoring/deployment_config_aci.yml")
                if not (sources / name).is_file()]
    assert not missing, f"missing under {sources}: {missing}"


@pytest.mark.parametrize("overrides", structural_combinations(**AZURE_DEVOPS), ids=matrix_id)
def test_cd_stages_follow_the_answers(overrides):
    project, answers = bake_once(**overrides), rendered_answers(**overrides)
    path = project / f".pipelines/{answers['project_name']}-cd.yml"
    stages = {stage["stage"]: stage for stage in expand(path)["stages"]}
    ci_resource = load(path)["resources"]["pipelines"][0]
    assert ci_resource["source"] == answers["__ci_pipeline_name"]
    assert ci_resource["trigger"]["branches"]["include"] == ["main"]
    text = path.read_text("utf-8")
    if answers["azureml_sdk"] == "v2":
        # The hook refuses AKS and Web App with v2: the managed online endpoint replaces both.
        assert list(stages) == ["Deploy_Online_Endpoint"]
        assert "python -m ml_service.azureml.online_endpoint deploy" in text
        assert "python -m ml_service.azureml.online_endpoint smoke_test" in text
        return
    expected = (["Find_Model", "Deploy_ACI"] + ["Deploy_AKS"] * answers["deploy_aks"]
                + ["Deploy_Webapp"] * answers["deploy_webapp"])
    assert list(stages) == expected
    # No new model (evaluation kept the current one): every deployment stage is skipped.
    for name in expected[1:]:
        assert "Find_Model" in stages[name]["dependsOn"]
        assert ("eq(dependencies.Find_Model.outputs['Find_Model.get_model.MODEL_REGISTERED'], "
                "'true')") in stages[name]["condition"]
    assert ("target: AKS" in text) == answers["deploy_aks"]
    assert ("target: Webapp" in text) == answers["deploy_webapp"]


# Retired from the steps: the `ml` CLI extension no longer loads on today's `az`, and
# Microsoft says not to install the classic Machine Learning extension or use its tasks.
RETIRED = re.compile(r"\baz ml\b|\bextension add --name ml\b|MLPublishedPipelineRestAPITask"
                     r"|vss-services-azureml")


def built_in_tasks():
    """The task names of Azure Pipelines itself, as the vendored schema lists them."""
    task = get_builtin_schema("vendor.azure-pipelines")["definitions"]["task"]
    return {name for entry in task["properties"]["task"]["anyOf"]
            for name in entry.get("enum", [])}


def test_no_step_needs_an_azure_cli_extension_and_one_marketplace_task_at_most():
    """The steps, the scripts and Python they run, and the README name neither the `ml`
    extension nor the classic task; the only Marketplace task is the v2 CI's agentless wait."""
    built_in, problems = built_in_tasks(), []
    for overrides, project in structural_bakes():
        for path in [*pipeline_files(project), *project.glob(".github/**/*.*"),
                     *project.glob("ml_service/**/*.py"), project / "README.md"]:
            for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
                if RETIRED.search(line):
                    problems.append(f"{matrix_id(overrides)}: {path.relative_to(project)}:"
                                    f"{number}: {line.strip()}")
        marketplace = {node["task"] for path in pipeline_files(project)
                       if is_pipeline(load(path)) for node in walk(expand(path))
                       if "task" in node} - built_in
        expected = ({AML_JOB_WAIT_TASK}
                    if overrides == {**overrides, **AZURE_DEVOPS, "azureml_sdk": "v2"} else set())
        if marketplace != expected:
            problems.append(f"{matrix_id(overrides)}: Marketplace tasks {sorted(marketplace)}")
    assert not problems, "\n".join(problems)


def test_v2_ci_and_cd_end_green_when_evaluation_kept_the_production_model(tmp_path):
    """As in v1: the CI's check warns "no new model" and passes; the CD deploys nothing."""
    project = bake_once(azureml_sdk="v2", orchestrator="azure_devops")
    name = rendered_answers(azureml_sdk="v2")["project_name"]
    report = next(job for job in jobs(project / f".pipelines/{name}-ci.yml")
                  if job.name == "Training_Run_Report")
    cd_steps = [step for step in jobs(project / f".pipelines/{name}-cd.yml")[0].steps
                if step.get("task") == "AzureCLI@2"]
    find_model, deploy, smoke = cd_steps
    warning = "##vso[task.logissue type=warning]No new model: production keeps its model"
    check = next(step for step in report.steps if step.get("task") == "AzureCLI@2")
    for step in (check, find_model):
        completed = run_without_a_new_model(step["inputs"]["inlineScript"], project, tmp_path)
        assert completed.returncode == 0, completed.stderr
        assert warning in completed.stdout
    assert "##vso[task.setvariable variable=MODEL_VERSION]\n" in completed.stdout
    assert deploy["inputs"]["inlineScript"] == "python -m ml_service.azureml.online_endpoint deploy"
    for step in (deploy, smoke):
        assert step["condition"] == "and(succeeded(), ne(variables['MODEL_VERSION'], ''))"


def test_variables_template_and_env_example_hold_the_tables_variables_of_their_sdk(bakes):
    """Both files list exactly the pipeline variables the table gives a value for these answers
    (each SDK reads its own; the other's are empty), at the table's value."""
    for overrides, project in bakes[:4]:
        answers = rendered_answers(**overrides)
        table = {name: value for name, value in answers["__pipeline_variables"].items() if value}
        entries = {entry["name"]: entry["value"] for entry in load(
            project / f".pipelines/{answers['project_name']}-variables-template.yml")["variables"]}
        assert entries == {**table, "PYTHON_VERSION": answers["__python_version"],
                           "UV_CACHE_DIR": "$(Pipeline.Workspace)/.uv",
                           "PIP_CACHE_DIR": "$(Pipeline.Workspace)/.pip"}
        # .env.example: what a pipeline step sees, the variable group and the same table.
        build = ({"SUBSCRIPTION_ID": "", "BUILD_BUILDID": "local", "BUILD_URI": ""}
                 if answers["azureml_sdk"] == "v1" else {"BUILD_ID": "local"})
        assert dotenv_values(project / ".env.example") == {**build, **variable_group(answers),
                                                           **table}
        # v1's step scripts, v2's online endpoint: each only where its SDK reads it.
        sdk = answers["azureml_sdk"]
        assert ("TRAIN_SCRIPT_PATH" in table, "ENDPOINT_NAME" in table) == (sdk == "v1",
                                                                            sdk == "v2")


def test_agents_code_quality_and_training_trigger(bakes):
    _, project = bakes[-1]
    problems = []
    for path in pipeline_files(project):
        text = path.read_text(encoding="utf-8")
        if "continueOnError" in text or "--exit-zero" in text or "mcr.microsoft.com" in text:
            problems.append(f"{path.name}: hides failures or uses the shared MLOps image")
        for node in walk(load(path)):
            pool = node.get("pool")
            if isinstance(pool, dict) and pool.get("vmImage") not in HOSTED_IMAGES:
                problems.append(f"{path.name}: agent {pool}")
    assert not problems, problems
    pipelines = project / ".pipelines"
    setup = load(pipelines / "python-setup-template.yml")["steps"]
    assert [step.get("task") for step in setup] == [
        "UsePythonVersion@0", "Cache@2", "Cache@2", None]
    cached = {step["inputs"]["path"] for step in setup[1:3]}
    assert cached == {"$(UV_CACHE_DIR)", "$(PIP_CACHE_DIR)"}
    # The agents install as `make install` does, with the one Makefile recipe.
    assert setup[3]["script"] == "make install"
    quality = load(pipelines / "code-quality-template.yml")["steps"]
    make_ci = [step["script"] for step in quality if "script" in step]
    assert make_ci == ["make ci"]
    assert re.search(r"^ci:", (project / "Makefile").read_text("utf-8"), re.MULTILINE)
    assert re.search(r"^lightgbm==", (project / "requirements.txt").read_text("utf-8"),
                     re.MULTILINE)
    ci = expand(next(pipelines.glob("*-ci.yml")))
    steps = {step.get("name"): step for stage in ci["stages"] for job in stage["jobs"]
             for step in job["steps"]}
    train, cancel = steps["train"], steps["cancel_training"]
    assert ("eq(coalesce(variables['auto-trigger-training'], 'true'), 'true')"
            in train["condition"])
    assert train["inputs"]["inlineScript"].endswith(
        "python -m ml_service.pipelines.run_train_pipeline run --timeout_minutes 45\n")
    # The wait outlives the workload identity's token; the cancel step follows a cancelled,
    # timed-out or failed job, once the run step has named the run.
    assert train["inputs"]["keepAzSessionActive"] is True
    assert cancel["condition"] == "and(or(canceled(), failed()), ne(variables['AML_RUN_ID'], ''))"
    assert "auto-trigger-training" in (next(pipelines.glob("*-ci.yml"))).read_text("utf-8")


def test_the_azure_ml_step_and_the_deployment_stage_are_written_once(bakes):
    """Every ml_service command signs in through aml-step-template.yml; every deployment stage
    comes from deploy-stage-template.yml: no near-copies."""
    overrides, project = bakes[-1]
    assert overrides["deploy_aks"] and overrides["deploy_webapp"]
    written = {path.name for path in pipeline_files(project)
               if "SUBSCRIPTION_ID" in path.read_text(encoding="utf-8")}
    assert written == {"aml-step-template.yml"}
    written = {path.name for path in pipeline_files(project)
               if re.search(r"^\s*- stage: Deploy_", path.read_text(encoding="utf-8"), re.M)}
    assert written == {"deploy-stage-template.yml"}
    compiled = expand(next(project.glob(".pipelines/*-cd.yml")))
    assert [stage["stage"] for stage in compiled["stages"]] == [
        "Find_Model", "Deploy_ACI", "Deploy_AKS", "Deploy_Webapp"]
