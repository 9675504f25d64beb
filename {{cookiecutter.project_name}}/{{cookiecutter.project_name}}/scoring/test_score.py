import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import joblib
import lightgbm
import pandas as pd
import pytest

from {{ cookiecutter.project_name }}.scoring import score

SCORING_DIR = Path(__file__).resolve().parent
SAMPLE_REQUEST = SCORING_DIR / "sample_request.json"
ROW = json.loads(SAMPLE_REQUEST.read_text(encoding="utf-8"))["data"][0]


@pytest.fixture
def loaded(model_dir, monkeypatch):
    """score.py after init(), with the test model where Azure ML would mount it."""
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(model_dir))
    score.init()
    return score


def body(response):
    return json.loads(response.get_data(as_text=True))


def test_finds_the_model_in_a_flat_folder(model_dir):
    assert score.find_model_file(model_dir) == model_dir / score.MODEL_FILE_NAME


def test_finds_the_highest_version_in_the_azure_ml_layout(tmp_path, trained_model):
    for version in ("2", "10"):
        folder = tmp_path / "azureml-models" / score.MODEL_FILE_NAME / version
        folder.mkdir(parents=True)
        joblib.dump(trained_model, folder / score.MODEL_FILE_NAME)
    expected = tmp_path / "azureml-models" / score.MODEL_FILE_NAME / "10" / score.MODEL_FILE_NAME
    assert score.find_model_file(tmp_path) == expected
    assert score.find_model_file(expected.parent) == expected


def test_a_missing_model_is_one_clear_error(tmp_path):
    (tmp_path / "other.pkl").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match=r"no .*\.pkl under .*; found: \['other.pkl'\]"):
        score.find_model_file(tmp_path)


def test_init_needs_the_model_folder(monkeypatch):
    monkeypatch.delenv("AZUREML_MODEL_DIR", raising=False)
    with pytest.raises(RuntimeError, match="AZUREML_MODEL_DIR is not set"):
        score.init()


def test_scores_the_sample_request_rows_as_probabilities(loaded, capsys):
    result = loaded.run(SAMPLE_REQUEST.read_text(encoding="utf-8"))
    assert len(result["result"]) == 2
    assert all(0 <= probability <= 1 for probability in result["result"])
    assert '"NumberOfPredictions": 2' in capsys.readouterr().out


def test_the_trace_line_carries_the_request_ids(loaded, capsys):
    headers = {"X-Ms-Request-Id": "request-1", "Traceparent": "00-abc-def-00"}
    loaded.run(json.dumps({"data": [ROW]}), headers)
    trace = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert trace == {"RequestId": "request-1", "TraceParent": "00-abc-def-00",
                     "NumberOfPredictions": 1}


@pytest.mark.parametrize("raw_data, message", [
    ("not json", "the body is not JSON"),
    ("[1, 2]", 'the JSON has no "data"'),
    ('{"rows": [[1]]}', 'the JSON has no "data"'),
    ('{"data": []}', '"data" must be a non-empty list of rows'),
    ('{"data": "1,2,3"}', '"data" must be a non-empty list of rows'),
    ('{"data": [1, 2, 3]}', "row 0 is not a list of 57 numbers"),
    (json.dumps({"data": [ROW, ROW[:-1]]}), "row 1 has 56 values; the model expects 57 features"),
    (json.dumps({"data": [ROW + [0]]}), "row 0 has 58 values; the model expects 57 features"),
    (json.dumps({"data": [["a"] * 57]}), "row 0 has a value that is not a finite number"),
    (json.dumps({"data": [[True] * 57]}), "row 0 has a value that is not a finite number"),
    (json.dumps({"data": [[None] * 57]}), "row 0 has a value that is not a finite number"),
    (json.dumps({"data": [[float("nan")] * 57]}), "row 0 has a value that is not a finite number"),
])
def test_bad_input_is_a_400_with_a_clear_message(loaded, raw_data, message):
    response = loaded.run(raw_data)
    assert response.status_code == 400
    assert body(response)["message"].startswith(message)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_declared_json_is_a_415(loaded, content_type):
    response = loaded.run(json.dumps({"data": [ROW]}), {"Content-Type": content_type})
    assert response.status_code == 415
    assert body(response)["message"] == (
        f"the content type is {content_type!r}; send application/json")


def test_json_with_a_charset_is_scored(loaded):
    headers = {"Content-Type": "application/json; charset=utf-8"}
    assert len(loaded.run(json.dumps({"data": [ROW]}), headers)["result"]) == 1


def test_a_body_over_the_limit_is_a_413(loaded):
    raw_data = json.dumps({"data": [ROW] * (loaded.MAX_BODY_CHARACTERS // len(str(ROW)) + 1)})
    response = loaded.run(raw_data, {"Content-Type": "application/json"})
    assert response.status_code == 413
    assert body(response)["message"].startswith(f"the body has {len(raw_data)} characters")


def test_the_row_length_comes_from_the_model(tmp_path, monkeypatch):
    data = lightgbm.Dataset(pd.DataFrame({"a": range(40), "b": range(40)}), label=[0, 1] * 20)
    joblib.dump(lightgbm.train({"num_threads": 1, "verbose": -1, "objective": "binary"}, data,
                               num_boost_round=2), tmp_path / score.MODEL_FILE_NAME)
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(tmp_path))
    score.init()
    assert len(score.run('{"data": [[1, 2]]}')["result"]) == 1
    assert body(score.run(json.dumps({"data": [ROW]})))["message"] == (
        "row 0 has 57 values; the model expects 2 features")


def server_answers(model_dir, tmp_path, requests, **environment):
    """(status, JSON) of each ``(body, headers)`` POSTed to /score of the real
    azureml-inference-server-http app, in a fresh process as it reads its settings."""
    # The server turns print() into log lines, so the answers go to a file.
    client_script = textwrap.dedent("""
        import json, sys
        from azureml_inference_server_http.server.create_app import create
        client = create().test_client()
        answers = [client.post("/score", data=body, headers=headers,
                               content_type="application/json")
                   for body, headers in json.loads(sys.argv[2])]
        with open(sys.argv[1], "w", encoding="utf-8") as output:
            json.dump([[answer.status_code, answer.get_json()] for answer in answers], output)
    """)
    environment = {**os.environ, "AZUREML_ENTRY_SCRIPT": str(SCORING_DIR / "score.py"),
                   "AZUREML_MODEL_DIR": str(model_dir), "OMP_NUM_THREADS": "1", **environment}
    answers_file = tmp_path / "answers.json"
    completed = subprocess.run([sys.executable, "-c", client_script, str(answers_file),
                                json.dumps(requests)], cwd=SCORING_DIR, env=environment,
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return json.loads(answers_file.read_text())


@pytest.mark.slow
def test_the_inference_server_answers_400_not_500(model_dir, tmp_path):
    sample = SAMPLE_REQUEST.read_text(encoding="utf-8")
    answers = server_answers(model_dir, tmp_path, [
        (sample, {}), ("not json", {}), ('{"data": [[1, 2]]}', {})])
    (ok, good), (bad_json, not_json), (bad_row, short_row) = answers
    assert ok == 200 and len(good["result"]) == 2
    assert (bad_json, bad_row) == (400, 400)
    assert "not JSON" in not_json["message"] and "expects 57" in short_row["message"]


KEY = "k3y-for-tests"


@pytest.mark.parametrize("headers", [None, {}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": KEY}])
def test_with_a_key_set_a_request_without_it_is_a_401(loaded, monkeypatch, headers):
    monkeypatch.setenv(loaded.SCORING_KEY_VARIABLE, KEY)
    response = loaded.run(SAMPLE_REQUEST.read_text(encoding="utf-8"), headers)
    assert response.status_code == 401
    assert "needs its key" in body(response)["message"]


def test_with_a_key_set_a_request_with_it_is_scored(loaded, monkeypatch):
    monkeypatch.setenv(loaded.SCORING_KEY_VARIABLE, KEY)
    result = loaded.run(SAMPLE_REQUEST.read_text(encoding="utf-8"),
                        {"Authorization": f"Bearer {KEY}"})
    assert len(result["result"]) == 2


def test_without_a_key_set_no_key_is_asked_for(loaded, monkeypatch):
    monkeypatch.delenv(loaded.SCORING_KEY_VARIABLE, raising=False)
    assert len(loaded.run(SAMPLE_REQUEST.read_text(encoding="utf-8"))["result"]) == 2


@pytest.mark.slow
def test_the_inference_server_hands_the_key_header_to_the_check(model_dir, tmp_path):
    sample = SAMPLE_REQUEST.read_text(encoding="utf-8")
    answers = server_answers(model_dir, tmp_path, [
        (sample, {}), (sample, {"Authorization": f"Bearer {KEY}"})], SCORING_KEY=KEY)
    (refused, message), (accepted, scores) = answers
    assert (refused, accepted) == (401, 200)
    assert "needs its key" in message["message"] and len(scores["result"]) == 2
