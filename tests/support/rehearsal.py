"""Generated pipeline and workflow steps run here, offline, in the environment their agent gives
them: a job's variables as the Azure Pipelines agent has them (``job_variables``, ``$(macros)``
replaced by ``substitute``), the session's ``Rehearsal`` (venvs of exactly the generated
requirements, the stand-in ``az`` knowing the subscription and signed in to nothing else, no
network), its ``verdict`` on whether a step got as far as its first call to Azure, and a step run
with a stand-in ``python`` whose run kept the production model."""
import json
import re
import subprocess

from tests.support.azure_pipelines import MACRO
from tests.support.commands import requirements_venv
from tests.support.stand_in_az import SUBSCRIPTION_ID, StandInAz, rule

RUNTIME_OUTPUT = re.compile(
    r"\$\[\s*(?:stage)?[dD]ependencies\..*outputs\['(?:\w+\.)*(\w+\.\w+)'\]\s*\]")
# A step that runs the project's Python (`python3` on a GitHub runner), not pip: the module and
# its subcommand, if any.
PYTHON_MODULE = re.compile(r"\bpython3? -m (?!pip\b)([\w.]+)(?: ([a-z_]+)\b)?")
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
        # The subscription is known (aml-step-template.yml reads its id); nothing else answers.
        self.az = StandInAz(folder / "az", answers=[rule("account show", SUBSCRIPTION_ID)],
                            signed_in=False)

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
            env = {"PATH": f"{venv}/bin:{self.az.bin}:/usr/bin:/bin", "HOME": str(home),
                   "LANG": "C.UTF-8",
                   **{env_name(name): value for name, value in variables.items()}}
            completed = subprocess.run(
                [*self.no_network, "bash", "--noprofile", "--norc", "-e", "-o", "pipefail",
                 str(path)], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
            self.results[key] = (completed.returncode, completed.stdout + completed.stderr)
        return self.results[key]


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


# What the steps' own commands print after a run whose evaluation kept the production model:
# `training check <job>` and `training model_version` warn on stderr and end with an empty line
# (the generated repository's test_azureml_training proves both against the stand-in MLClient).
# Any other call fails, so a step that runs something else cannot pass here.
NO_NEW_MODEL_PYTHON = """#!/bin/sh
case "$*" in
  "-m ml_service.azureml.training check job-7" | "-m ml_service.azureml.training model_version")
    echo "warning: no new model: production keeps its model" >&2
    echo
    exit 0 ;;
esac
echo "stand-in python: unexpected call: $*" >&2
exit 97
"""
NO_NEW_MODEL_ENV = {"RESOURCE_GROUP": "rg", "WORKSPACE_NAME": "ws", "MODEL_NAME": "m.pkl",
                    "BUILD_ID": "42", "JOB_NAME": "job-7"}


def run_without_a_new_model(script, project, tmp_path, **env):
    """Run a step's bash ``script`` in ``project`` with NO_NEW_MODEL_PYTHON as its python."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "python").write_text(NO_NEW_MODEL_PYTHON, encoding="utf-8")
    (bin_dir / "python").chmod(0o755)
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=project,
                          capture_output=True, text=True, timeout=60,
                          env={"PATH": f"{bin_dir}:/usr/bin:/bin", **NO_NEW_MODEL_ENV, **env})
