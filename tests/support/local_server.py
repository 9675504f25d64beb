"""The generated project's local scoring server, started as ``make serve`` starts it.

Shared by ``tests/test_local_loop.py`` and ``bench/bench_scoring.py``. The server runs in its own
process group, so that stopping it stops gunicorn's workers too, and it is always stopped by that
group's id, never by name.
"""
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

LOOPBACK = "127.0.0.1"
# Where the generated Makefile's `make train` looks for a team's copy of the competition data.
TEAM_DATA = Path("data") / "porto_seguro_safe_driver_prediction_input.csv"
LIVENESS_DEADLINE_SECONDS = 60
STOP_DEADLINE_SECONDS = 15
POLL_SECONDS = 0.2


def free_loopback_port():
    """A port nothing listens on at this moment (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def place_team_data(project, csv):
    """Put ``csv`` where a team keeps its data (a link: the sample is never copied around)."""
    (project / TEAM_DATA).parent.mkdir(exist_ok=True)
    (project / TEAM_DATA).symlink_to(csv)


def make_commands(project, target, python=sys.executable, **variables):
    """The commands ``make <target>`` would run, as argument lists, read from ``make -n``."""
    assignments = [f"PYTHON={python}"]
    assignments += [f"{key}={value}" for key, value in variables.items()]
    completed = subprocess.run(["make", "-n", "--no-print-directory", target, *assignments],
                               cwd=project, capture_output=True, text=True, timeout=60, check=True)
    lines = completed.stdout.replace("\\\n", " ").strip().splitlines()
    return [shlex.split(line) for line in lines]


def make_command(project, target, python=sys.executable, **variables):
    """The command ``make <target>`` ends with, after running the ones before it (the
    prerequisites make would build first, such as the served copy of the model).

    Running it directly keeps the server a child of this process (its PID is the server's, not
    make's), while the commands themselves stay the Makefile's.
    """
    *prerequisites, command = make_commands(project, target, python, **variables)
    for prerequisite in prerequisites:
        subprocess.run(prerequisite, cwd=project, check=True, timeout=60)
    return command


def replace_option(command, option, value):
    """``command`` with the value after ``option`` replaced (e.g. another entry script)."""
    index = command.index(option)
    return command[:index + 1] + [str(value)] + command[index + 2:]


class LocalServer:
    """A scoring server process: start, wait until it answers ``GET /``, stop its whole group."""

    def __init__(self, command, cwd, home, log_path, env=None):
        self.command, self.cwd, self.home, self.log_path = command, cwd, home, log_path
        self.env = env or {}
        self.port = int(command[command.index("--port") + 1])
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.process = None

    def __enter__(self):
        self.start()
        try:
            self.wait_until_live()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        # gunicorn writes a control socket under $HOME/.gunicorn: a private HOME keeps it out of ~.
        env = {**os.environ, **self.env, "HOME": str(self.home)}
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(self.command, cwd=self.cwd, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def log(self):
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_until_live(self, deadline_seconds=LIVENESS_DEADLINE_SECONDS):
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited with {self.process.returncode} before "
                                     f"answering GET /\n{self.log()}")
            try:
                if requests.get(self.url + "/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(POLL_SECONDS)
        raise AssertionError(f"GET {self.url}/ did not answer 200 within {deadline_seconds} s"
                             f"\n{self.log()}")

    def stop(self):
        """SIGTERM to the process group (gunicorn stops its workers), SIGKILL after a deadline."""
        if self.process is None or self.process.returncode is not None:
            return
        group = self.process.pid  # start_new_session: the group id is the leader's PID
        try:
            os.killpg(group, signal.SIGTERM)
            self.process.wait(timeout=STOP_DEADLINE_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=STOP_DEADLINE_SECONDS)
        except ProcessLookupError:
            self.process.wait(timeout=STOP_DEADLINE_SECONDS)

    def group_alive(self):
        """Whether any process of the server's group still exists."""
        if self.process is None:
            return False
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def wait_group_gone(self, deadline_seconds=STOP_DEADLINE_SECONDS):
        deadline = time.monotonic() + deadline_seconds
        while self.group_alive() and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
        return not self.group_alive()
