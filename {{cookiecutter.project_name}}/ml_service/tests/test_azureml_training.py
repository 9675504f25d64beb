"""The training steps (ml_service.azureml.training), their variables and their sign-in.

Azure is the stand-in MLClient at the named boundary; the jobs and environments the steps send
are azure-ai-ml's own, loaded from the repository's YAML.
"""
import sys
from pathlib import Path

import pytest
from azure.ai.ml import MLClient
from azure.ai.ml.operations._run_history_constants import RunHistoryConstants
from azure.identity import CredentialUnavailableError

from ml_service.azureml import settings as settings_module
from ml_service.azureml import training, workspace
from ml_service.azureml.register_data import data_path, missing_data, register
from ml_service.tests.stand_in_cli import StandInCli, reply
from ml_service.tests.stand_in_ml_client import StandInMLClient, model
from ml_service.util.job_status import FINAL_STATUSES

WORKSPACE = {"RESOURCE_GROUP": "rg", "WORKSPACE_NAME": "ws"}
SUBMIT = {**WORKSPACE, "EXPERIMENT_NAME": "exp", "RUN_EVALUATION": "true", "BUILD_ID": "42",
          "BUILD_URI": "https://dev.azure.com/org/project/_build/results?buildId=42"}
BUILD = {**WORKSPACE, "MODEL_NAME": "m.pkl", "BUILD_ID": "42"}


@pytest.fixture
def no_azure(monkeypatch, tmp_path):
    """The steps' ``main`` with no .env and an MLClient that must not be built."""
    monkeypatch.chdir(tmp_path)
    for name in (*SUBMIT, "MODEL_NAME"):
        monkeypatch.delenv(name, raising=False)

    def refuse(settings):
        raise AssertionError("the step reached for Azure before checking its variables")
    monkeypatch.setattr(training, "ml_client", refuse)
    return monkeypatch


def test_our_final_statuses_are_azure_ai_mls():
    assert sorted(FINAL_STATUSES) == sorted(RunHistoryConstants.TERMINAL_STATUSES)


def test_the_build_overrides_keep_the_job_valid_and_reach_it():
    client = StandInMLClient()
    assert training.submit(client, SUBMIT) == "job-123"
    assert client.operations() == ["environments.create_or_update", "jobs.create_or_update"]
    environment, job = (argument for _, argument in client.calls)
    assert environment.name == "{{ cookiecutter.__aml_env_name }}"
    assert job._validate().passed
    assert job.experiment_name == "exp" and job.tags == {"BuildId": "42"}
    assert {name: job.inputs[name]._data for name in ("run_evaluation", "build_id", "build_uri")
            } == {"run_evaluation": "true", "build_id": "42", "build_uri": SUBMIT["BUILD_URI"]}


def test_outside_a_ci_run_the_build_is_none():
    local = {name: value for name, value in SUBMIT.items() if not name.startswith("BUILD_")}
    values = settings_module.settings_from(local, training.REQUIRED["submit"],
                                           training.OPTIONAL["submit"])
    assert (values["BUILD_ID"], values["BUILD_URI"]) == ("none", "none")


@pytest.mark.parametrize("missing", ["RESOURCE_GROUP", "EXPERIMENT_NAME", "RUN_EVALUATION"])
def test_a_missing_variable_stops_the_step_before_azure(no_azure, missing, capsys):
    for name, value in SUBMIT.items():
        no_azure.setenv(name, value)
    no_azure.delenv(missing)
    with pytest.raises(SystemExit) as stopped:
        training.main(["submit"])
    assert str(stopped.value) == (f"ERROR: {missing} is not set: give the step these variables, "
                                  "or put them in .env (a copy of .env.example)")


def test_every_missing_variable_is_named_at_once(no_azure):
    with pytest.raises(SystemExit, match=r"^ERROR: RESOURCE_GROUP, WORKSPACE_NAME, MODEL_NAME, "
                                         r"BUILD_ID are not set"):
        training.main(["check", "job-1"])


def test_run_evaluation_must_be_a_boolean(no_azure):
    for name, value in {**SUBMIT, "RUN_EVALUATION": "yes"}.items():
        no_azure.setenv(name, value)
    with pytest.raises(SystemExit, match="RUN_EVALUATION='yes' is not a boolean"):
        training.main(["submit"])


def test_dotenv_fills_in_what_the_environment_lacks(no_azure, tmp_path):
    (tmp_path / ".env").write_text("RESOURCE_GROUP='from-dotenv'\nWORKSPACE_NAME=ws\n",
                                   encoding="utf-8")
    no_azure.setenv("WORKSPACE_NAME", "from-environment")
    values = settings_module.read_settings((), {"BUILD_ID": "none"})
    assert values == {"RESOURCE_GROUP": "from-dotenv", "WORKSPACE_NAME": "from-environment",
                      "BUILD_ID": "none"}


@pytest.mark.parametrize("argv", [[], ["wait"], ["check"], ["submit", "extra"], ["train"]])
def test_a_wrong_command_line_is_a_usage_error(no_azure, argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        training.main(argv)
    assert stopped.value.code == 2 and "usage:" in capsys.readouterr().err


def test_the_wait_polls_until_a_final_status(capsys):
    client = StandInMLClient(statuses=["NotStarted", "Running", "Running", "Failed"])
    naps = []
    assert training.wait(client, "job-7", 30, sleep=naps.append) == "Failed"
    assert client.calls == [("jobs.get", "job-7")] * 4 and naps == [30] * 3
    assert capsys.readouterr().err.splitlines() == ["job-7: NotStarted", "job-7: Running",
                                                    "job-7: Running"]


def test_the_wait_signs_in_again_before_the_session_ends():
    client = StandInMLClient(statuses=["Running", "Running", "Running", "Completed"])
    now, events = [0.0], []

    def sleep(seconds):
        now[0] += seconds

    training.wait(client, "job-7", 1000, sign_in=lambda: events.append(now[0]),
                  sign_in_seconds=2400, clock=lambda: now[0], sleep=sleep)
    assert events == [3000.0]


@pytest.mark.parametrize("status", [status for status in FINAL_STATUSES if status != "Completed"])
def test_the_check_fails_on_every_other_final_status(status):
    client = StandInMLClient(statuses=[status], models=[model(3, "42")])
    with pytest.raises(SystemExit) as stopped:
        training.check(client, "job-123", BUILD)
    assert str(stopped.value) == f"ERROR: training job job-123 ended {status}, not Completed"
    assert "models.list" not in client.operations()


def test_a_completed_job_gives_the_version_its_build_registered():
    client = StandInMLClient(models=[model(2, "41"), model(3, "42"), model(4, "43")])
    assert training.check(client, "job-123", BUILD) == "3"


def test_a_completed_job_that_registered_no_model_passes_with_a_warning(capsys):
    """Evaluation kept the production model: as in v1, the CI ends green and deploys nothing."""
    for models in (None, [model(2, "41")]):
        assert training.check(StandInMLClient(models=models), "job-123", BUILD) is None
        assert "warning: no new model: production keeps its model" in capsys.readouterr().err


def test_the_version_of_the_build_is_the_newest_it_registered():
    models = [model(9, "7"), model(10, "42"), model(12, "42"), model(11, None)]
    assert training.build_model_version(models, "42") == "12"
    assert training.build_model_version(models, "43") is None
    assert training.build_model_version([model(1, None)], "42") is None


def test_cancel_leaves_a_job_that_is_over_alone(capsys):
    finished = StandInMLClient(statuses=["Completed"])
    training.cancel(finished, "job-7")
    assert finished.operations() == ["jobs.get"]
    assert "already ended Completed" in capsys.readouterr().err
    running = StandInMLClient(statuses=["Running"])
    training.cancel(running, "job-7")
    assert running.calls[-1] == ("jobs.begin_cancel", "job-7")


def test_main_prints_what_the_pipelines_read_on_the_last_line(no_azure, capsys):
    for name, value in BUILD.items():
        no_azure.setenv(name, value)
    client = StandInMLClient(models=[model(5, "42")])
    no_azure.setattr(training, "ml_client", lambda settings: client)
    training.main(["check", "job-123"])
    assert capsys.readouterr().out.splitlines()[-1] == "5"
    training.main(["model_version"])
    assert capsys.readouterr().out.splitlines()[-1] == "5"
    no_azure.setenv("BUILD_ID", "43")
    training.main(["model_version"])
    assert capsys.readouterr().out == "\n"


def test_the_sign_in_command_keeps_stdout_for_the_answer(capfd):
    training.sign_in_command(f"{sys.executable} -c \"print('signed in')\"")()
    out, err = capfd.readouterr()
    assert out == "" and err.strip() == "signed in"


def test_the_subscription_is_the_azure_clis(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(workspace.SignInError, match="not on PATH"):
        workspace.cli_subscription()
    az = StandInCli(tmp_path / "az", answers=[reply("az account show", "0000-sub")])
    monkeypatch.setenv("PATH", str(az.bin))
    assert workspace.cli_subscription() == "0000-sub"
    assert [call["argv"] for call in az.calls()] == [
        ["az", "account", "show", "--query", "id", "--output", "tsv"]]

    signed_out = StandInCli(tmp_path / "signed-out", signed_in=False)
    monkeypatch.setenv("PATH", str(signed_out.bin))
    with pytest.raises(workspace.SignInError, match=r"^the Azure CLI has no subscription \(ERROR: "
                                                    r"Please run 'az login' to setup account\.\): "
                                                    "run az login"):
        workspace.cli_subscription()


def test_the_client_is_azure_ai_mls_for_the_clis_subscription(monkeypatch, tmp_path):
    """The one real MLClient the steps build: it starts offline; only its first call signs in."""
    az = StandInCli(tmp_path / "az", answers=[reply("az account show", "0000-sub")])
    monkeypatch.setenv("PATH", str(az.bin))
    client = workspace.ml_client(WORKSPACE)
    assert isinstance(client, MLClient)
    assert (client.subscription_id, client.resource_group_name, client.workspace_name) == (
        "0000-sub", "rg", "ws")


def test_no_sign_in_is_one_line_saying_what_to_do():
    with pytest.raises(SystemExit) as stopped, workspace.signed_in():
        raise CredentialUnavailableError(message="Please run 'az login' to set up an account")
    assert str(stopped.value) == (
        "ERROR: signing in to Azure failed (CredentialUnavailableError: Please run 'az login' to "
        "set up an account): run az login, or run this in a pipeline step signed in to Azure")
    with pytest.raises(SystemExit) as stopped, workspace.signed_in():
        raise workspace.SignInError("the Azure CLI (az) is not on PATH: install it")
    assert str(stopped.value) == "ERROR: the Azure CLI (az) is not on PATH: install it"


def test_the_data_asset_is_data_yml_and_its_csv_is_checked_first(tmp_path):
    path = data_path()
    assert path == (Path(settings_module.AZUREML_DIR).parents[1] / "data"
                    / "porto_seguro_safe_driver_prediction_input.csv")
    assert missing_data(tmp_path / "absent.csv").startswith(f"{tmp_path / 'absent.csv'} does "
                                                            "not exist: put your copy")
    (tmp_path / "data.csv").write_text("id,target\n", encoding="utf-8")
    assert missing_data(tmp_path / "data.csv") is None
    client = StandInMLClient()
    assert register(client) == ("{{ cookiecutter.dataset_name }}", "3")
    [(operation, data)] = client.calls
    assert operation == "data.create_or_update" and data.type == "uri_file"
