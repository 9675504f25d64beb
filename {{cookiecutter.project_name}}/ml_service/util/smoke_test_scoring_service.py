"""Send the two sample rows to a scoring service and check it answers two probabilities.

{% if cookiecutter.azureml_sdk == "v1" %}    python -m ml_service.util.smoke_test_scoring_service --type ACI --service mlops-aci
{% endif %}    python -m ml_service.util.smoke_test_scoring_service --type URL \\
        --service http://127.0.0.1:5001/score

The rows come from ``<SOURCES_DIR_TRAIN>/scoring/sample_request.json``, the one copy of the
workshop's sample. Slow starts (connection refused, timeouts, 5xx, 429) are retried a bounded
number of times, for a Web App until its container has had the time App Service gives it to
start; a wrong answer, or a host name that does not resolve, fails at once.
{%- if cookiecutter.azureml_sdk == "v1" %} ACI and AKS
services take their key from the SDK and send it.
{%- endif %}
A URL that needs a key (an Azure ML online endpoint) and a Web App get it from the
``SCORING_KEY`` environment variable, never from the command line.
"""
import argparse
import json
import math
import os
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import NameResolutionError
{%- if cookiecutter.azureml_sdk == "v1" %}

SERVICE_TYPES = ("ACI", "AKS", "Webapp", "URL")
{%- else %}

# An online endpoint is scored by its URL (ml_service.azureml.online_endpoint finds it and its
# key).
SERVICE_TYPES = ("Webapp", "URL")
{%- endif %}
DEFAULT_SOURCES_DIR = "{{ cookiecutter.project_name }}"
SAMPLE_REQUEST = Path("scoring") / "sample_request.json"
RETRYABLE_STATUS = {429, 500, 502, 503, 504}
KEY_VARIABLE = "SCORING_KEY"
DEFAULT_ATTEMPTS = 10
# App Service waits this long for a container to start (WEBSITES_CONTAINER_START_TIME_LIMIT, which
# the infrastructure sets to its maximum: 230 s by default, 1800 s at most). A first start pulls a
# multi-GB scoring image onto a B1 plan, so a Web App is retried until then, plus a minute.
WEBAPP_START_SECONDS = 1800
WEBAPP_WAIT_SECONDS = WEBAPP_START_SECONDS + 60
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class SmokeTestError(AssertionError):
    """The service did not give the expected answer."""


def load_sample_request(sources_dir):
    """The request body (``{"data": [[...], [...]]}``) and how many rows it holds."""
    body = json.loads((Path(sources_dir) / SAMPLE_REQUEST).read_text(encoding="utf-8"))
    return body, len(body["data"])


def check_scores(payload, expected_count):
    """The probabilities in ``payload``; raises SmokeTestError when the answer is wrong."""
    if isinstance(payload, str):
        # Some scoring scripts return json.dumps(...): the body is then a JSON string.
        payload = json.loads(payload)
    if not isinstance(payload, dict) or "result" not in payload:
        raise SmokeTestError(f"expected a JSON object with 'result', got {payload!r:.200}")
    scores = payload["result"]
    if not isinstance(scores, list) or len(scores) != expected_count:
        raise SmokeTestError(f"expected {expected_count} results, got {scores!r:.200}")
    for score in scores:
        if (isinstance(score, bool) or not isinstance(score, (int, float))
                or math.isnan(score) or not 0.0 <= score <= 1.0):
            raise SmokeTestError(f"result {score!r} is not a probability in [0, 1]")
    return scores


def post_with_retries(url, body, headers=None, attempts=DEFAULT_ATTEMPTS, delay_seconds=5.0,
                      timeout_seconds=30.0, session=None, wait_seconds=None):
    """POST ``body`` as JSON; retry connection errors, timeouts and transient statuses, at most
    ``attempts`` times and, when given, for at most ``wait_seconds``."""
    session = session or requests.Session()
    deadline = None if wait_seconds is None else time.monotonic() + wait_seconds
    last_problem = None
    for attempt in range(1, attempts + 1):
        try:
            response = session.post(url, json=body, headers=headers or {},
                                    timeout=timeout_seconds)
        except (requests.ConnectionError, requests.Timeout) as error:
            if unresolvable(error):
                raise SmokeTestError(f"{url}: the host name does not resolve ({error}); "
                                     "check the service name") from None
            last_problem = f"{type(error).__name__}: {error}"
        else:
            if response.status_code not in RETRYABLE_STATUS:
                if not response.ok:
                    raise SmokeTestError(f"{url} answered HTTP {response.status_code}: "
                                         f"{response.text[:200]}")
                try:
                    return response.json()
                except ValueError:
                    raise SmokeTestError(
                        f"{url} answered non-JSON: {response.text[:200]!r}") from None
            last_problem = f"HTTP {response.status_code}"
        print(f"Attempt {attempt}/{attempts} to {url} failed ({last_problem})")
        if deadline is not None and time.monotonic() + delay_seconds >= deadline:
            raise SmokeTestError(f"{url} did not answer within {wait_seconds:g} s "
                                 f"({attempt} attempts): {last_problem}")
        if attempt < attempts:
            time.sleep(delay_seconds)
    raise SmokeTestError(f"{url} did not answer after {attempts} attempts: {last_problem}")


def local_server_missing(url):
    """One line saying to start the local server, when ``url`` is on this machine and nothing
    listens there; None otherwise. (A remote service that is still starting is retried.)"""
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK_HOSTS:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=2).close()
    except OSError:
        return (f"nothing is listening at {url}: start the local server first with "
                "'make serve' (in another terminal), then run 'make smoke' again")
    return None


def unresolvable(error):
    """True when ``error`` says the host name has no address: waiting will not change that."""
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NameResolutionError)


def webapp_url(service):
    """A Web App's scoring URL from its name, or the URL itself when one is given."""
    if service.startswith(("http://", "https://")):
        return service
    return f"https://{service}.azurewebsites.net/score"
{%- if cookiecutter.azureml_sdk == "v1" %}


def service_endpoint(webservice):
    """Scoring URL and headers of an Azure ML web service: its key when key auth is on (ACI
    and AKS both have it on, see the scoring folder's deployment configs)."""
    headers = {}
    if webservice.auth_enabled:
        primary_key, _ = webservice.get_keys()
        headers["Authorization"] = f"Bearer {primary_key}"
    return webservice.scoring_uri, headers


def find_webservice(service_type, service):
    """The ACI or AKS web service ``service`` of the workspace (signed in as the Azure CLI)."""
    # Imported here: the SDK takes seconds to import and URL or Web App checks never need it.
    from azureml.core.webservice import AciWebservice, AksWebservice

    from ml_service.util.env_variables import read_env_or_exit
    from ml_service.util.workspace import get_workspace

    service_class = AciWebservice if service_type == "ACI" else AksWebservice
    return service_class(get_workspace(read_env_or_exit()), service)
{%- endif %}


def key_headers():
    """The ``Authorization`` header of the key in SCORING_KEY, or none."""
    key = os.environ.get(KEY_VARIABLE)
    return {"Authorization": f"Bearer {key}"} if key else {}


def endpoint(service_type, service):
    """Scoring URL and request headers for ``--type`` and ``--service``."""
    if service_type == "URL":
        return service, key_headers()
    if service_type == "Webapp":
        if not os.environ.get(KEY_VARIABLE):
            raise SystemExit(f"ERROR: {KEY_VARIABLE} is not set: the Web App demands its key, "
                             "its app setting SCORING_KEY")
        return webapp_url(service), key_headers()
{%- if cookiecutter.azureml_sdk == "v1" %}
    return service_endpoint(find_webservice(service_type, service))
{%- endif %}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--type", choices=SERVICE_TYPES, required=True, dest="service_type")
    parser.add_argument("--service", required=True, help="service name, or URL for --type URL")
    parser.add_argument("--attempts", type=int,
                        help=f"at most this many tries (default: {DEFAULT_ATTEMPTS}; a Web App: "
                        "as many as --wait allows)")
    parser.add_argument("--wait", type=float,
                        help="stop trying after this many seconds (default: none; a Web App: "
                        f"{WEBAPP_WAIT_SECONDS}, the time its container may take to start)")
    parser.add_argument("--delay", type=float, default=5.0, help="seconds between attempts")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--sources_dir",
                        default=os.environ.get("SOURCES_DIR_TRAIN") or DEFAULT_SOURCES_DIR)
    args = parser.parse_args(argv)
    webapp = args.service_type == "Webapp"
    if args.wait is None and webapp:
        args.wait = WEBAPP_WAIT_SECONDS
    if args.attempts is None:
        # A Web App is bounded by the wait; every other service by the attempts.
        args.attempts = (int(args.wait // max(args.delay, 1.0)) + 1 if webapp
                         else DEFAULT_ATTEMPTS)
    if args.attempts < 1:
        parser.error("--attempts must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    body, expected_count = load_sample_request(args.sources_dir)
    url, headers = endpoint(args.service_type, args.service)
    missing = local_server_missing(url)
    if missing:
        raise SystemExit(f"ERROR: {missing}")
    try:
        payload = post_with_retries(url, body, headers, args.attempts, args.delay, args.timeout,
                                    wait_seconds=args.wait)
        scores = check_scores(payload, expected_count)
    except SmokeTestError as error:
        raise SystemExit(f"ERROR: smoke test of {url} failed: {error}") from None
    print(f"Smoke test passed: {url} scored {scores}")


if __name__ == "__main__":
    main()
