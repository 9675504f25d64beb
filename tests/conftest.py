"""Shared helpers for the template's tests: the answers, the option matrix, bakes, subprocesses."""
import atexit
import functools
import hashlib
import importlib.util
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from cookiecutter.generate import generate_context
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config

TEMPLATE_DIR = Path(__file__).resolve().parents[1]
# The workshop's 19,393-row sample; never committed (competition licence), used when present.
SHARED_SAMPLE_CSV = (
    TEMPLATE_DIR.parent / "shared" / "data" / "porto_seguro_safe_driver_prediction_input.csv"
)
# Options with more values than this are cycled through the matrix instead of crossed.
MAX_CROSSED_VALUES = 4
# One OpenMP thread for LightGBM: the machines running these tests have two shared cores.
SINGLE_THREAD = {"OMP_NUM_THREADS": "1"}


def template_answers():
    """``cookiecutter.json`` as written: the single source of every answer and its default."""
    return json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))


def public_keys():
    return [key for key in template_answers() if not key.startswith("_")]


def default_answers():
    """The answer each option takes with ``--no-input``: a choice's first value or the default."""
    return {key: value[0] if isinstance(value, list) else value
            for key, value in template_answers().items() if not key.startswith("_")}


def option_values():
    """Every value of every choice and boolean answer, in ``cookiecutter.json`` order."""
    values = {}
    for key, default in template_answers().items():
        if key.startswith("_"):
            continue
        if isinstance(default, bool):
            values[key] = [default, not default]
        elif isinstance(default, list):
            values[key] = default
    return values


def crossed_combinations():
    """Every combination of the small options (booleans, short choice lists), which interact,
    that the pre-generation hook accepts (it refuses a few pairs, each with a reason)."""
    crossed = {key: vals for key, vals in option_values().items()
               if len(vals) <= MAX_CROSSED_VALUES}
    refusals = load_hook("pre_gen_project").combination_problems
    combinations = [dict(zip(crossed, combo)) for combo in itertools.product(*crossed.values())]
    return [combination for combination in combinations
            if not refusals({**default_answers(), **combination})]


def option_matrix():
    """Override sets that cross every small option and cycle through the large ones.

    Built from ``cookiecutter.json`` itself, so a new choice or boolean is tested the day it is
    added. Small options interact, so every combination is baked (they come first, in
    ``crossed_combinations()`` order); long lists (regions) only need each value once, so they
    are dealt out over the combinations.
    """
    combinations = crossed_combinations()
    cycled = {key: vals for key, vals in option_values().items()
              if len(vals) > MAX_CROSSED_VALUES}
    rounds = max([len(combinations)] + [len(vals) for vals in cycled.values()])
    cyclers = {key: itertools.cycle(vals) for key, vals in cycled.items()}
    combos = itertools.cycle(combinations)
    return [{**next(combos), **{key: next(cycler) for key, cycler in cyclers.items()}}
            for _ in range(rounds)]


def matrix_id(overrides):
    return "-".join(f"{key}={value}" for key, value in overrides.items())


def assert_known_keys(overrides):
    """cookiecutter silently ignores unknown keys: a typo would quietly test the defaults."""
    unknown = set(overrides) - set(public_keys())
    assert not unknown, f"not answers in cookiecutter.json: {sorted(unknown)}"


def bake(cookies, **overrides):
    """Bake with pytest-cookies, whose result tells how generation failed; checks every key is
    a real answer first."""
    assert_known_keys(overrides)
    return cookies.bake(extra_context=overrides)


@functools.lru_cache(maxsize=None)
def scratch_dir():
    """A folder for the session's shared bakes, with a user config of its own (no
    ~/.cookiecutterrc leaks in, no replay file lands in HOME)."""
    path = Path(tempfile.mkdtemp(prefix="template-bakes-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    (path / "config.yml").write_text(
        f"cookiecutters_dir: {path / 'cookiecutters'}\nreplay_dir: {path / 'replay'}\n",
        encoding="utf-8")
    return path


def bake_into(output, **overrides):
    """Generate with cookiecutter's own API into ``output``; the repository's path."""
    assert_known_keys(overrides)
    return Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, extra_context=overrides,
                             output_dir=str(output), config_file=str(scratch_dir() / "config.yml")))


@functools.lru_cache(maxsize=None)
def _bake_once(items):
    return bake_into(tempfile.mkdtemp(dir=scratch_dir()), **dict(items))


def bake_once(**overrides):
    """The repository for ``overrides``, generated once per session and shared by every test
    that only reads it. Tests that change files copy it first."""
    return _bake_once(tuple(overrides.items()))


@functools.lru_cache(maxsize=None)
def _rendered_answers(items):
    context = generate_context(context_file=str(TEMPLATE_DIR / "cookiecutter.json"),
                               extra_context=dict(items))
    return dict(prompt_for_config(context, no_input=True))


def rendered_answers(**overrides):
    """The answers of a bake with ``overrides``, with the derived ``__`` names rendered."""
    return _rendered_answers(tuple(overrides.items()))


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


# Venvs of generated requirements, kept between sessions (git-ignored), one per file content.
VENV_CACHE = TEMPLATE_DIR / ".cache" / "venvs"


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


def writable_copy(project, parent):
    """A private copy of a shared bake, for a test that writes into the repository."""
    return Path(shutil.copytree(project, Path(parent) / project.name))


def load_hook(name):
    """Import ``hooks/<name>.py`` as a module: hooks are valid Python before rendering."""
    spec = importlib.util.spec_from_file_location(name, TEMPLATE_DIR / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def default_project():
    """What ``cookiecutter . --no-input`` generates (``driver_training/``), baked once."""
    return bake_once()


@pytest.fixture(scope="session")
def default_context():
    """The rendered answers, derived names included, of the default bake."""
    return rendered_answers()
