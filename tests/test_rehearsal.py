"""Rehearse every pipeline step that runs ml_service, offline, in the environment its agent has.

For each combination of answers that changes which steps exist, every pipeline of the generated
repository is read as Azure DevOps compiles it (``tests.support.azure_pipelines``), and each
job's steps are replayed in order:
- the interpreter is a venv with exactly the generated ``requirements.txt``, installed by the
  repository's ``make install`` as the agents' Python set-up does (once per distinct file per
  session);
- the environment is the job's variables as Azure Pipelines exports them (variables template,
  the variable group of ``azure-devops.json``, stage and job variables, the predefined variables
  the steps use, and the output variables earlier steps printed), and nothing else: no ``.env``,
  no variable of this test process;
- ``$(macros)`` are replaced as the agent replaces them, ``az`` is a stand-in that knows the
  subscription id and is signed in to nothing, and the step's whole script runs under
  ``unshare -n`` (no network).
Each step whose script runs ``python -m <module>`` must get as far as its first call to Azure: it
may end with a sign-in or connection error raised by Azure's libraries, or succeed; an import
error, a missing variable, a usage error or any other exception fails the rehearsal. Each
distinct script runs once per requirements file, whatever its condition (a cancel step too).
Tasks that are not scripts are stood in for only where a later step reads what they leave
behind (``ARTIFACT_STAND_INS``), and a variable a step's condition reads, which an earlier step
would have set had Azure answered, gets a stand-in value.
"""
import json
import re
from pathlib import Path

import pytest

from tests.support.azure_pipelines import is_pipeline, jobs, pipeline_files, step_script
from tests.support.bakes import (bake_once, matrix_id, rendered_answers, structural_combinations,
                                 writable_copy)
from tests.support.commands import no_network_prefix
from tests.support.rehearsal import (PYTHON_MODULE, Rehearsal, job_variables, substitute,
                                     verdict)
from tests.support.repository import load
from tests.support.stand_in_az import SUBSCRIPTION_ID

pytestmark = pytest.mark.slow

SET_VARIABLE = re.compile(r"##vso\[task\.setvariable variable=(\w+)(;isOutput=true)?\](.*)")
# The job variables a step's condition reads.
CONDITION_VARIABLE = re.compile(r"variables\['(\w+)'\]")


def model_artifact(variables):
    """What the CI publishes as `model` when its run registered a model (model_artifact write)."""
    return {"model.json": json.dumps({"registered": True, "name": variables["MODEL_NAME"],
                                      "version": 1, "id": f"{variables['MODEL_NAME']}:1",
                                      "createdTime": None})}


# Non-script tasks whose output a later step reads: artifact name -> files it holds.
ARTIFACT_STAND_INS = {"model": model_artifact}


@pytest.fixture(scope="session")
def rehearsal(tmp_path_factory):
    return Rehearsal(tmp_path_factory.mktemp("rehearsal"), no_network_prefix())


def stand_in_task(step, variables):
    """Leave behind what a non-script task would, where a later step reads it."""
    inputs = step.get("inputs") or {}
    artifact = ARTIFACT_STAND_INS.get(inputs.get("artifactName") or inputs.get("artifact"))
    if step.get("task", "").startswith("DownloadPipelineArtifact") and artifact:
        target = Path(substitute(inputs["targetPath"], variables))
        target.mkdir(parents=True, exist_ok=True)
        for name, text in artifact(variables).items():
            (target / name).write_text(text, encoding="utf-8")


def record_outputs(step, output, variables, outputs):
    """The variables a step's logging commands set, for the next steps and jobs."""
    for name, is_output, value in SET_VARIABLE.findall(output):
        variables[name] = value
        if is_output and "name" in step:
            outputs[f"{step['name']}.{name}"] = value
            variables[f"{step['name']}.{name}"] = value


def rehearse_project(rehearsal, project):
    """Replay every job of every pipeline of ``project``; (modules run, problems)."""
    digest, venv = rehearsal.venv(project / "requirements.txt")
    checked, problems = [], []
    for path in pipeline_files(project):
        if not is_pipeline(load(path)):
            continue
        outputs = {}
        for job in jobs(path):
            variables = job_variables(job, project, outputs, rehearsal.agent)
            for step in job.steps:
                script = step_script(step)
                if script is None:
                    stand_in_task(step, variables)
                    continue
                command = PYTHON_MODULE.search(script)
                if not command:
                    continue
                for name in CONDITION_VARIABLE.findall(step.get("condition", "")):
                    variables.setdefault(name, f"stand-in-{name}")
                script = substitute(script, variables)
                # A step's own env: mapping comes on top of the job's variables.
                step_env = {name: substitute(str(value), variables)
                            for name, value in (step.get("env") or {}).items()}
                code, output = rehearsal.run((digest, script, tuple(sorted(step_env.items()))),
                                             script, venv, {**variables, **step_env}, project)
                record_outputs(step, output, variables, outputs)
                where = f"{path.name} / {job.name} / {step.get('displayName', step.get('name'))}"
                checked.append(" ".join(filter(None, command.groups())))
                problem = verdict(code, output)
                if problem:
                    problems.append(f"{where}: {problem} (exit {code}):\n{script}\n"
                                    f"{output[-2500:]}")
    return checked, problems


# The Azure DevOps pipelines; the GitHub Actions workflows' steps: test_workflow_rehearsal.
@pytest.mark.parametrize("overrides", structural_combinations(orchestrator="azure_devops"),
                         ids=matrix_id)
def test_every_ml_service_step_gets_as_far_as_azure(rehearsal, overrides, tmp_path):
    answers = rendered_answers(**overrides)
    project = writable_copy(bake_once(**overrides), tmp_path)
    modules, problems = rehearse_project(rehearsal, project)
    if answers["azureml_sdk"] == "v2":
        # CI: submit, check, cancel (when the run is cancelled); CD: find the model, deploy,
        # smoke test. Each through azure-ai-ml, no Azure CLI extension.
        training, endpoint = "ml_service.azureml.training", "ml_service.azureml.online_endpoint"
        assert sorted(modules) == sorted([
            f"{training} submit", f"{training} check", f"{training} cancel",
            f"{training} model_version", f"{endpoint} deploy", f"{endpoint} smoke_test"]), modules
        assert not problems, "\n\n".join(problems)
        return
    run_train = "ml_service.pipelines.run_train_pipeline"
    expected = {f"ml_service.pipelines.{answers['project_name']}_build_train_pipeline",
                f"{run_train} run", f"{run_train} cancel", "ml_service.util.model_artifact write",
                "ml_service.util.model_artifact export", "ml_service.util.deploy_model",
                "ml_service.util.smoke_test_scoring_service"}
    expected |= {"ml_service.util.package_model"} if answers["deploy_webapp"] else set()
    assert set(modules) == expected
    # CI: publish, run, cancel, model.json; CD: model.json, then deploy and smoke per target.
    targets = 1 + answers["deploy_aks"] + answers["deploy_webapp"]
    assert len(modules) == 5 + 2 * targets, modules
    assert not problems, "\n\n".join(problems)


def test_a_step_that_cannot_start_is_caught(rehearsal, tmp_path):
    """The guard itself: a step whose module needs a package the agent lacks, the sign-in that
    needs the azure-cli package, and a missing variable are reported; a sign-in error is not."""
    project = writable_copy(bake_once(), tmp_path)
    _, venv = rehearsal.venv(project / "requirements.txt")
    cases = {
        "python -m azure.cli.core": "stopped before Azure",
        'python -c "from azureml.core.authentication import AzureCliAuthentication; '
        'AzureCliAuthentication()"': "stopped before Azure by AuthenticationException",
        "unset SUBSCRIPTION_ID; python -m ml_service.util.model_artifact write --build_id 1":
            "stopped before Azure",
        'python -c "from ml_service.util.workspace import cli_authentication; '
        'cli_authentication().get_token()"': None,
    }
    for script, expected in cases.items():
        code, output = rehearsal.run(("guard", script), script, venv, {}, project)
        assert verdict(code, output) == expected, output[-2000:]


@pytest.mark.parametrize("overrides", [{}, {"azureml_sdk": "v2"},
                                       {"azureml_sdk": "v2", "orchestrator": "github_actions"}],
                         ids=matrix_id)
def test_readme_commands_get_as_far_as_azure(rehearsal, overrides, tmp_path):
    """The README's `python -m ml_service...` commands, as a new user runs them: `.env` from
    `.env.example` (its empty ids filled in), the files they name and the training data where
    the README says to put it, `az login` not yet done."""
    project = writable_copy(bake_once(**overrides), tmp_path)
    digest, venv = rehearsal.venv(project / "requirements.txt")
    readme = (project / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^    (python -m ml_service\.\S+.*)$", readme, re.MULTILINE)
    assert commands, "the README shows how to run ml_service"
    dotenv = re.sub(r"^SUBSCRIPTION_ID=$", f"SUBSCRIPTION_ID={SUBSCRIPTION_ID}",
                    (project / ".env.example").read_text(encoding="utf-8"), flags=re.MULTILINE)
    (project / ".env").write_text(dotenv, encoding="utf-8")
    team_data = project / "data" / "porto_seguro_safe_driver_prediction_input.csv"
    team_data.parent.mkdir()
    team_data.write_text("id,target,ps_ind_01\n1,0,2\n", encoding="utf-8")
    problems = []
    for command in commands:
        for csv in re.findall(r"--file (\S+\.csv)", command):
            (project / csv).parent.mkdir(parents=True, exist_ok=True)
            (project / csv).write_text("id,target,ps_ind_01\n1,0,2\n", encoding="utf-8")
        code, output = rehearsal.run((digest, "readme", command), command, venv, {}, project)
        problem = verdict(code, output)
        if problem:
            problems.append(f"{command}: {problem} (exit {code}):\n{output[-2500:]}")
    assert not problems, "\n\n".join(problems)
