"""The online endpoint steps (ml_service.azureml.online_endpoint) against the stand-in MLClient;
the endpoint and deployment they send are azure-ai-ml's, loaded from the repository's YAML."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ml_service.azureml import online_endpoint
from ml_service.tests.stand_in_ml_client import StandInMLClient, model

REPOSITORY = Path(__file__).resolve().parents[2]
DEPLOY = {"RESOURCE_GROUP": "rg", "WORKSPACE_NAME": "ws", "MODEL_NAME": "m.pkl",
          "BUILD_ID": "42", "ENDPOINT_NAME": "team-ep", "DEPLOYMENT_NAME": "blue"}


@pytest.mark.parametrize("current, expected", [
    (None, {"blue": 100}),
    ({}, {"blue": 100}),
    ({"green": 100}, {"blue": 100}),
    ({"blue": 50, "green": 50}, {"blue": 100}),
    ({"blue": 100}, None),
    ({"blue": 100, "green": 0}, None),
])
def test_all_the_traffic_goes_to_the_deployment(current, expected):
    assert online_endpoint.traffic_change(current, "blue") == expected


def test_the_first_deployment_creates_the_endpoint_and_gives_it_all_the_traffic(capsys):
    client = StandInMLClient(models=[model(3, "42")])
    assert online_endpoint.deploy(client, DEPLOY) == "azureml:m.pkl:3"
    assert client.operations() == [
        "models.list", "online_endpoints.get", "online_endpoints.begin_create_or_update",
        "online_deployments.begin_create_or_update", "online_endpoints.begin_create_or_update"]
    created, deployment, routed = (argument for _, argument in client.calls[2:])
    assert created.name == "team-ep" and created.auth_mode == "key"
    # azure-ai-ml holds the reference azureml:m.pkl:3 without its prefix.
    assert (deployment.name, deployment.endpoint_name, deployment.model) == (
        "blue", "team-ep", "m.pkl:3")
    assert deployment.instance_type == "Standard_DS2_v2"
    assert routed.traffic == {"blue": 100}
    assert capsys.readouterr().out == "Deployed azureml:m.pkl:3 to team-ep/blue\n"


def test_a_later_deployment_updates_it_and_leaves_the_endpoint_as_it_is():
    client = StandInMLClient(models=[model(4, "42")], endpoint_traffic={"blue": 100})
    online_endpoint.deploy(client, DEPLOY)
    assert client.operations() == ["models.list", "online_endpoints.get",
                                   "online_deployments.begin_create_or_update"]
    assert client.calls[-1][1].model == "m.pkl:4"


def test_traffic_moves_to_the_deployment_when_another_one_had_it():
    client = StandInMLClient(models=[model(4, "42")], endpoint_traffic={"green": 100})
    online_endpoint.deploy(client, DEPLOY)
    assert client.operations()[-1] == "online_endpoints.begin_create_or_update"
    assert client.endpoint.traffic == {"blue": 100}


def test_the_endpoint_name_of_each_environment_wins_over_the_yaml():
    """GitHub Actions deploys to a QA endpoint first, with the same two files."""
    client = StandInMLClient(models=[model(3, "42")])
    online_endpoint.deploy(client, {**DEPLOY, "ENDPOINT_NAME": "team-ep-qa"})
    created, deployment = client.calls[2][1], client.calls[3][1]
    assert created.name == deployment.endpoint_name == "team-ep-qa"


def test_nothing_is_deployed_and_all_is_well_without_a_model_from_the_build(capsys):
    client = StandInMLClient(models=[model(3, "41")])
    assert online_endpoint.deploy(client, DEPLOY) is None
    assert client.operations() == ["models.list"]
    assert capsys.readouterr().out.startswith("No new model: build 42 registered no m.pkl")


def test_the_smoke_test_gets_the_key_in_its_environment_not_its_arguments():
    client = StandInMLClient(endpoint_traffic={"blue": 100}, key="s3cret",
                             scoring_uri="http://127.0.0.1:9/score")
    started = []

    def run(args, env):
        started.append(args)
        return subprocess.run(args, env=env, cwd=REPOSITORY, capture_output=True, text=True,
                              timeout=60)
    code = online_endpoint.smoke_test(client, {"ENDPOINT_NAME": "team-ep"},
                                      ["--attempts", "1"], run=run)
    # Port 9 answers nothing: the real smoke test starts on the endpoint's URL and cannot connect.
    assert code != 0
    [args] = started
    assert args[:3] == [sys.executable, "-m", "ml_service.util.smoke_test_scoring_service"]
    assert args[3:] == ["--type", "URL", "--service", "http://127.0.0.1:9/score",
                        "--attempts", "1"]
    assert not any("s3cret" in arg for arg in args)
    assert ("online_endpoints.get_keys", "team-ep") in client.calls


def test_the_smoke_test_passes_the_key_it_was_given(monkeypatch):
    client = StandInMLClient(endpoint_traffic={"blue": 100}, key="s3cret")
    seen = {}

    def run(args, env):
        seen.update(key=env["SCORING_KEY"], path=env.get("PATH"))
        return subprocess.CompletedProcess(args, 0)
    assert online_endpoint.smoke_test(client, {"ENDPOINT_NAME": "e"}, [], run=run) == 0
    assert seen == {"key": "s3cret", "path": os.environ.get("PATH")}


def test_delete_removes_the_endpoint():
    client = StandInMLClient(endpoint_traffic={"blue": 100})
    online_endpoint.delete(client, "team-ep")
    assert client.calls == [("online_endpoints.begin_delete", "team-ep")]


def test_only_the_smoke_test_takes_other_options(capsys):
    args, smoke_args = online_endpoint.parse_args(["smoke_test", "--attempts", "20"])
    assert (args.command, smoke_args) == ("smoke_test", ["--attempts", "20"])
    with pytest.raises(SystemExit) as stopped:
        online_endpoint.parse_args(["deploy", "--attempts", "20"])
    assert stopped.value.code == 2
    assert "unrecognized arguments: --attempts 20" in capsys.readouterr().err


def test_deploy_checks_every_variable_before_azure(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in DEPLOY:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(online_endpoint, "ml_client", pytest.fail)
    with pytest.raises(SystemExit, match="^ERROR: RESOURCE_GROUP, WORKSPACE_NAME, ENDPOINT_NAME, "
                                         "MODEL_NAME, BUILD_ID, DEPLOYMENT_NAME are not set"):
        online_endpoint.main(["deploy"])
