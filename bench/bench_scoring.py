"""What score.py costs on Azure ML's inference server, against a score.py that does nothing.

Bakes the default project, trains it with ``make train`` (on the workshop sample, placed where a
team puts its data, when it exists here; on synthetic data otherwise), and starts two servers
through the launcher ``make serve`` runs, each on a free loopback port: the project's score.py on
the trained model, and an empty score.py (``init`` does nothing, ``run`` returns a constant), the
floor. Both score the workshop's two-row request; their rounds alternate, so that noise from
other work on the machine falls on both alike. Then a load run against the project's server.
Target: the project's p50 at most 1.2x the floor's.

    python bench/bench_scoring.py [--requests 400] [--load-requests 2000] [--concurrency 8]
"""
import argparse
import contextlib
import json
import os
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

import harness  # noqa: F401  (puts the template checkout on sys.path)
from tests.support import local_server
from tests.support.bakes import SHARED_SAMPLE_CSV, bake_into
from tests.support.commands import run_make

EMPTY_SCORE_PY = '''def init():
    pass


def run(raw_data):
    return {"result": [0.5, 0.5]}
'''
WARM_UP_REQUESTS = 50
ROUNDS = 5
TARGET_RATIO = 1.2
TIMEOUT_SECONDS = 30


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed_post(session, url, body):
    """(seconds, run() milliseconds or None) of one request; None means it failed.

    The server reports how long score.py's run() took in ``x-ms-run-fn-exec-ms``: the part of
    the latency that is the project's, without HTTP and the machine's noise.
    """
    start = time.perf_counter()
    try:
        response = session.post(url, data=body, timeout=TIMEOUT_SECONDS,
                                headers={"Content-Type": "application/json"})
        ok = response.status_code == 200 and len(response.json()["result"]) == 2
        run_ms = float(response.headers["x-ms-run-fn-exec-ms"]) if ok else None
    except (requests.RequestException, ValueError, KeyError, TypeError):
        run_ms = None
    return time.perf_counter() - start, run_ms


def sequential(session, url, body, count):
    return [timed_post(session, url, body) for _ in range(count)]


def load(url, body, total, concurrency):
    """``total`` requests from ``concurrency`` threads, each with its own keep-alive session."""
    local = threading.local()

    def one(_):
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return timed_post(local.session, url, body)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, range(total)))
    return results, time.perf_counter() - start


def bake_and_train(scratch, env):
    """The default bake, trained by ``make train`` on the data a team's checkout would use."""
    project = bake_into(scratch)
    if SHARED_SAMPLE_CSV.exists():
        local_server.place_team_data(project, SHARED_SAMPLE_CSV)
    trained = run_make(project, "train", env=env)
    print(trained.stdout.strip().splitlines()[-1])
    return project


def describe(name, results, wall_seconds=None):
    """Print p50, p99, requests/s, errors and run()'s own p50; return the p50 in seconds.

    Requests/s is over ``wall_seconds`` when given (concurrent requests), else over the sum of
    the latencies (sequential requests, whose rounds alternate with the other server's).
    """
    latencies = [seconds for seconds, _ in results]
    run_ms = [milliseconds for _, milliseconds in results if milliseconds is not None]
    p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
    rate = len(latencies) / (wall_seconds or sum(latencies))
    run_p50 = f"{statistics.median(run_ms):5.2f} ms" if run_ms else "n/a"
    print(f"{name:<24} p50 {p50 * 1e3:6.2f} ms   p99 {p99 * 1e3:6.2f} ms   {rate:5.0f} req/s   "
          f"errors {len(results) - len(run_ms)}   run() p50 {run_p50}")
    return p50


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="sequential, per server")
    parser.add_argument("--load-requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch_name, contextlib.ExitStack() as servers:
        scratch = Path(scratch_name)
        # A private HOME for make and the servers: gunicorn writes its control socket there.
        env = {**os.environ, "HOME": scratch_name}
        project = bake_and_train(scratch, env)
        empty_score = scratch / "empty_score.py"
        empty_score.write_text(EMPTY_SCORE_PY, encoding="utf-8")
        command = local_server.make_command(
            project, "serve", PORT=local_server.free_loopback_port())
        floor_command = local_server.replace_option(
            local_server.make_command(project, "serve", PORT=local_server.free_loopback_port()),
            "--entry_script", empty_score)
        project_server = servers.enter_context(
            local_server.LocalServer(command, project, scratch, scratch / "project.log"))
        floor_server = servers.enter_context(
            local_server.LocalServer(floor_command, project, scratch, scratch / "floor.log"))

        sample = (project / project.name / "scoring" / "sample_request.json").read_bytes()
        body = json.dumps(json.loads(sample)).encode("utf-8")
        sessions = {server: requests.Session() for server in (project_server, floor_server)}
        results = {server: [] for server in sessions}
        for server, session in sessions.items():
            sequential(session, server.url + "/score", body, WARM_UP_REQUESTS)
        for _ in range(ROUNDS):
            for server, session in sessions.items():
                results[server] += sequential(session, server.url + "/score", body,
                                              args.requests // ROUNDS)

        print(f"\nSequential, {len(results[project_server])} requests per server "
              f"(two rows each, one gunicorn worker, after {WARM_UP_REQUESTS} warm-up):")
        floor_p50 = describe("empty score.py (floor)", results[floor_server])
        project_p50 = describe("project score.py", results[project_server])
        ratio = project_p50 / floor_p50
        verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
        print(f"p50 ratio to the floor: {ratio:.2f}x (target <= {TARGET_RATIO}x: {verdict})")

        load_results, wall = load(project_server.url + "/score", body, args.load_requests,
                                  args.concurrency)
        print(f"\nLoad, {args.load_requests} requests from {args.concurrency} threads "
              f"({wall:.1f} s):")
        describe("project score.py", load_results, wall)


if __name__ == "__main__":
    main()
