"""Each generated repository passes its own tests: in the fast tier, the unit tests of its model
package and of ml_service in this environment; in the slow tier, its whole CI code-quality stage
(`make ci`) with no edits."""
import os
import re
import sys
from pathlib import Path

import pytest

from tests.support.bakes import bake_once, crossed_combinations, matrix_id, writable_copy
from tests.support.commands import SINGLE_THREAD, run, run_make, run_python


def test_the_generated_unit_tests_pass(default_project, default_context, tmp_path):
    """The default repository's own tests of its model package (the evaluation's decision, the
    model's tags, the features, score.py's answers to bad input, training) and of ml_service,
    as `pytest -m "not slow"` runs them there: a broken decision or scoring rule fails here, not
    only in the slow tier's `make ci`. This environment has the v1 requirements; the v2
    repository's package tests are the same files (its steps' tests need azure-ai-ml)."""
    project = writable_copy(default_project, tmp_path / "project")
    # An empty bytecode cache, as on the first run after `make install` (uv does not compile):
    # warnings that Python gives only while compiling a module show then, and only then.
    completed = run_python(["-m", "pytest", "-m", "not slow", "-p", "no:cacheprovider", "-q",
                            default_context["project_name"], "ml_service"], project,
                           env={**SINGLE_THREAD, "HOME": str(tmp_path),
                                "PYTHONPYCACHEPREFIX": str(tmp_path / "bytecode")})
    summary = completed.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed, \d+ deselected in .*", summary), summary


# The workshop's defaults, and every optional part switched on for another team.
SUITE_ANSWERS = [{}, {**crossed_combinations()[-1], "team_number": "7"}]


@pytest.mark.slow
@pytest.mark.parametrize("overrides", SUITE_ANSWERS, ids=lambda o: matrix_id(o) or "defaults")
def test_generated_repository_passes_its_ci_stage_offline(overrides, tmp_path):
    # A copy: make ci writes reports into the repository, and the bake is shared.
    project = writable_copy(bake_once(**overrides), tmp_path)
    # HOME is scratch: azureml-core writes ~/.azureml.
    completed = run_make(project, "ci", env={"HOME": str(tmp_path)})
    summary = completed.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"=+ \d+ passed in .* =+", summary), summary
    # What the pipeline publishes: JUnit results of lint and tests, and Cobertura coverage.
    for report in ("lint-testresults.xml", "unit-testresults.xml", "coverage.xml"):
        assert (project / report).read_text(encoding="utf-8").startswith("<?xml")


@pytest.mark.slow
def test_pre_commit_hooks_run_offline_with_the_pinned_tools(default_project, tmp_path):
    # The README's set-up: git init, pre-commit install; then the hooks on every file. Local
    # hooks use the tools of this environment, so nothing is downloaded.
    project = writable_copy(default_project, tmp_path)
    env = {"HOME": str(tmp_path), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    run(["git", "init", "-q", "-b", "main"], project, env=env)
    run([sys.executable, "-m", "pre_commit", "install"], project, env=env)
    run(["git", "add", "."], project, env=env)
    completed = run([sys.executable, "-m", "pre_commit", "run", "--all-files"], project, env=env)
    for hook in ("flake8 (setup.cfg)", "YAML files parse", "JSON files parse"):
        assert re.search(rf"^{re.escape(hook)}\.+Passed$", completed.stdout, re.MULTILINE), hook
    # A broken YAML file is caught before it is committed.
    (project / "broken.yml").write_text("a: [1, 2\n", encoding="utf-8")
    run(["git", "add", "broken.yml"], project, env=env)
    failed = run([sys.executable, "-m", "pre_commit", "run", "--all-files"], project, env=env,
                 check=False)
    assert failed.returncode != 0 and "broken.yml" in failed.stdout


@pytest.mark.slow
def test_make_install_installs_the_pins_with_the_pinned_uv(default_project, tmp_path):
    # A fresh virtual environment, as a team's first `make install` or a CI agent has.
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], tmp_path)
    python = venv / "bin" / "python"
    completed = run_make(default_project, "install", PYTHON=python)
    uv_pin = next(line for line in (default_project / "requirements.txt").read_text().splitlines()
                  if line.startswith("uv=="))
    assert run([python, "-m", "uv", "--version"], tmp_path).stdout.split()[1] == uv_pin[4:]
    assert "Installed" in completed.stderr, "uv, not the pip fallback, installed requirements.txt"
    run([python, "-c", "import lightgbm, azureml.core, azureml_inference_server_http"], tmp_path)
