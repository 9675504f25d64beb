"""The web service's entry script: ``init()`` loads the model, ``run()`` scores rows of features.

Request: ``{"data": [[57 numbers], ...]}``, the features in the order of ``sample_request.json``.
Response: ``{"result": [probability of a claim, ...]}``, one per row. A request that cannot be
scored gets a 4xx status and ``{"message": "<what is wrong>"}`` instead of a server error: 400
for bad content, 413 for a body over 1 MiB, 415 for a content type other than JSON.

Where the environment holds ``SCORING_KEY`` (the Web App's app setting: App Service has no key of
its own), a request without ``Authorization: Bearer <that key>`` gets 401 and is not scored.
ACI, AKS and online endpoints check their keys before a request reaches this script.

This file is deployed on its own (``inference_config.yml``), so it imports nothing from the
project. Try it with a trained model:

    AZUREML_MODEL_DIR=outputs python {{ cookiecutter.project_name }}/scoring/score.py
"""
import hmac
import json
import math
import os
from pathlib import Path

import joblib
import numpy as np
from azureml_inference_server_http.api.aml_response import AMLResponse

MODEL_FILE_NAME = "{{ cookiecutter.__model_name }}"
SAMPLE_REQUEST = Path(__file__).resolve().parent / "sample_request.json"
# About 1,500 rows: real-time requests are small, and bigger batches belong to batch scoring.
MAX_BODY_CHARACTERS = 1024 * 1024
SCORING_KEY_VARIABLE = "SCORING_KEY"

model = None


class BadRequest(ValueError):
    """The request cannot be scored; the message says why, for the caller."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def find_model_file(model_dir, file_name=MODEL_FILE_NAME):
    """The model file under ``model_dir``, in any of the layouts Azure ML and azmlinfsrv use.

    Azure ML mounts ``azureml-models/<name>/<version>/<file>`` and points AZUREML_MODEL_DIR at
    the version folder or at its root; ``azmlinfsrv --model_dir`` gives the file directly. With
    several versions mounted, the highest version wins.
    """
    candidates = list(Path(model_dir).rglob(file_name))
    if not candidates:
        present = sorted(str(path.relative_to(model_dir)) for path in Path(model_dir).rglob("*")
                         if path.is_file())
        raise FileNotFoundError(f"no {file_name} under {model_dir}; found: {present or 'nothing'}")

    def version(path):
        return int(path.parent.name) if path.parent.name.isdigit() else -1

    return max(candidates, key=lambda path: (version(path), str(path)))


def init():
    """Load the model once, when the service starts."""
    global model
    model_dir = os.getenv("AZUREML_MODEL_DIR")
    if not model_dir:
        raise RuntimeError("AZUREML_MODEL_DIR is not set: it must point at the model's folder")
    model = joblib.load(find_model_file(model_dir))


def check_key(request_headers):
    """Refuse a request without the service's key, when the service has one."""
    key = os.getenv(SCORING_KEY_VARIABLE)
    if not key:
        return
    sent = (request_headers or {}).get("Authorization") or ""
    # Compared in constant time: the answer's timing says nothing about the key.
    if not hmac.compare_digest(sent.encode("utf-8"), f"Bearer {key}".encode("utf-8")):
        raise BadRequest("this service needs its key: send Authorization: Bearer <key>", 401)


def check_envelope(raw_data, request_headers):
    """Refuse, before parsing, a body too large to score or one that does not say it is JSON."""
    content_type = (request_headers or {}).get("Content-Type")
    if content_type is not None and content_type.split(";")[0].strip() != "application/json":
        raise BadRequest(f"the content type is {content_type!r}; send application/json", 415)
    if raw_data is not None and len(raw_data) > MAX_BODY_CHARACTERS:
        raise BadRequest(f"the body has {len(raw_data)} characters; at most "
                         f"{MAX_BODY_CHARACTERS} (about 1,500 rows) per request", 413)


def parse_rows(raw_data, feature_count):
    """The request's rows as a 2-D float array; BadRequest says what is wrong with them."""
    try:
        request = json.loads(raw_data)
    except (TypeError, ValueError):
        raise BadRequest('the body is not JSON; send {"data": [[...], ...]}') from None
    if not isinstance(request, dict) or "data" not in request:
        raise BadRequest('the JSON has no "data"; send {"data": [[...], ...]}')
    rows = request["data"]
    if not isinstance(rows, list) or not rows:
        raise BadRequest('"data" must be a non-empty list of rows')
    for index, row in enumerate(rows):
        if not isinstance(row, list):
            raise BadRequest(f"row {index} is not a list of {feature_count} numbers")
        if len(row) != feature_count:
            raise BadRequest(f"row {index} has {len(row)} values; the model expects "
                             f"{feature_count} features")
        if not all(isinstance(value, (int, float)) and not isinstance(value, bool)
                   and math.isfinite(value) for value in row):
            raise BadRequest(f"row {index} has a value that is not a finite number")
    return np.array(rows, dtype=float)


def trace_line(request_headers, predictions):
    """A JSON log line that Application Insights joins to the request by its id."""
    headers = request_headers or {}
    return json.dumps({"RequestId": headers.get("X-Ms-Request-Id", ""),
                       "TraceParent": headers.get("Traceparent", ""),
                       "NumberOfPredictions": predictions})


def run(raw_data, request_headers=None):
    """Score the rows of ``raw_data`` (a JSON string); the server passes the request headers."""
    try:
        check_key(request_headers)
        check_envelope(raw_data, request_headers)
        rows = parse_rows(raw_data, model.num_feature())
    except BadRequest as error:
        return AMLResponse({"message": str(error)}, error.status, json_str=True)
    # One thread: a request is a few rows, and OpenMP threads spinning for them cost more
    # latency than they save (measured by bench/bench_scoring.py in the template).
    probabilities = model.predict(rows, num_threads=1).tolist()
    print(trace_line(request_headers, len(probabilities)))
    return {"result": probabilities}


if __name__ == "__main__":
    init()
    print(run(SAMPLE_REQUEST.read_text(encoding="utf-8")))
