"""azureml_sdk=v2 beyond its files (test_shell_scripts checks its scripts): in the slow tier, the
v2 repository in a venv of exactly its own requirements (no azureml-core): its CI, which checks
its Azure ML YAML with azure-ai-ml offline, its local loop, and each Azure ML job's command
started as the job starts it, with no network, getting as far as its first call to Azure.

azure-ai-ml is kept out of the template's own venv: its resolver does accept it beside the v1
pins (26 packages added, none changed), but importing it costs the fast tier seconds per run,
and the v2 repository's own venv is what its CI has anyway.
"""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.bakes import sdk_v2_bake, writable_copy
from tests.support.commands import SINGLE_THREAD, requirements_venv, run, run_make
from tests.support.local_server import LocalServer, free_loopback_port, make_command

NO_BYTECODE = {"PYTHONDONTWRITEBYTECODE": "1"}
# The v2 venv sees only its own packages, whatever this session's PYTHONPATH holds.
OWN_PACKAGES_ONLY = {"PYTHONPATH": ""}


@pytest.fixture(scope="module")
def v2_project():
    return sdk_v2_bake()


def test_nothing_of_sdk_v1_is_left_in_a_v2_repository(v2_project):
    texts = {path: path.read_text(encoding="utf-8") for path in v2_project.rglob("*")
             if path.is_file() and path.suffix in (".py", ".txt", ".yml", ".cfg", ".sh")}
    assert not [str(path) for path, text in texts.items()
                if re.search(r"azureml\.core|azureml-sdk|azureml-core|\bRun\.get_context", text)]


# --- slow: the v2 repository in its own venv --------------------------------------------------

@pytest.fixture(scope="module")
def v2_python(v2_project):
    return requirements_venv(v2_project / "requirements.txt") / "bin" / "python"


@pytest.mark.slow
def test_the_v2_venv_has_no_azureml_core_and_is_consistent(v2_python, v2_project):
    run([v2_python, "-m", "pip", "check"], v2_project, env=OWN_PACKAGES_ONLY)
    completed = run([v2_python, "-c", "import azureml.core"], v2_project, check=False,
                    env=OWN_PACKAGES_ONLY)
    assert "No module named 'azureml.core'" in completed.stderr


@pytest.mark.slow
def test_the_v2_repository_passes_its_own_ci_in_its_own_venv(v2_python, v2_project, tmp_path):
    project = writable_copy(v2_project, tmp_path)
    completed = run_make(project, "ci", python=v2_python,
                         env={"HOME": str(tmp_path), **OWN_PACKAGES_ONLY})
    summary = completed.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"=+ \d+ passed in .* =+", summary), summary
    for report in ("lint-testresults.xml", "unit-testresults.xml", "coverage.xml"):
        assert (project / report).read_text(encoding="utf-8").startswith("<?xml")
    # Among them, the offline proof of the Azure ML YAML, run by azure-ai-ml itself.
    results = (project / "unit-testresults.xml").read_text(encoding="utf-8")
    assert len(re.findall(r'<testcase classname="ml_service\.tests\.test_azureml_yaml"',
                          results)) >= 20


@pytest.mark.slow
def test_the_v2_local_loop_trains_serves_and_smoke_tests(v2_python, v2_project, tmp_path):
    project = writable_copy(v2_project, tmp_path / "loop")
    run_make(project, "train", python=v2_python, env=OWN_PACKAGES_ONLY)
    port = free_loopback_port()
    command = make_command(project, "serve", python=v2_python, PORT=port)
    with LocalServer(command, project, tmp_path, tmp_path / "server.log",
                     env={**SINGLE_THREAD, **OWN_PACKAGES_ONLY}):
        completed = run_make(project, "smoke", python=v2_python, PORT=port,
                             env=OWN_PACKAGES_ONLY)
    assert "Smoke test passed" in completed.stdout


def component_command(project, name, values):
    """A component's command with each ``${{inputs.x}}``/``${{outputs.x}}`` replaced by
    ``values[x]``, as Azure ML starts it, split into arguments."""
    component = yaml.safe_load((project / "ml_service" / "azureml" / "components"
                                / f"{name}.yml").read_text(encoding="utf-8"))
    command = re.sub(r"\$\{\{(?:inputs|outputs)\.(\w+)\}\}",
                     lambda match: str(values[match.group(1)]), component["command"])
    return command.split()


def without_network(args):
    """``args`` in a new network namespace when this machine allows one (``unshare -n``), so a
    call that reaches for Azure fails as it would offline; as they are otherwise (the jobs' first
    Azure call asks the job's credential for a token, which fails outside Azure ML anyway)."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n", *args]
    return args


@pytest.mark.slow
def test_each_job_starts_as_azure_ml_starts_it_and_stops_at_its_first_call_to_azure(
        v2_python, v2_project, tmp_path):
    """The rehearsal of the v2 jobs: each component's command, from its code folder, in the v2
    venv with only what a job has (its variables, an MLflow store) and no network."""
    code = v2_project / v2_project.name
    synthetic = tmp_path / "synthetic.csv"
    run([v2_python, "-m", f"{v2_project.name}.training.synthetic_data", "--output", synthetic],
        v2_project, env={**NO_BYTECODE, **OWN_PACKAGES_ONLY})
    job_env = {"PATH": str(Path(v2_python).parent) + os.pathsep + os.environ["PATH"],
               "HOME": str(tmp_path), "MLFLOW_TRACKING_URI": (tmp_path / "mlruns").as_uri(),
               "MLFLOW_ALLOW_FILE_STORE": "true", "AZUREML_ARM_SUBSCRIPTION":
               "00000000-0000-0000-0000-000000000000", "AZUREML_ARM_RESOURCEGROUP": "rg",
               "AZUREML_ARM_WORKSPACE_NAME": "ws", **SINGLE_THREAD, **NO_BYTECODE}
    model_name = json.loads(json.dumps(yaml.safe_load(
        (v2_project / "ml_service" / "azureml" / "pipeline.yml").read_text(
            encoding="utf-8"))["inputs"]["model_name"]))
    values = {"training_data": synthetic, "model_name": model_name,
              "model_output": tmp_path / "model", "model_input": tmp_path / "model",
              "run_evaluation": "true", "decision_output": tmp_path / "decision",
              "decision_input": tmp_path / "decision", "build_id": "42",
              "build_uri": "https://dev.azure.com/org/project/_build/results?buildId=42"}

    def start(name):
        args = component_command(v2_project, name, values)
        assert args[:2] == ["python", "-m"]
        return subprocess.run(without_network([v2_python, *args[1:]]), cwd=code,
                              capture_output=True, text=True, timeout=600, env=job_env)

    train = start("train")
    assert train.returncode == 0, train.stderr
    assert (tmp_path / "model" / model_name).is_file()
    # Evaluation and registration reach the registry, which is Azure: there they must stop.
    for name in ("evaluate", "register"):
        if name == "register":
            (tmp_path / "decision").mkdir()
            (tmp_path / "decision" / "decision.json").write_text(
                json.dumps({"register": True, "reason": "rehearsal"}), encoding="utf-8")
        completed = start(name)
        assert completed.returncode != 0, completed.stdout
        last = completed.stderr.strip().splitlines()[-1]
        assert re.search(r"ServiceRequestError|ClientAuthenticationError|CredentialUnavailable"
                         r"|Failed to resolve|Name or service not known", last), \
            completed.stderr[-3000:]
