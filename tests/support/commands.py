"""Running commands as a user or an agent runs them: subprocesses that show their output when
they fail, ``make`` in a generated repository, venvs of generated requirements, check-jsonschema,
and the absence of a network."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.bakes import TEMPLATE_DIR

# One OpenMP thread for LightGBM: the machines running these tests have two shared cores.
SINGLE_THREAD = {"OMP_NUM_THREADS": "1"}
# Venvs of generated requirements, kept between sessions (git-ignored), one per file content.
VENV_CACHE = TEMPLATE_DIR / ".cache" / "venvs"
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")
# The stand-in programs tests put on PATH as `gh` and `az` (run as scripts, not imported).
STAND_INS = Path(__file__).resolve().parent / "stand_ins"


def run(args, cwd, timeout=600, env=None, check=True):
    """Run a command as a user would, and show its whole output when it fails."""
    completed = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    if check and completed.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} exited {completed.returncode} in {cwd}\n"
                    f"--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}")
    return completed


def run_python(args, cwd, **kwargs):
    """Run this interpreter (the one with the pinned requirements) in ``cwd``."""
    return run([sys.executable, *args], cwd, **kwargs)


def run_make(project, target, env=None, check=True, python=sys.executable, **variables):
    """``make <target>`` in a generated repository as a user runs it, with ``python`` (this
    interpreter unless given) as PYTHON and one LightGBM thread."""
    assignments = [f"{key}={value}" for key, value in variables.items()]
    return run(["make", "--no-print-directory", target, f"PYTHON={python}", *assignments],
               project, env={**SINGLE_THREAD, **(env or {})}, check=check)


def requirements_venv(requirements):
    """A venv with exactly ``requirements`` installed by the repository's ``make install`` (uv,
    as the agents' Python set-up does), built once per their content and reused by later
    sessions; its folder. It sees only its own packages (no PYTHONPATH)."""
    venv = VENV_CACHE / hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]
    complete = venv / "complete"
    if not complete.exists():
        shutil.rmtree(venv, ignore_errors=True)
        base_python = getattr(sys, "_base_executable", sys.executable)
        run([base_python, "-m", "venv", venv], TEMPLATE_DIR, timeout=300)
        run(["make", "--no-print-directory", "install", f"PYTHON={venv}/bin/python"],
            requirements.parent, timeout=1200, env={"PYTHONPATH": ""})
        complete.write_text(requirements.read_text(encoding="utf-8"), encoding="utf-8")
    return venv


def check_jsonschema(schema_args, files):
    """check-jsonschema's JSON report on ``files`` (one process for all of them)."""
    completed = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--regex-variant", "nonunicode", "--output-format", "json",
         *schema_args, *map(str, files)],
        capture_output=True, text=True, timeout=300)
    report = json.loads(completed.stdout)
    assert not report["parse_errors"], report["parse_errors"]
    return report


def no_network_prefix():
    """``unshare -n`` as root, ``unshare -rn`` (a user namespace) otherwise, whichever works."""
    for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
        if shutil.which("unshare") and subprocess.run(
                [*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    pytest.fail("the rehearsal runs steps without a network: it needs `unshare -n` (root) or "
                "`unshare -rn` (unprivileged user namespaces) from util-linux")
