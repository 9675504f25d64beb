"""The Azure ML CLI scripts the pipelines run, with a fake ``az`` on PATH that answers from a
script of replies and records every call: the Azure boundary is the ``az`` command itself."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ml_service.tests.stand_in_cli import install_stand_ins, write_replies

SCRIPTS = Path(__file__).resolve().parents[1] / "azureml" / "scripts"
REPOSITORY = SCRIPTS.parents[2]
WORKSPACE = {"RESOURCE_GROUP": "rg", "WORKSPACE_NAME": "ws"}


@pytest.fixture
def fake_az(tmp_path):
    """Run a script with ``az`` answering ``replies`` (command prefix -> stdout); returns the
    completed process and the ``az`` calls it made."""
    bin_dir = tmp_path / "bin"
    install_stand_ins(bin_dir, ("az",))
    # The scripts' python is this one, with the project's requirements.
    (bin_dir / "python").symlink_to(sys.executable)
    log, replies_file = tmp_path / "az.log", tmp_path / "replies.json"

    def run(script, replies, *args, **env):
        log.write_text("", encoding="utf-8")
        write_replies(replies_file, {prefix: [reply] for prefix, reply in replies.items()})
        completed = subprocess.run(
            ["bash", str(SCRIPTS / script), *args], cwd=REPOSITORY, capture_output=True,
            text=True, timeout=60,
            env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "STAND_IN_LOG": str(log),
                 "AZ_REPLIES": str(replies_file), **WORKSPACE, **env})
        return completed, [call.removeprefix("az ")
                           for call in log.read_text(encoding="utf-8").splitlines()]
    return run


def test_submit_registers_the_environment_then_submits_with_the_builds_inputs(fake_az):
    completed, calls = fake_az("submit_training_job.sh", {"ml job create": "job-123"},
                               EXPERIMENT_NAME="exp", RUN_EVALUATION="true", BUILD_ID="42",
                               BUILD_URI="https://dev.azure.com/x/42")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "job-123"
    assert calls[1].startswith("ml environment create --file")
    submit = calls[2]
    for expected in ("ml job create --file", "pipeline.yml", "--resource-group rg",
                     "--workspace-name ws", "experiment_name=exp", "inputs.run_evaluation=true",
                     "inputs.build_id=42", "inputs.build_uri=https://dev.azure.com/x/42",
                     "tags.BuildId=42", "--query name"):
        assert expected in submit


def test_the_pinned_ml_extension_is_installed_when_another_version_is_there(fake_az):
    _, calls = fake_az("model_version.sh", {"extension show": "2.30.0"}, MODEL_NAME="m",
                       BUILD_ID="42")
    assert calls[1] == "extension add --name ml --version 2.33.1 --upgrade --yes --output none"


@pytest.mark.parametrize("missing", ["RESOURCE_GROUP", "EXPERIMENT_NAME", "RUN_EVALUATION"])
def test_a_missing_variable_stops_the_script_before_any_call(fake_az, missing):
    variables = {"EXPERIMENT_NAME": "exp", "RUN_EVALUATION": "true", missing: ""}
    completed, calls = fake_az("submit_training_job.sh", {}, **variables)
    assert completed.returncode != 0 and f"{missing}: is not set" in completed.stderr
    assert calls == []


@pytest.mark.parametrize("status", ["Failed", "Canceled", "NotResponding", ""])
def test_the_check_fails_on_anything_but_completed(fake_az, status):
    completed, _ = fake_az("check_training_job.sh", {"ml job show": status,
                                                     "ml model list": "3"},
                           "job-123", MODEL_NAME="m", BUILD_ID="42")
    assert completed.returncode == 1
    assert f"training job job-123 ended {status}, not Completed" in completed.stderr


def test_a_completed_job_that_registered_no_model_passes_with_a_warning(fake_az):
    """Evaluation kept the production model: as in v1, the CI ends green and deploys nothing."""
    completed, calls = fake_az("check_training_job.sh", {"ml job show": "Completed"},
                               "job-123", MODEL_NAME="m", BUILD_ID="42")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == ""
    assert "warning: no new model: production keeps its model" in completed.stderr
    assert "[?tags.BuildId=='42'].version | [0]" in calls[-1]


def test_the_check_prints_the_registered_version(fake_az):
    completed, _ = fake_az("check_training_job.sh", {"ml job show": "Completed",
                                                     "ml model list": "3"},
                           "job-123", MODEL_NAME="m", BUILD_ID="42")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "3"


DEPLOY_ENV = {"MODEL_NAME": "m.pkl", "BUILD_ID": "42", "ENDPOINT_NAME": "team-ep",
              "DEPLOYMENT_NAME": "blue"}


def test_the_first_deployment_creates_the_endpoint_and_takes_all_traffic(fake_az):
    completed, calls = fake_az("deploy_online_endpoint.sh", {"ml model list": "3"},
                               **DEPLOY_ENV)
    assert completed.returncode == 0, completed.stderr
    made = [call.split(" --")[0] for call in calls if " create " in f" {call} "]
    assert made == ["ml online-endpoint create", "ml online-deployment create"]
    deployment = next(call for call in calls if call.startswith("ml online-deployment create"))
    assert "--set model=azureml:m.pkl:3 --all-traffic" in deployment


def test_a_later_deployment_updates_and_sets_the_traffic_explicitly(fake_az):
    completed, calls = fake_az("deploy_online_endpoint.sh", {
        "ml model list": "4", "ml online-endpoint list": "team-ep",
        "ml online-deployment list": "blue"}, **DEPLOY_ENV)
    assert completed.returncode == 0, completed.stderr
    assert not any(" create " in f" {call} " for call in calls)
    assert any(call.startswith("ml online-deployment update") and "azureml:m.pkl:4" in call
               for call in calls)
    assert any(call.startswith("ml online-endpoint update --name team-ep")
               and "--traffic blue=100" in call for call in calls)


def test_nothing_is_deployed_and_all_is_well_without_a_model_from_the_build(fake_az):
    completed, calls = fake_az("deploy_online_endpoint.sh", {}, **DEPLOY_ENV)
    assert completed.returncode == 0, completed.stderr
    assert "No new model: build 42 registered no m.pkl" in completed.stdout
    assert not any("online-" in call for call in calls)


def test_the_smoke_test_sends_the_key_in_its_environment_not_its_arguments(fake_az, tmp_path):
    completed, calls = fake_az("smoke_test_online_endpoint.sh", {
        "ml online-endpoint show": "http://127.0.0.1:9/score",
        "ml online-endpoint get-credentials": "s3cret"}, "--attempts", "1",
        ENDPOINT_NAME="team-ep")
    # Port 9 answers nothing: the smoke test starts, on the endpoint's URL, and cannot connect.
    assert completed.returncode != 0
    assert completed.stderr.startswith("ERROR: ") and "http://127.0.0.1:9/score" in completed.stderr
    assert not any("s3cret" in call for call in calls)
