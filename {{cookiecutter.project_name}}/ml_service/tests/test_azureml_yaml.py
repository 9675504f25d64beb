"""The Azure ML YAML, checked offline with azure-ai-ml itself (what the steps load it with).

Every file loads with its ``load_*`` function and passes the SDK's validation; the pipeline job
also passes ``MLClient.jobs.validate`` (serverless compute needs no remote look-up), every
``${{...}}`` binding and path resolves (the SDK does not check bindings), and each file is what
the SDK writes for the object it describes (golden test: the SDK's own dump, paths relative).
"""
import json
import re
from pathlib import Path

import pytest
import yaml
from azure.ai.ml import (Input, MLClient, dsl, load_component, load_data, load_environment,
                         load_job, load_online_deployment, load_online_endpoint)
from azure.ai.ml.entities import JobResourceConfiguration, UserIdentityConfiguration

from ml_service.azureml.training import job_overrides

AZUREML = Path(__file__).resolve().parents[1] / "azureml"
REPOSITORY = AZUREML.parents[1]
SCHEMAS = "https://azuremlschemas.azureedge.net/latest/"
# Each file, the SDK function that loads it, and the JSON schema its $schema names.
FILES = {
    "components/train.yml": (load_component, "commandComponent"),
    "components/evaluate.yml": (load_component, "commandComponent"),
    "components/register.yml": (load_component, "commandComponent"),
    "pipeline.yml": (load_job, "pipelineJob"),
    "environment.yml": (load_environment, "environment"),
    "data.yml": (load_data, "data"),
    "endpoint.yml": (load_online_endpoint, "managedOnlineEndpoint"),
    "deployment.yml": (load_online_deployment, "managedOnlineDeployment"),
}
BINDING = re.compile(r"\$\{\{([^}]*)\}\}")


def read(relative):
    return yaml.safe_load((AZUREML / relative).read_text(encoding="utf-8"))


def variables_template():
    """The names the CI/CD gives the scripts: the Azure DevOps variables template, or with GitHub
    Actions the Train and Deploy workflows' env (Deploy's production endpoint). The workflows name
    no environment or data asset: those names are environment.yml's and data.yml's."""
    workflows = REPOSITORY / ".github" / "workflows"
    if workflows.is_dir():
        train, deploy = (yaml.safe_load((workflows / name).read_text(encoding="utf-8"))
                         for name in ("train.yml", "deploy.yml"))
        return {**train["env"], **deploy["env"], **deploy["jobs"]["production"]["env"],
                "AML_ENV_NAME": read("environment.yml")["name"],
                "DATASET_NAME": read("data.yml")["name"]}
    path = next((REPOSITORY / ".pipelines").glob("*-variables-template.yml"))
    return {entry["name"]: entry["value"]
            for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["variables"]}


class OfflineCredential:
    """A credential that fails if anything asks it for a token: validation must not."""

    def get_token(self, *scopes, **kwargs):
        raise AssertionError(f"a token was requested for {scopes}: this check went online")


def test_every_azure_ml_file_is_listed_here():
    assert sorted(str(path.relative_to(AZUREML)) for path in AZUREML.rglob("*.yml")) == sorted(
        FILES)


@pytest.mark.parametrize("relative", FILES)
def test_each_file_loads_validates_and_names_its_schema(relative):
    loader, schema = FILES[relative]
    entity = loader(AZUREML / relative)
    # Jobs and components return a result; deployments raise on a problem and return None.
    result = entity._validate() if hasattr(entity, "_validate") else None
    assert result is None or result.passed, result.error_messages
    assert read(relative)["$schema"] == f"{SCHEMAS}{schema}.schema.json"


def test_the_pipeline_job_passes_the_clients_validation_offline():
    client = MLClient(OfflineCredential(), "00000000-0000-0000-0000-000000000000",
                      "resource-group", "workspace")
    result = client.jobs.validate(load_job(AZUREML / "pipeline.yml"))
    assert result.passed, result.error_messages


def test_the_values_the_ci_sets_keep_the_job_valid():
    """What ``training submit`` sets in the job (ml_service.azureml.training.job_overrides)."""
    job = load_job(AZUREML / "pipeline.yml", params_override=job_overrides({
        "EXPERIMENT_NAME": "mlopspython", "RUN_EVALUATION": "true", "BUILD_ID": "42",
        "BUILD_URI": "https://dev.azure.com/org/project/_build/results?buildId=42"}))
    assert job._validate().passed
    assert job.inputs["run_evaluation"]._data == "true" and job.tags == {"BuildId": "42"}
    assert job.experiment_name == "mlopspython"


@pytest.mark.parametrize("relative, override, message", [
    ("endpoint.yml", {"auth_mode": "password"}, "password"),
    ("deployment.yml", {"instance_count": "many"}, "Not a valid integer"),
    ("components/train.yml", {"inputs.training_data.type": "csv_file"}, "csv_file"),
])
def test_a_seeded_mistake_fails_the_load(relative, override, message):
    loader, _ = FILES[relative]
    with pytest.raises(Exception, match=message):
        loader(AZUREML / relative, params_override=[override])


def test_every_binding_in_the_pipeline_resolves():
    pipeline = read("pipeline.yml")
    components = {name: read(node["component"]) for name, node in pipeline["jobs"].items()}
    outputs = {name: set(component.get("outputs") or {})
               for name, component in components.items()}
    problems = []
    for name, node in pipeline["jobs"].items():
        component = components[name]
        if set(node["inputs"]) != set(component["inputs"]):
            problems.append(f"{name}: inputs {sorted(node['inputs'])} but the component "
                            f"declares {sorted(component['inputs'])}")
        for value in node["inputs"].values():
            for binding in BINDING.findall(str(value)):
                parts = binding.split(".")
                if parts[:2] == ["parent", "inputs"]:
                    ok = parts[2] in pipeline["inputs"]
                else:
                    ok = (parts[:2] == ["parent", "jobs"] and parts[3] == "outputs"
                          and parts[4] in outputs.get(parts[2], ()))
                if not ok:
                    problems.append(f"{name}: ${{{{{binding}}}}} does not resolve")
    assert not problems, problems


@pytest.mark.parametrize("relative", [name for name in FILES if name.startswith("components/")])
def test_each_component_uses_exactly_what_it_declares_and_its_code_exists(relative):
    component = read(relative)
    used = set(BINDING.findall(component["command"]))
    declared = ({f"inputs.{name}" for name in component["inputs"]}
                | {f"outputs.{name}" for name in component.get("outputs") or {}})
    assert used == declared
    code = (AZUREML / relative).parent / component["code"]
    module = re.match(r"python -m ([\w.]+)", component["command"]).group(1)
    assert (code / (module.replace(".", "/") + ".py")).is_file()
    assert component["environment"] == f"azureml:{read('environment.yml')['name']}@latest"


def test_names_agree_across_files_and_with_the_pipelines():
    variables = variables_template()
    endpoint, deployment = read("endpoint.yml"), read("deployment.yml")
    assert endpoint["name"] == deployment["endpoint_name"] == variables["ENDPOINT_NAME"]
    assert deployment["name"] == variables["DEPLOYMENT_NAME"]
    assert deployment["model"] == f"azureml:{variables['MODEL_NAME']}@latest"
    assert deployment["environment"] == f"azureml:{variables['AML_ENV_NAME']}@latest"
    assert (AZUREML / deployment["code_configuration"]["code"]
            / deployment["code_configuration"]["scoring_script"]).is_file()
    assert read("environment.yml")["name"] == variables["AML_ENV_NAME"]
    assert (AZUREML / read("environment.yml")["conda_file"]).is_file()
    assert read("data.yml")["name"] == variables["DATASET_NAME"]
    pipeline = read("pipeline.yml")
    assert pipeline["inputs"]["training_data"]["path"] == (
        f"azureml:{variables['DATASET_NAME']}@latest")
    assert pipeline["inputs"]["model_name"] == variables["MODEL_NAME"]
    assert pipeline["inputs"]["run_evaluation"] == variables["RUN_EVALUATION"]
    assert pipeline["experiment_name"] == variables["EXPERIMENT_NAME"]


def normalised(value, base):
    """The SDK's dump with absolute paths made relative to ``base`` and empty mappings dropped."""
    if isinstance(value, dict):
        return {key: normalised(item, base) for key, item in value.items() if item != {}}
    if isinstance(value, list):
        return [normalised(item, base) for item in value]
    if isinstance(value, str) and value.startswith("/"):
        return Path(value).resolve().relative_to(REPOSITORY.resolve()).as_posix()
    return value


def from_file(relative):
    """The file's mapping without $schema, its paths relative to the repository."""
    document = read(relative)
    document.pop("$schema")
    base = (AZUREML / relative).parent
    for key in ("code", "path"):
        if key in document and not str(document[key]).startswith("azureml:"):
            document[key] = (base / document[key]).resolve().relative_to(
                REPOSITORY.resolve()).as_posix()
    if "conda_file" in document:
        document["conda_file"] = yaml.safe_load((base / document["conda_file"]).read_text(
            encoding="utf-8"))
    return document


@pytest.mark.parametrize("relative", [name for name in FILES if name != "pipeline.yml"])
def test_each_file_is_what_the_sdk_writes_for_it(relative):
    loader, _ = FILES[relative]
    dumped = json.loads(json.dumps(loader(AZUREML / relative)._to_dict()))
    dumped.pop("$schema", None)
    assert normalised(dumped, REPOSITORY) == from_file(relative)


def test_the_pipeline_is_what_the_sdk_builds_from_its_components():
    """The same pipeline built with the SDK's DSL from the component files, compared with the
    YAML's: same nodes, data edges, inputs, compute, identities and settings."""
    pipeline = read("pipeline.yml")
    train_component, evaluate_component, register_component = (
        load_component(AZUREML / "components" / f"{name}.yml")
        for name in ("train", "evaluate", "register"))
    size = JobResourceConfiguration(instance_type=pipeline["jobs"]["train"]["resources"]
                                    ["instance_type"])

    @dsl.pipeline(display_name=pipeline["display_name"],
                  experiment_name=pipeline["experiment_name"], default_compute="serverless",
                  force_rerun=True)
    def training(training_data, model_name, run_evaluation, build_id, build_uri):
        train = train_component(training_data=training_data, model_name=model_name)
        train.resources = size
        evaluate = evaluate_component(model_input=train.outputs.model_output,
                                      model_name=model_name, run_evaluation=run_evaluation)
        evaluate.resources, evaluate.identity = size, UserIdentityConfiguration()
        register = register_component(model_input=train.outputs.model_output,
                                      decision_input=evaluate.outputs.decision_output,
                                      model_name=model_name, build_id=build_id,
                                      build_uri=build_uri)
        register.resources, register.identity = size, UserIdentityConfiguration()

    inputs = dict(pipeline["inputs"])
    built = training(**{**inputs, "training_data": Input(**inputs["training_data"])})

    def comparable(job):
        document = json.loads(json.dumps(job._to_dict()))
        for node in document["jobs"].values():
            # A component referenced by path is anonymous in the YAML job, named in the DSL.
            node["component"].pop("name"), node["component"].pop("version", None)
        return normalised(document, REPOSITORY)
    assert comparable(built) == comparable(load_job(AZUREML / "pipeline.yml"))
