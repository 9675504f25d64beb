"""Every shell script a generated pipeline runs passes ``shellcheck -S warning``.

Inline scripts are read from the expanded pipelines (step templates with their parameters), with
Azure Pipelines macros ``$(name)`` replaced by a plain word as the agent replaces them by a value;
script files of ``environment_setup/`` are checked as they are. SC2154 (a variable used but never
assigned) is accepted only for the variables ``addSpnToEnvironment`` puts in a step's environment.
"""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.azure_pipelines import MACRO, is_pipeline, jobs, pipeline_files, step_script
from tests.support.bakes import structural_bakes
from tests.support.repository import load

SHELLCHECK = shutil.which("shellcheck", path=str(Path(sys.executable).parent)) or "shellcheck"
# What AzureCLI@2 with addSpnToEnvironment: true exports (Tasks/AzureCLIV2/azureclitask.ts).
SERVICE_PRINCIPAL_VARIABLES = {"servicePrincipalId", "servicePrincipalKey", "idToken", "tenantId"}
NOT_ASSIGNED = "SC2154"


def pipeline_scripts(project):
    """``{script text: where it comes from}`` for every bash step of every pipeline."""
    scripts = {}
    for path in pipeline_files(project):
        if not is_pipeline(load(path)):
            continue
        for job in jobs(path):
            for index, step in enumerate(job.steps):
                script = step_script(step)
                if script is not None:
                    where = f"{path.name} job {job.name} step {index + 1}"
                    scripts.setdefault(MACRO.sub("macro_value", script), where)
    return scripts


def shellcheck(files):
    """shellcheck's findings (json1 comments) on ``files``, warnings and errors only."""
    completed = subprocess.run(
        [SHELLCHECK, "--severity=warning", "--shell=bash", "--external-sources",
         "--format=json1", *map(str, files)],
        capture_output=True, text=True, timeout=300)
    assert completed.returncode in (0, 1), completed.stderr
    return json.loads(completed.stdout)["comments"]


def unexpected(findings, sources):
    problems = []
    for finding in findings:
        code = f"SC{finding['code']}"
        variable = re.match(r"(\w+) is referenced but not assigned", finding["message"])
        if code == NOT_ASSIGNED and variable and variable.group(1) in SERVICE_PRINCIPAL_VARIABLES:
            continue
        problems.append(f"{sources[finding['file']]}: line {finding['line']}: {code} "
                        f"{finding['message']}")
    return problems


def check(scripts, script_files, folder):
    """Write the inline scripts to ``folder`` and shellcheck them with the script files."""
    sources = {}
    for number, (text, where) in enumerate(sorted(scripts.items())):
        path = folder / f"script-{number}.sh"
        path.write_text(f"#!/usr/bin/env bash\n{text}", encoding="utf-8")
        sources[str(path)] = where
    sources.update({str(path): str(path) for path in script_files})
    return unexpected(shellcheck(sources), sources)


@pytest.fixture(scope="module")
def bakes():
    return structural_bakes()


def test_every_pipeline_script_of_every_bake_passes_shellcheck(bakes, tmp_path):
    scripts, script_files = {}, {}
    for _, project in bakes:
        for text, where in pipeline_scripts(project).items():
            scripts.setdefault(text, f"{project.name}: {where}")
        for path in sorted(project.glob("environment_setup/*.sh")):
            script_files.setdefault(path.read_bytes(), path)
    assert len(scripts) >= 8, sorted(scripts.values())
    assert {path.name for path in script_files.values()} >= {
        "arm_deploy.sh", "install_terraform.sh", "terraform_deploy.sh"}
    problems = check(scripts, script_files.values(), tmp_path)
    assert not problems, "\n".join(problems)


def test_the_check_finds_what_it_must(tmp_path):
    """A failed `az` hidden by `export X=$(...)` is reported; only service-principal variables
    may be unassigned."""
    scripts = {
        'set -e\nexport SUBSCRIPTION_ID=$(az account show --query id -o tsv)\n': "sc2155",
        'echo "$servicePrincipalId $tenantId"\n': "service principal",
        'echo "$someoneElsesVariable"\n': "sc2154",
    }
    problems = check(scripts, [], tmp_path)
    assert [problem.split(":")[0] for problem in problems] == ["sc2155", "sc2154"], problems
    assert "SC2155" in problems[0] and "SC2154" in problems[1]
