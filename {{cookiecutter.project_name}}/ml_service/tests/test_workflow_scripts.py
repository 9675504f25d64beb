"""The scripts the GitHub Actions workflows run, with stand-in ``az`` and ``curl`` on PATH: each
records its calls, ``az`` answers from a queue of replies. The Azure and GitHub boundary is those
two commands; the scripts themselves run for real in bash."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ml_service.tests.stand_in_cli import install_stand_ins, write_replies

REPOSITORY = Path(__file__).resolve().parents[2]
GITHUB_OIDC = {"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token",
               "ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.example/?api-version=2.0",
               "AZURE_CLIENT_ID": "client", "AZURE_TENANT_ID": "tenant",
               "AZURE_SUBSCRIPTION_ID": "subscription"}
WORKSPACE = {"RESOURCE_GROUP": "rg", "WORKSPACE_NAME": "ws"}

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


def test_the_wait_polls_until_a_final_status_and_prints_it(stand_ins):
    completed, calls = stand_ins(
        ".github/scripts/wait_for_training_job.sh",
        {"ml job show": ["NotStarted", "Running", "Running", "Failed"]}, "job-7",
        POLL_SECONDS="0", **WORKSPACE)

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "Failed"
    assert calls == ["az ml job show --name job-7 --resource-group rg --workspace-name ws "
                     "--query status --output tsv"] * 4
    assert completed.stderr.splitlines() == ["job-7: NotStarted", "job-7: Running",
                                             "job-7: Running"]


def test_the_wait_signs_in_again_before_the_session_ends(stand_ins):
    completed, calls = stand_ins(
        ".github/scripts/wait_for_training_job.sh", {"ml job show": ["Running", "Completed"]},
        "job-7", POLL_SECONDS="0", SIGN_IN_SECONDS="0", **WORKSPACE, **GITHUB_OIDC)

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "Completed"
    assert [call.split()[0:3] for call in calls] == [
        ["curl", "--silent", "--show-error"], ["az", "login", "--service-principal"],
        ["az", "account", "set"], ["az", "ml", "job"]] * 2


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


def test_the_endpoint_name_of_each_environment_wins_over_the_yaml(stand_ins):
    completed, calls = stand_ins(
        "ml_service/azureml/scripts/deploy_online_endpoint.sh", {"ml model list": ["3"]},
        MODEL_NAME="m.pkl", BUILD_ID="42", ENDPOINT_NAME="team-ep-qa", DEPLOYMENT_NAME="blue",
        **WORKSPACE)

    assert completed.returncode == 0, completed.stderr
    creates = [call for call in calls if " create " in call]
    assert [call.split(" --")[0] for call in creates] == [
        "az ml online-endpoint create", "az ml online-deployment create"]
    assert "--name team-ep-qa" in creates[0] and "--endpoint-name team-ep-qa" in creates[1]
