"""The smoke test against a real local HTTP server: success, wrong answers, retries."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

{%- if cookiecutter.azureml_sdk == "v1" %}
from ml_service.util import smoke_test_scoring_service
from ml_service.util.smoke_test_scoring_service import (
    WEBAPP_WAIT_SECONDS, SmokeTestError, check_scores, endpoint, load_sample_request, main,
    parse_args, post_with_retries, service_endpoint, webapp_url)
{%- else %}
from ml_service.util.smoke_test_scoring_service import (
    WEBAPP_WAIT_SECONDS, SmokeTestError, check_scores, endpoint, load_sample_request, main,
    parse_args, post_with_retries, webapp_url)
{%- endif %}

SOURCES_DIR = Path(__file__).resolve().parents[2] / "{{ cookiecutter.project_name }}"


class ScriptedService:
    """A scoring server that answers each POST with the next (status, body) of a script."""

    def __init__(self, answers, key=None):
        self.answers = list(answers)
        self.requests = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                service.requests.append(json.loads(self.rfile.read(length)))
                status, body = service.answers.pop(0) if len(service.answers) > 1 \
                    else service.answers[0]
                if key and self.headers.get("Authorization") != f"Bearer {key}":
                    # What Azure ML answers a scoring call without the service's key.
                    status, body = 401, '{"message": "Authorization header missing or wrong"}'
                payload = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/score"
        # shutdown() waits for the next poll: 0.5 s a test at the default interval.
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.01}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def scores(*values):
    return json.dumps({"result": list(values)})


def test_sample_request_holds_the_two_workshop_rows():
    body, count = load_sample_request(SOURCES_DIR)
    assert count == 2
    assert all(len(row) == len(body["data"][0]) for row in body["data"])


def test_passes_against_a_service_answering_two_probabilities(capsys):
    with ScriptedService([(200, scores(0.12, 0.87))]) as service:
        main(["--type", "URL", "--service", service.url, "--sources_dir", str(SOURCES_DIR),
              "--attempts", "1"])
    body, _ = load_sample_request(SOURCES_DIR)
    assert service.requests == [body]
    assert "Smoke test passed" in capsys.readouterr().out


def test_retries_transient_errors_then_succeeds():
    answers = [(503, "{}"), (502, "{}"), (200, scores(0.1, 0.2))]
    with ScriptedService(answers) as service:
        payload = post_with_retries(service.url, {"data": []}, attempts=5, delay_seconds=0.01)
    assert payload == {"result": [0.1, 0.2]}
    assert len(service.requests) == 3


def test_gives_up_after_the_bounded_number_of_attempts():
    with ScriptedService([(503, "{}")]) as service:
        with pytest.raises(SmokeTestError, match="did not answer after 3 attempts: HTTP 503"):
            post_with_retries(service.url, {"data": []}, attempts=3, delay_seconds=0.01)
    assert len(service.requests) == 3


def test_retries_connection_errors():
    with ScriptedService([(200, "{}")]) as service:
        url = service.url
    # The server is closed: every attempt is refused.
    with pytest.raises(SmokeTestError, match="after 2 attempts: ConnectionError"):
        post_with_retries(url, {"data": []}, attempts=2, delay_seconds=0.01, timeout_seconds=2)


def test_without_a_local_server_it_says_to_start_one(capsys):
    with ScriptedService([(200, "{}")]) as service:
        url = service.url
    # Nothing listens there any more: one line, at once, naming the command that starts it.
    with pytest.raises(SystemExit) as exit_info:
        main(["--type", "URL", "--service", url, "--sources_dir", str(SOURCES_DIR)])
    assert exit_info.value.code == (
        f"ERROR: nothing is listening at {url}: start the local server first with "
        "'make serve' (in another terminal), then run 'make smoke' again")


def test_client_errors_fail_at_once():
    with ScriptedService([(400, '{"error": "bad input"}')]) as service:
        with pytest.raises(SmokeTestError, match="HTTP 400"):
            post_with_retries(service.url, {"data": []}, attempts=5, delay_seconds=0.01)
    assert len(service.requests) == 1


@pytest.mark.parametrize("body,message", [
    (scores(0.5), "expected 2 results"),
    (scores(0.5, 1.7), "not a probability"),
    (scores(0.5, None), "not a probability"),
    ('{"predictions": [0.1, 0.2]}', "with 'result'"),
])
def test_wrong_answers_fail_the_smoke_test(body, message):
    with ScriptedService([(200, body)]) as service:
        with pytest.raises(SystemExit, match=message):
            main(["--type", "URL", "--service", service.url, "--sources_dir", str(SOURCES_DIR),
                  "--attempts", "1"])


def test_non_json_answer_fails():
    with ScriptedService([(200, "<html>oops</html>")]) as service:
        with pytest.raises(SmokeTestError, match="non-JSON"):
            post_with_retries(service.url, {"data": []}, attempts=1)


def test_a_json_encoded_string_body_is_accepted():
    assert check_scores(json.dumps({"result": [0.0, 1.0]}), 2) == [0.0, 1.0]


def test_webapp_name_becomes_its_scoring_url():
    assert webapp_url("team1-webapp") == "https://team1-webapp.azurewebsites.net/score"
    assert webapp_url("https://example.org/score") == "https://example.org/score"


def test_a_url_gets_the_key_from_the_environment_only(monkeypatch):
    monkeypatch.delenv("SCORING_KEY", raising=False)
    assert endpoint("URL", "http://127.0.0.1:5001/score") == (
        "http://127.0.0.1:5001/score", {})
    monkeypatch.setenv("SCORING_KEY", "k3y")
    assert endpoint("URL", "https://e.region.inference.ml.azure.com/score") == (
        "https://e.region.inference.ml.azure.com/score", {"Authorization": "Bearer k3y"})


@pytest.mark.parametrize("service_type", ["Webapp", "URL"])
def test_a_service_that_demands_a_key_is_called_with_the_environments(service_type, monkeypatch,
                                                                      capsys):
    monkeypatch.setenv("SCORING_KEY", "primary-key")
    with ScriptedService([(200, scores(0.3, 0.4))], key="primary-key") as service:
        main(["--type", service_type, "--service", service.url, "--sources_dir",
              str(SOURCES_DIR), "--attempts", "1"])
    assert "Smoke test passed" in capsys.readouterr().out


def test_a_web_app_refuses_a_wrong_key_at_once(monkeypatch):
    monkeypatch.setenv("SCORING_KEY", "stale-key")
    with ScriptedService([(200, scores(0.3, 0.4))], key="webapp-key") as service:
        with pytest.raises(SystemExit, match="HTTP 401"):
            main(["--type", "Webapp", "--service", service.url, "--sources_dir",
                  str(SOURCES_DIR), "--delay", "0.01"])
    assert len(service.requests) == 1


def test_a_web_app_without_a_key_in_the_environment_is_one_clear_error(monkeypatch):
    monkeypatch.delenv("SCORING_KEY", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        endpoint("Webapp", "team1-webapp")
    assert exit_info.value.code == ("ERROR: SCORING_KEY is not set: the Web App demands its key, "
                                    "its app setting SCORING_KEY")


def test_a_web_app_is_waited_for_as_long_as_its_container_may_take_to_start():
    args = parse_args(["--type", "Webapp", "--service", "team1-webapp"])
    assert args.wait == WEBAPP_WAIT_SECONDS >= 1800
    assert args.attempts * args.delay >= args.wait
    other = parse_args(["--type", "URL", "--service", "http://127.0.0.1:5001/score"])
    assert (other.attempts, other.wait) == (10, None)


def test_the_wait_bounds_the_retries():
    with ScriptedService([(503, "{}")]) as service:
        with pytest.raises(SmokeTestError, match=r"did not answer within 0\.3 s"):
            post_with_retries(service.url, {"data": []}, attempts=1000, delay_seconds=0.05,
                              wait_seconds=0.3)
    assert 2 <= len(service.requests) < 20

{%- if cookiecutter.azureml_sdk == "v1" %}


class KeyedWebservice:
    """Stands in for the SDK's AciWebservice / AksWebservice of a service with key auth."""

    def __init__(self, scoring_uri, keys=("primary-key", "secondary-key")):
        self.scoring_uri, self.auth_enabled, self.keys = scoring_uri, True, keys

    def get_keys(self):
        return self.keys


@pytest.mark.parametrize("service_type", ["ACI", "AKS"])
def test_key_protected_services_are_called_with_their_key(service_type, monkeypatch, capsys):
    with ScriptedService([(200, scores(0.3, 0.4))], key="primary-key") as service:
        looked_up = []

        def find_webservice(kind, name):
            looked_up.append((kind, name))
            return KeyedWebservice(service.url)

        monkeypatch.setattr(smoke_test_scoring_service, "find_webservice", find_webservice)
        main(["--type", service_type, "--service", "mlops-svc",
              "--sources_dir", str(SOURCES_DIR), "--attempts", "1"])
    assert looked_up == [(service_type, "mlops-svc")]
    assert "Smoke test passed" in capsys.readouterr().out


def test_a_key_protected_service_refuses_a_call_without_the_key():
    with ScriptedService([(200, scores(0.3, 0.4))], key="primary-key") as service:
        url, headers = service_endpoint(KeyedWebservice(service.url, keys=("stale", "x")))
        with pytest.raises(SmokeTestError, match="HTTP 401"):
            post_with_retries(url, {"data": []}, headers, attempts=1)


def test_aci_and_aks_services_are_deployed_with_key_auth():
    scoring = SOURCES_DIR / "scoring"
    for config in scoring.glob("deployment_config_*.yml"):
        assert "\nauthEnabled: true\n" in config.read_text(encoding="utf-8"), config.name
{%- endif %}


def test_a_host_name_that_does_not_resolve_fails_at_once():
    with pytest.raises(SmokeTestError, match="does not resolve"):
        post_with_retries("http://no-such-host.invalid/score", {"data": []}, attempts=5,
                          delay_seconds=30)
