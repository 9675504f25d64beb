"""The local launcher sets the server up as azmlinfsrv does, but for 127.0.0.1 only.

Each case runs in a fresh interpreter: the server's set-up changes the environment, sys.path
and the logging configuration of the process it runs in. No server is started here (that is
the template's slow test); these check what the launcher would hand to the server's runner.
"""
import json
import subprocess
import sys
from pathlib import Path

from ml_service.util import local_scoring_server

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
ENTRY_SCRIPT = REPOSITORY_ROOT / "{{ cookiecutter.project_name }}" / "scoring" / "score.py"
# Prints, as its last line, the runner's arguments and the variables the server reads.
PROBE = (
    "import json, os, sys\n"
    "from ml_service.util.local_scoring_server import configure_server\n"
    "runner_args = configure_server(sys.argv[1:])\n"
    "names = ['AZUREML_ENTRY_SCRIPT', 'AZUREML_MODEL_DIR', 'SERVER_PORT']\n"
    "print(json.dumps({'runner_args': runner_args,\n"
    "                  'environment': {name: os.environ[name] for name in names}}))\n"
)


def launcher(args, code=None):
    command = [sys.executable, "-c", code] if code else [
        sys.executable, "-m", "ml_service.util.local_scoring_server"]
    return subprocess.run(command + [str(arg) for arg in args], cwd=REPOSITORY_ROOT,
                          capture_output=True, text=True, timeout=120)


def configured(args):
    completed = launcher(args, code=PROBE)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_binds_the_given_port_on_loopback_with_one_worker(tmp_path):
    result = configured(["--entry_script", ENTRY_SCRIPT, "--model_dir", tmp_path,
                         "--port", "5123"])
    assert result["runner_args"] == ["127.0.0.1", 5123, 1]
    assert result["environment"] == {"AZUREML_ENTRY_SCRIPT": str(ENTRY_SCRIPT),
                                     "AZUREML_MODEL_DIR": str(tmp_path),
                                     "SERVER_PORT": "5123"}


def test_passes_the_servers_own_options_through(tmp_path):
    result = configured(["--entry_script", ENTRY_SCRIPT, "--model_dir", tmp_path,
                         "--worker_count", "3"])
    assert result["runner_args"] == ["127.0.0.1", 5001, 3]


def test_missing_model_folder_is_one_clear_error(tmp_path):
    completed = launcher(["--entry_script", ENTRY_SCRIPT, "--model_dir", tmp_path / "missing"])
    assert completed.returncode == 1
    assert completed.stderr.strip() == (
        f"error: model folder {tmp_path / 'missing'} does not exist: train a model first "
        "(make train)")


def test_missing_scoring_script_is_one_clear_error(tmp_path):
    missing = tmp_path / "score.py"
    completed = launcher(["--entry_script", missing, "--model_dir", tmp_path])
    assert completed.returncode == 1
    assert completed.stderr.strip() == f"error: scoring script {missing} does not exist"


def test_the_servers_own_argument_errors_exit_non_zero(tmp_path):
    completed = launcher(["--entry_script", ENTRY_SCRIPT, "--port", "0"])
    assert completed.returncode != 0


def test_uses_the_runner_azmlinfsrv_uses_on_this_platform():
    expected = "amlserver_win" if sys.platform == "win32" else "amlserver_linux"
    assert local_scoring_server.platform_runner().__name__.endswith("." + expected)
