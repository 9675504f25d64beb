"""The local MLOps loop on real parts: ``make train``, ``make serve``, ``make smoke``.

A copy of the default bake is trained through its own command line (on the workshop sample,
placed where a team puts its data, when it exists here; on synthetic data otherwise), served by
Azure ML's own inference server through the launcher ``make serve`` runs, smoke-tested with the
CD pipeline's script, then sent bad requests, each of which must get a 4xx with a message while
the server keeps answering.
"""
import json
import math
from pathlib import Path

import pytest
import requests

from tests.support.bakes import SHARED_SAMPLE_CSV, writable_copy
from tests.support.commands import SINGLE_THREAD, run_make, run_python
from tests.support.local_server import (LOOPBACK, TEAM_DATA, LocalServer, free_loopback_port,
                                        make_command, make_commands, place_team_data)

pytestmark = pytest.mark.slow

SYNTHETIC_DATA = Path("data") / "synthetic_training_data.csv"
REQUEST_TIMEOUT_SECONDS = 30
TEN_MEGABYTES = 10 * 1024 * 1024
WEBAPP_KEY = "local-webapp-key"


@pytest.fixture(scope="module")
def project(default_project, tmp_path_factory):
    # Training writes into the repository: a copy keeps the shared bake clean.
    return writable_copy(default_project, tmp_path_factory.mktemp("loop"))


@pytest.fixture(scope="module")
def training_data(project):
    """The data ``make train`` picks: the workshop sample at TEAM_DATA when it exists here."""
    if SHARED_SAMPLE_CSV.exists():
        place_team_data(project, SHARED_SAMPLE_CSV)
        return TEAM_DATA
    return SYNTHETIC_DATA


@pytest.fixture(scope="module")
def trained_project(project, training_data):
    run_make(project, "train")
    return project


@pytest.fixture(scope="module")
def server(trained_project, tmp_path_factory):
    """The server as ``make serve`` runs it, on a free loopback port; stopped even on failure."""
    home = tmp_path_factory.mktemp("home")
    command = make_command(trained_project, "serve", PORT=free_loopback_port())
    local_server = LocalServer(command, trained_project, home, home / "server.log",
                               env=SINGLE_THREAD)
    try:
        with local_server:
            yield local_server
    finally:
        assert local_server.wait_group_gone(), f"processes left running:\n{local_server.log()}"


@pytest.fixture(scope="module")
def keyed_server(trained_project, tmp_path_factory):
    """The same server with the Web App's app setting SCORING_KEY in its environment."""
    home = tmp_path_factory.mktemp("keyed-home")
    command = make_command(trained_project, "serve", PORT=free_loopback_port())
    local_server = LocalServer(command, trained_project, home, home / "server.log",
                               env={**SINGLE_THREAD, "SCORING_KEY": WEBAPP_KEY})
    try:
        with local_server:
            yield local_server
    finally:
        assert local_server.wait_group_gone(), f"processes left running:\n{local_server.log()}"


def sample_request(project):
    path = project / project.name / "scoring" / "sample_request.json"
    return json.loads(path.read_text(encoding="utf-8"))


def assert_scores_sample(server, project):
    response = requests.post(server.url + "/score", json=sample_request(project),
                             timeout=REQUEST_TIMEOUT_SECONDS)
    assert response.status_code == 200, response.text
    scores = response.json()["result"]
    assert len(scores) == 2 and all(0 <= score <= 1 and not math.isnan(score) for score in scores)


def training_data_option(project, **variables):
    """The ``--data`` value of the training command ``make train`` would run; nothing runs."""
    train = make_commands(project, "train", **variables)[-1]
    return train[train.index("--data") + 1]


def test_train_prefers_given_data_then_the_team_file_then_synthetic(default_project, tmp_path):
    project = writable_copy(default_project, tmp_path)
    assert training_data_option(project) == str(SYNTHETIC_DATA)
    (project / TEAM_DATA).parent.mkdir(exist_ok=True)
    (project / TEAM_DATA).write_text("id,target\n", encoding="utf-8")
    assert training_data_option(project) == str(TEAM_DATA)
    other = tmp_path / "other.csv"
    other.write_text("id,target\n", encoding="utf-8")
    assert training_data_option(project, DATA=other) == str(other)


def test_make_train_writes_the_model_from_the_chosen_data(
        trained_project, training_data, default_context):
    model_dir = trained_project / "outputs"
    assert (model_dir / default_context["__model_name"]).is_file()
    summary = json.loads((model_dir / "metrics.json").read_text(encoding="utf-8"))
    with (trained_project / training_data).open(encoding="utf-8") as data:
        data_rows = sum(1 for _ in data) - 1
    assert summary["train_rows"] + summary["valid_rows"] == data_rows
    assert 0.5 < summary["auc"] <= 1.0


def test_make_serve_without_a_model_says_to_train_first(
        default_project, default_context, tmp_path):
    completed = run_make(default_project, "serve", check=False, MODEL_DIR=tmp_path)
    assert completed.returncode != 0
    model_file = tmp_path / default_context["__model_name"]
    assert completed.stderr.splitlines()[0] == (
        f"error: no model at {model_file}: run 'make train' first")


def test_server_listens_on_loopback_only(server):
    assert f"Listening at: http://{LOOPBACK}:{server.port} " in server.log()
    assert "0.0.0.0" not in server.log()


def test_make_serve_starts_without_logging_an_error(server, default_context):
    # The server names the model from its folder: a folder that also held metrics.json and the
    # figures logged "Error while fetching model IDs" at start-up.
    log = server.log()
    assert "Error" not in log and "Traceback" not in log, log
    model = default_context["__model_name"]
    assert f"azureml-models/{model}/1" in log, "serves the model as Azure ML mounts it"


def test_make_smoke_without_a_server_says_to_run_make_serve(default_project):
    completed = run_make(default_project, "smoke", check=False, PORT=free_loopback_port())
    assert completed.returncode != 0
    # The script's one line, then make's own report of the failed target.
    [message] = [line for line in completed.stderr.splitlines() if line.startswith("ERROR: ")]
    assert message.startswith("ERROR: nothing is listening at http://127.0.0.1:")
    assert "'make serve'" in message


def test_make_smoke_passes_against_the_local_server(server, trained_project):
    completed = run_make(trained_project, "smoke", PORT=server.port)
    assert "Smoke test passed" in completed.stdout


BAD_REQUEST_KINDS = ["not JSON", "no data", "wrong row length", "strings", "empty list",
                     "10 MB body", "wrong content type"]


def bad_request(kind, sample):
    """``requests.post`` keyword arguments of one kind of bad request, built from the sample."""
    row = sample["data"][0]
    row_bytes = len(json.dumps(row)) + len(", ")
    requests_by_kind = {
        "not JSON": {"data": b"this is not JSON",
                     "headers": {"Content-Type": "application/json"}},
        "no data": {"json": {"rows": sample["data"]}},
        "wrong row length": {"json": {"data": [row[:-1]]}},
        "strings": {"json": {"data": [["a"] * len(row)]}},
        "empty list": {"json": {"data": []}},
        # Well-formed rows, so that only the size is wrong.
        "10 MB body": {"json": {"data": [row] * (TEN_MEGABYTES // row_bytes + 1)}},
        "wrong content type": {"data": json.dumps(sample).encode("utf-8"),
                               "headers": {"Content-Type": "text/plain"}},
    }
    return requests_by_kind[kind]


@pytest.mark.parametrize("kind", BAD_REQUEST_KINDS)
def test_bad_request_gets_4xx_with_a_message_and_the_server_keeps_answering(
        server, trained_project, kind):
    request = bad_request(kind, sample_request(trained_project))
    response = requests.post(server.url + "/score", timeout=REQUEST_TIMEOUT_SECONDS, **request)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert response.json()["message"], response.text[:300]
    assert_scores_sample(server, trained_project)


def test_a_server_with_the_web_apps_key_refuses_a_call_without_it(keyed_server, trained_project):
    """The Web App's container (SCORING_KEY set) answers 401 to a caller without the key; the
    CD's smoke test of a Web App, given the key as the CD step gives it, passes; with a stale
    key it fails at once."""
    url = keyed_server.url + "/score"
    refused = requests.post(url, json=sample_request(trained_project),
                            timeout=REQUEST_TIMEOUT_SECONDS)
    assert refused.status_code == 401, refused.text
    assert "needs its key" in refused.json()["message"]

    smoke = ["-m", "ml_service.util.smoke_test_scoring_service", "--type", "Webapp",
             "--service", url, "--attempts", "2", "--delay", "0.1"]
    passed = run_python(smoke, trained_project, env={"SCORING_KEY": WEBAPP_KEY})
    assert "Smoke test passed" in passed.stdout
    stale = run_python(smoke, trained_project, env={"SCORING_KEY": "stale"}, check=False)
    assert stale.returncode == 1 and "HTTP 401" in stale.stderr
