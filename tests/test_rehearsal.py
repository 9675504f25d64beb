"""Rehearse every pipeline step that runs ml_service, offline, in the environment its agent has.

For each combination of answers that changes which steps exist, every pipeline of the generated
repository is read as Azure DevOps compiles it (``pipeline_templates``), and each job's steps are
replayed in order:
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
import shutil
import subprocess
from pathlib import Path

import pytest

from azure_devops import structural_combinations
from conftest import bake_once, matrix_id, rendered_answers, requirements_venv, writable_copy
from pipeline_templates import MACRO, is_pipeline, jobs, load, pipeline_files, step_script

pytestmark = pytest.mark.slow

SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
STAND_IN_AZ = f"""#!/bin/sh
# Stand-in for the Azure CLI: it knows the subscription and is signed in to nothing else.
if [ "$1 $2" = "account show" ]; then echo {SUBSCRIPTION_ID}; exit 0; fi
echo "ERROR: Please run 'az login' to setup account." >&2
exit 1
"""
RUNTIME_OUTPUT = re.compile(
    r"\$\[\s*(?:stage)?[dD]ependencies\..*outputs\['(?:\w+\.)*(\w+\.\w+)'\]\s*\]")
SET_VARIABLE = re.compile(r"##vso\[task\.setvariable variable=(\w+)(;isOutput=true)?\](.*)")
# A step that runs the project's Python (`python3` on a GitHub runner), not pip: the module and
# its subcommand, if any.
PYTHON_MODULE = re.compile(r"\bpython3? -m (?!pip\b)([\w.]+)(?: ([a-z_]+)\b)?")
# The job variables a step's condition reads.
CONDITION_VARIABLE = re.compile(r"variables\['(\w+)'\]")
# The first call to Azure, as Azure's libraries report it offline: no sign-in, no network.
# (Not azureml's AuthenticationException: AzureCliAuthentication raises it when the azure-cli
# package is missing, the defect this rehearsal was written against.)
REACHED_AZURE = ("CredentialUnavailableError", "ClientAuthenticationError",
                 "ServiceRequestError", "NameResolutionError",
                 # The stand-in az, signed in to nothing, to a script's first `az` call.
                 "Please run 'az login'")
# What must never stop a step before Azure: a broken environment, variable or command line.
NOT_REACHED = ("No module named", " is not set", "usage:", "command not found")
# The exception that ended a Python traceback.
FINAL_EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit))\b.*$", re.MULTILINE)
# Predefined Azure Pipelines variables the steps read, with plausible values.
PREDEFINED = {
    "Build.BuildId": "1234",
    "Build.Reason": "IndividualCI",
    "Build.SourceBranch": "refs/heads/main",
    "System.CollectionUri": "https://dev.azure.com/rehearsal/",
    "System.TeamProject": "rehearsal",
    "Agent.OS": "Linux",
    "resources.pipeline.model-train-ci.runID": "1234",
    "resources.pipeline.model-train-ci.projectID": "rehearsal",
    "resources.pipeline.model-train-ci.pipelineID": "7",
}


def model_artifact(variables):
    """What the CI publishes as `model` when its run registered a model (model_artifact write)."""
    return {"model.json": json.dumps({"registered": True, "name": variables["MODEL_NAME"],
                                      "version": 1, "id": f"{variables['MODEL_NAME']}:1",
                                      "createdTime": None})}


# Non-script tasks whose output a later step reads: artifact name -> files it holds.
ARTIFACT_STAND_INS = {"model": model_artifact}


def env_name(name):
    """How Azure Pipelines names a variable in a step's environment."""
    return name.upper().replace(".", "_")


class Rehearsal:
    """The session's venvs (one per distinct requirements.txt) and the scripts already run."""

    def __init__(self, folder, no_network):
        self.folder = folder
        self.no_network = no_network
        self.results = {}
        # One agent folder for the session, so a step's script reads the same in every bake.
        self.agent = folder / "agent"
        self.bin = folder / "bin"
        self.bin.mkdir()
        (self.bin / "az").write_text(STAND_IN_AZ, encoding="utf-8")
        (self.bin / "az").chmod(0o755)

    def venv(self, requirements):
        """(digest, venv) of exactly ``requirements``, shared with the other tests' venvs."""
        venv = requirements_venv(requirements)
        return venv.name, venv

    def run(self, key, script, venv, variables, cwd):
        """Run ``script`` as the agent would, once per ``key``; (exit code, output)."""
        if key not in self.results:
            path = self.folder / f"step-{len(self.results)}.sh"
            path.write_text(script, encoding="utf-8")
            home = self.folder / "home"
            home.mkdir(exist_ok=True)
            env = {"PATH": f"{venv}/bin:{self.bin}:/usr/bin:/bin", "HOME": str(home),
                   "LANG": "C.UTF-8",
                   **{env_name(name): value for name, value in variables.items()}}
            completed = subprocess.run(
                [*self.no_network, "bash", "--noprofile", "--norc", "-e", "-o", "pipefail",
                 str(path)], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
            self.results[key] = (completed.returncode, completed.stdout + completed.stderr)
        return self.results[key]


def no_network_prefix():
    """``unshare -n`` as root, ``unshare -rn`` (a user namespace) otherwise, whichever works."""
    for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
        if shutil.which("unshare") and subprocess.run(
                [*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    pytest.fail("the rehearsal runs steps without a network: it needs `unshare -n` (root) or "
                "`unshare -rn` (unprivileged user namespaces) from util-linux")


@pytest.fixture(scope="session")
def rehearsal(tmp_path_factory):
    return Rehearsal(tmp_path_factory.mktemp("rehearsal"), no_network_prefix())


def variable_group_values(project):
    return json.loads((project / "environment_setup/azure-devops.json").read_text("utf-8"))[
        "variable_group"]["variables"]


def substitute(text, variables):
    """``$(name)`` replaced by its value, as the agent does; unknown macros stay as written."""
    folded = {name.lower(): value for name, value in variables.items()}
    return MACRO.sub(lambda match: folded.get(match.group(1).lower(), match.group(0)), text)


def job_variables(job, project, outputs, agent_folder):
    """The variables of ``job`` as the agent has them, macros and runtime outputs resolved."""
    variables = {**PREDEFINED,
                 "Pipeline.Workspace": str(agent_folder / "work"),
                 "Build.ArtifactStagingDirectory": str(agent_folder / "staging"),
                 "Agent.ToolsDirectory": str(agent_folder / "tools"),
                 "System.DefaultWorkingDirectory": str(project)}
    for entry in job.variables:
        if "group" in entry:
            variables.update(variable_group_values(project))
        else:
            runtime = RUNTIME_OUTPUT.fullmatch(str(entry["value"]).strip())
            # An output that an earlier step would have set had Azure answered (it stopped at
            # its first call to Azure) gets a stand-in value, as Azure's answer would be there.
            variables[entry["name"]] = (
                outputs.get(runtime.group(1), f"stand-in-{runtime.group(1).split('.')[-1]}")
                if runtime else str(entry["value"]))
    for _ in range(3):  # values that name other variables, e.g. BUILD_URI
        variables = {name: substitute(value, variables) for name, value in variables.items()}
    return variables


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


def verdict(code, output):
    """None when the step got as far as Azure (or finished), else why not.

    A traceback must end in one of Azure's sign-in or connection errors (ImportError, TypeError,
    AttributeError... do not); a step that exits with a message must name such an error and
    nothing that says the environment or command line is wrong."""
    if code == 0:
        return None
    exceptions = FINAL_EXCEPTION.findall(output)
    if exceptions:
        final = exceptions[-1].rsplit(".", 1)[-1]
        return None if final in REACHED_AZURE else f"stopped before Azure by {final}"
    if any(marker in output for marker in NOT_REACHED):
        return "stopped before Azure"
    if not any(marker in output for marker in REACHED_AZURE):
        return "failed without reaching Azure"
    return None


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
