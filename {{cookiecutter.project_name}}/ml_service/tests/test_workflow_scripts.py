"""The sign-in script the GitHub Actions workflows run, with the stand-in ``az`` and ``curl`` on
PATH (``stand_in_cli``): each records its calls, ``curl`` answers as GitHub's token endpoint and
``az`` signs in. The Azure and GitHub boundary is those two commands; the script runs for real in
bash, alone and as the Train workflow's wait runs it."""
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from ml_service.azureml.training import sign_in_command, wait
from ml_service.tests.stand_in_cli import StandInCli, reply
from ml_service.tests.stand_in_ml_client import StandInMLClient

REPOSITORY = Path(__file__).resolve().parents[2]
SIGN_IN_SCRIPT = REPOSITORY / ".github" / "scripts" / "oidc_sign_in.sh"
GITHUB_OIDC = {"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token",
               "ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.example/?api-version=2.0",
               "AZURE_CLIENT_ID": "client", "AZURE_TENANT_ID": "tenant",
               "AZURE_SUBSCRIPTION_ID": "subscription"}

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the scripts are bash")


@pytest.fixture
def cli(tmp_path):
    """``az`` and ``curl`` as the stand-in: GitHub's token endpoint answers with a token, and
    every az call succeeds."""
    cli = StandInCli(tmp_path / "cli", names=("az", "curl"),
                     answers=[reply("curl", {"value": "oidc-token-from-github"}), reply("az")])
    (cli.bin / "python3").symlink_to(sys.executable)
    return cli


def commands(cli):
    return [shlex.join(call["argv"]) for call in cli.calls()]


def run_sign_in(cli, **env):
    return subprocess.run(
        ["bash", str(SIGN_IN_SCRIPT)], cwd=REPOSITORY, capture_output=True, text=True,
        timeout=60, env={"PATH": f"{cli.bin}{os.pathsep}/usr/bin{os.pathsep}/bin", **env})


def test_the_wait_signs_in_again_with_the_workflows_script(cli, monkeypatch):
    """Train's wait (ml_service.azureml.training wait --sign_in_command ...) runs the real
    oidc_sign_in.sh before a poll once the interval has passed; here, before every poll."""
    for name, value in {**GITHUB_OIDC,
                        "PATH": f"{cli.bin}{os.pathsep}/usr/bin{os.pathsep}/bin"}.items():
        monkeypatch.setenv(name, value)
    sign_in = sign_in_command(f"bash {shlex.quote(str(SIGN_IN_SCRIPT))}")
    client = StandInMLClient(statuses=["Running", "Completed"])

    status = wait(client, "job-7", 0, sign_in=sign_in, sign_in_seconds=0, sleep=lambda _: None)

    assert status == "Completed" and client.calls == [("jobs.get", "job-7")] * 2
    assert [call["argv"][:3] for call in cli.calls()] == [
        ["curl", "--silent", "--show-error"], ["az", "login", "--service-principal"],
        ["az", "account", "set"]] * 2


def test_sign_in_passes_a_fresh_github_token_and_never_prints_it(cli):
    completed = run_sign_in(cli, **GITHUB_OIDC)

    assert completed.returncode == 0, completed.stderr
    calls = commands(cli)
    assert "audience=api://AzureADTokenExchange" in calls[0]
    assert "'Authorization: bearer request-token'" in calls[0]
    assert calls[1:] == [
        "az login --service-principal --username client --tenant tenant --federated-token "
        "oidc-token-from-github --output none",
        "az account set --subscription subscription"]
    assert "oidc-token-from-github" not in completed.stdout + completed.stderr


def test_sign_in_outside_a_job_with_id_token_write_fails_before_any_call(cli):
    completed = run_sign_in(cli, **{**GITHUB_OIDC, "ACTIONS_ID_TOKEN_REQUEST_TOKEN": ""})

    assert completed.returncode != 0 and "needs id-token: write" in completed.stderr
    assert cli.calls() == []
