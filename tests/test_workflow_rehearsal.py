"""Rehearse every GitHub Actions step that runs ``python -m``, offline, in the runner's environment.

For each combination of answers that generates workflows, every step whose ``run:`` script runs
``python -m <module>`` (itself or through a repository script; ``pip`` aside) runs once per
distinct script, with:
- the interpreter of a venv with exactly the generated ``requirements.txt`` (the workflows'
  "Install requirements.txt" step): ``tests.support.commands.requirements_venv``, built once
  per content;
- the environment GitHub gives the step: the workflow's, the job's and the step's ``env:``,
  ``${{ vars.X }}`` from the set-up script's repository variables, the run's ids, and the
  ``GITHUB_*`` files; nothing of this test process;
- the rehearsal's stand-in ``az`` (it knows the subscription and is signed in to nothing, so
  azure-identity's first token request is refused), GitHub's OpenID Connect token for jobs with
  ``id-token: write`` (its endpoint a ``file://`` URL, which curl reads as it reads https), and no
  network at all (``unshare -n``): ``tests.support.rehearsal``'s runner and its verdict.
A step must succeed, or get as far as its first call to Azure; an import error, a missing
variable, a usage error or another exception fails it.
"""
import hashlib
import json
import os
import re
import subprocess

import pytest

from tests.support.bakes import (GITHUB_ACTIONS, bake_once, matrix_id, structural_combinations,
                                 writable_copy)
from tests.support.commands import no_network_prefix, requirements_venv, run_make
from tests.support.rehearsal import PYTHON_MODULE, Rehearsal, verdict
from tests.support.repository import load
from tests.support.workflows import GITHUB_CONTEXT, load_setup_script, run_steps

pytestmark = pytest.mark.slow

SCRIPT = re.compile(r"\bbash (\S+\.sh)\b")


@pytest.fixture(scope="session")
def rehearsal(tmp_path_factory):
    return Rehearsal(tmp_path_factory.mktemp("workflow-rehearsal"), no_network_prefix())


@pytest.fixture(scope="session")
def github_oidc(rehearsal):
    """What GitHub gives a job with ``id-token: write``: where to ask for its OpenID Connect
    token (here a file holding GitHub's answer), and the request's bearer token."""
    answer = rehearsal.folder / "github-oidc-token.json"
    answer.write_text(json.dumps({"value": "rehearsal-oidc-token"}), encoding="utf-8")
    return {"ACTIONS_ID_TOKEN_REQUEST_URL": f"{answer.as_uri()}?api-version=2.0",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "rehearsal-request-token"}


def runs_python(script, project):
    """Whether a ``run:`` script runs ``python -m`` itself or through a repository script."""
    texts = [script] + [(project / path).read_text(encoding="utf-8")
                        for path in SCRIPT.findall(script) if (project / path).is_file()]
    return any(PYTHON_MODULE.search(text) for text in texts)


def python_steps(project, variables, oidc):
    """(workflow, job, step name, script, env) of every step that runs ``python -m``; jobs
    that may ask for an OpenID Connect token get ``oidc``."""
    context = {"github": GITHUB_CONTEXT, "vars": variables, "inputs": {}}
    for path, job_id, job, step, env in run_steps(project, context):
        if runs_python(step["run"], project):
            if (job.get("permissions") or {}).get("id-token") == "write":
                env = {**oidc, **env}
            yield path.name, job_id, step["name"], step["run"], env


@pytest.mark.parametrize("overrides", structural_combinations(**GITHUB_ACTIONS), ids=matrix_id)
def test_every_python_step_of_every_workflow_reaches_azure_offline(overrides, rehearsal,
                                                                   github_oidc, tmp_path):
    project = writable_copy(bake_once(**overrides), tmp_path)
    setup = load_setup_script(project)
    config = setup.load_config(project / "environment_setup" / "github.json")
    variables = {name: f"<{name}>" for name in setup.repository_variable_names(config)} | \
        config["variables"]
    digest, venv = rehearsal.venv(project / "requirements.txt")
    steps = list(python_steps(project, variables, github_oidc))
    azure_steps = {
        ("train.yml", "Register the environment and submit the pipeline job"),
        ("train.yml", "Wait for the job"),
        ("train.yml", "Fail unless Completed; warn when no new model"),
        ("train.yml", "Cancel the Azure ML job with the run"),
        ("deploy.yml", "Find the model the Train run registered"),
        ("deploy.yml", "Create or update the endpoint and its deployment"),
        ("deploy.yml", "Smoke test with the two sample rows")}
    assert {(workflow, step) for workflow, _, step, _, _ in steps} == azure_steps | {
        ("ci.yml", "Summarise test results and coverage")}
    problems, reached = [], set()
    for workflow, job, step, script, env in steps:
        key = (digest, script, json.dumps(env, sort_keys=True))
        # A step runs once per key: its summary file is the key's.
        summary = rehearsal.folder / f"summary-{hashlib.sha256(repr(key).encode()).hexdigest()}"
        summary.touch()
        files = {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": os.devnull,
                 "GITHUB_ENV": os.devnull}
        returncode, output = rehearsal.run(key, script, venv, {**env, **files}, project)
        problem = verdict(returncode, output)
        if problem:
            problems.append(f"{workflow} {job} / {step}: {problem} (exit {returncode}):\n"
                            f"{output[-2000:]}")
        elif returncode != 0:
            reached.add((workflow, step))
        elif step.startswith("Summarise"):
            assert "### Test results" in summary.read_text(encoding="utf-8")
    assert not problems, "\n\n".join(problems)
    # Offline and signed in to nothing, every Azure ML step stops at its first call to Azure.
    assert reached == azure_steps


def test_the_ci_workflow_runs_make_ci_and_puts_its_reports_in_the_summary(tmp_path):
    """The CI job's two steps in a GitHub repository (Terraform, evaluation on), in a venv of
    exactly its requirements: ``make ci`` passes (the set-up script's, the workflow scripts' and
    the summary's own tests among its tests), then the summary step reads what it wrote."""
    project = writable_copy(bake_once(**structural_combinations(**GITHUB_ACTIONS)[-1]), tmp_path)
    python = requirements_venv(project / "requirements.txt") / "bin" / "python"
    steps = {step.get("name"): step.get("run") for step in
             load(project / ".github" / "workflows" / "ci.yml")["jobs"]["code-quality"]["steps"]}
    assert steps["Lint (flake8) and unit tests (pytest with coverage)"] == "make ci"

    completed = run_make(project, "ci", python=python,
                         env={"HOME": str(tmp_path), "PYTHONPATH": ""})
    assert re.fullmatch(r"=+ \d+ passed in .* =+", completed.stdout.strip().splitlines()[-1])
    summary = tmp_path / "step-summary.md"
    subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c",
                    steps["Summarise test results and coverage"]], cwd=project, check=True,
                   env={"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(tmp_path),
                        "GITHUB_STEP_SUMMARY": str(summary)}, timeout=120)

    text = summary.read_text(encoding="utf-8")
    tests = re.search(r"^\| unit-testresults\.xml \| (\d+) \| 0 \| 0 \| \d+ \|$", text, re.M)
    assert tests and int(tests.group(1)) >= 50, text
    assert re.search(r"^\| lint-testresults\.xml \| \d+ \| 0 \| 0 \|", text, re.M), text
    assert "| Name" in text and "**TOTAL**" in text, text
