"""The sign-in script the GitHub Actions workflows run, with stand-in ``az`` and ``curl`` on
PATH: each records its calls, ``az`` answers from a queue of replies. The Azure and GitHub
boundary is those two commands; the script runs for real in bash, alone and as the Train
workflow's wait runs it."""
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from ml_service.azureml.training import sign_in_command, wait
from ml_service.tests.stand_in_cli import install_stand_ins, write_replies
from ml_service.tests.stand_in_ml_client import StandInMLClient

REPOSITORY = Path(__file__).resolve().parents[2]
SIGN_IN_SCRIPT = REPOSITORY / ".github" / "scripts" / "oidc_sign_in.sh"
GITHUB_OIDC = {"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token",
               "ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.example/?api-version=2.0",
               "AZURE_CLIENT_ID": "client", "AZURE_TENANT_ID": "tenant",
               "AZURE_SUBSCRIPTION_ID": "subscription"}

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the scripts are bash")


@pytest.fixture
def stand_ins(tmp_path):
    """Run ``script`` (relative to the repository) with stand-in az and curl; ``replies`` maps
    an az command prefix to the outputs of its successive calls. Returns the completed process
    and every az and curl call."""
    bin_dir = tmp_path / "bin"
    install_stand_ins(bin_dir, ("az", "curl"))
    (bin_dir / "python3").symlink_to(sys.executable)
    log, replies_file = tmp_path / "calls.log", tmp_path / "replies.json"

    def run(script, replies, *args, **env):
        log.write_text("", encoding="utf-8")
        write_replies(replies_file, replies)
        completed = subprocess.run(
            ["bash", script, *args], cwd=REPOSITORY, capture_output=True, text=True, timeout=60,
            env={"PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin",
                 "STAND_IN_LOG": str(log), "AZ_REPLIES": str(replies_file), **env})
        return completed, log.read_text(encoding="utf-8").splitlines()
    return run


def test_the_wait_signs_in_again_with_the_workflows_script(monkeypatch, tmp_path):
    """Train's wait (ml_service.azureml.training wait --sign_in_command ...) runs the real
    oidc_sign_in.sh before a poll once the interval has passed; here, before every poll."""
    bin_dir, log, replies = tmp_path / "bin", tmp_path / "calls.log", tmp_path / "replies.json"
    install_stand_ins(bin_dir, ("az", "curl"))
    (bin_dir / "python3").symlink_to(sys.executable)
    log.write_text("", encoding="utf-8")
    write_replies(replies, {})
    for name, value in {**GITHUB_OIDC, "STAND_IN_LOG": str(log), "AZ_REPLIES": str(replies),
                        "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"}.items():
        monkeypatch.setenv(name, value)
    sign_in = sign_in_command(f"bash {shlex.quote(str(SIGN_IN_SCRIPT))}")
    client = StandInMLClient(statuses=["Running", "Completed"])

    status = wait(client, "job-7", 0, sign_in=sign_in, sign_in_seconds=0, sleep=lambda _: None)

    assert status == "Completed" and client.calls == [("jobs.get", "job-7")] * 2
    assert [call.split()[0:3] for call in log.read_text(encoding="utf-8").splitlines()] == [
        ["curl", "--silent", "--show-error"], ["az", "login", "--service-principal"],
        ["az", "account", "set"]] * 2


def test_sign_in_passes_a_fresh_github_token_and_never_prints_it(stand_ins):
    completed, calls = stand_ins(".github/scripts/oidc_sign_in.sh", {}, **GITHUB_OIDC)

    assert completed.returncode == 0, completed.stderr
    assert "audience=api://AzureADTokenExchange" in calls[0]
    assert "Authorization: bearer request-token" in calls[0]
    assert calls[1:] == [
        "az login --service-principal --username client --tenant tenant --federated-token "
        "oidc-token-from-github --output none",
        "az account set --subscription subscription"]
    assert "oidc-token-from-github" not in completed.stdout + completed.stderr


def test_sign_in_outside_a_job_with_id_token_write_fails_before_any_call(stand_ins):
    completed, calls = stand_ins(".github/scripts/oidc_sign_in.sh", {},
                                 **{**GITHUB_OIDC, "ACTIONS_ID_TOKEN_REQUEST_TOKEN": ""})

    assert completed.returncode != 0 and "needs id-token: write" in completed.stderr
    assert calls == []
