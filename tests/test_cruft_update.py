"""A team's repository takes a template fix with cruft and keeps its own files, and every cruft
command the template prints runs as printed.

The template's tracked files are committed to a fresh git repository (cruft only reads templates
from git). The generated README's ``cruft create`` line makes exactly the team's repository; a
project created with it takes a template change with ``cruft update`` and keeps a file the
generated ``pyproject.toml`` skips; the organiser's command for changed answers changes them.
HOME is a temporary folder, so cookiecutter's replay files and any git or cookiecutter
configuration stay out of the user's.
"""
import json
import os
import shlex
import sys
from pathlib import Path

import pytest

from hooks import post_gen_project
from tests.support.bakes import TEMPLATE_DIR, bake_once
from tests.support.commands import run
from tests.support.organiser import (commit_all, committed_template, contents, run_printed,
                                     use_sandbox)

CRUFT = Path(sys.executable).with_name("cruft")
TEAM_PARAMETERS = '{"learning_rate": 0.02, "num_leaves": 31, "comment": "team 7 tuned this"}\n'
TEMPLATE_PARAMETERS = '{"learning_rate": 0.05, "num_leaves": 63}\n'
README_FIX = "A fix from the template: read this line after `cruft update`."
# Teams whose answers a cruft create without them would lose: a v2 GitHub Actions team (the
# defaults make a v1 Azure DevOps one), and a v1 team with every deployment target and names of
# its own.
TEAMS = [
    {"team_number": "9", "location": "westeurope", "iac_tool": "terraform",
     "azureml_sdk": "v2", "orchestrator": "github_actions", "run_evaluation": True},
    {"team_number": "12", "project_name": "safe_driver", "base_name": "blueteam",
     "deploy_aks": True, "deploy_webapp": True, "devops_organization": "https://dev.azure.com/ey"},
]


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A temporary HOME, a git identity, and this interpreter's scripts (cruft) first on PATH,
    for every subprocess of the test."""
    use_sandbox(tmp_path, monkeypatch)
    monkeypatch.setenv("PATH", f"{CRUFT.parent}{os.pathsep}{os.environ['PATH']}")
    return tmp_path


@pytest.fixture
def template(sandbox):
    """The template, committed in a repository of its own in the sandbox."""
    return committed_template(sandbox / "template")


def readme_command(project, start):
    [line] = [line.strip() for line in (project / "README.md").read_text(encoding="utf-8")
              .splitlines() if line.strip().startswith(start)]
    return line


@pytest.mark.slow
@pytest.mark.parametrize("answers", TEAMS, ids=["v2-github-actions", "v1-every-target"])
def test_the_readmes_cruft_create_makes_exactly_the_teams_repository(sandbox, template,
                                                                     answers):
    project = bake_once(**answers)
    command = readme_command(project, "cruft create ")
    (sandbox / "made").mkdir()
    run_printed(command.replace("<template git URL>", shlex.quote(str(template))),
                sandbox / "made")
    made = contents(sandbox / "made" / project.name)
    assert made.pop(".cruft.json") and made == contents(project)


@pytest.mark.slow
def test_cruft_update_brings_a_template_fix_and_keeps_the_teams_files(sandbox, template):
    tmp_path = sandbox
    (tmp_path / "projects").mkdir()
    project = tmp_path / "projects" / "driver_training"
    command = readme_command(bake_once(team_number="7"), "cruft create ")
    run_printed(command.replace("<template git URL>", str(template)), tmp_path / "projects")
    skipped = "driver_training/parameters.json"
    skip_list = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"{skipped}"' in skip_list
    run(["git", "init", "-q", "-b", "main"], project)
    commit_all(project, "Generate from the template")
    (project / skipped).write_text(TEAM_PARAMETERS, encoding="utf-8")
    commit_all(project, "Team 7's own parameters")

    template_project = template / "{{cookiecutter.project_name}}"
    readme = template_project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + f"\n{README_FIX}\n", encoding="utf-8")
    (template_project / "{{cookiecutter.project_name}}" / "parameters.json").write_text(
        TEMPLATE_PARAMETERS, encoding="utf-8")
    commit_all(template, "Fix the README; new default parameters")

    drift = run(["cruft", "check"], project, check=False)
    assert drift.returncode != 0, drift.stdout
    assert "out of date" in drift.stdout + drift.stderr

    update = run_printed(readme_command(project, "cruft update "), project)

    output = update.stdout + update.stderr
    assert "Failed" not in output and "conflict" not in output.lower(), output
    assert README_FIX in (project / "README.md").read_text(encoding="utf-8")
    assert (project / skipped).read_text(encoding="utf-8") == TEAM_PARAMETERS
    assert not list(project.rglob("*.rej"))
    changed = run(["git", "status", "--porcelain"], project).stdout.splitlines()
    assert sorted(line[3:] for line in changed) == [".cruft.json", "README.md"]
    assert run(["cruft", "check"], project).returncode == 0


@pytest.mark.slow
def test_the_organisers_refusal_gives_the_cruft_update_that_changes_the_answers(sandbox, template):
    tmp_path = sandbox
    roster, teams = tmp_path / "roster.csv", tmp_path / "teams"

    def organise(text):
        # From a git address, as a gh: one is: cookiecutter clones it, cruft records it.
        roster.write_text(text, encoding="utf-8")
        return run([sys.executable, "-m", "organiser", roster, "--output-dir", teams,
                    "--template", f"git+file://{template}"], TEMPLATE_DIR, check=False)

    assert organise("team_number\n7\n").returncode == 0
    project = teams / "EY_Team7_MLOps"
    run(["git", "init", "-q", "-b", "main"], project)
    commit_all(project, "Generate from the template")

    changed = "team_number,location,base_name\n7,westeurope,eyteam77\n"
    refusal = organise(changed)
    assert refusal.returncode == 1
    [line] = [line for line in refusal.stdout.splitlines() if line.startswith("  refused  ")]
    run_printed(line.split("; nothing overwritten: to change them there, run: ")[1], tmp_path)

    dotenv = post_gen_project.read_document(project / ".env.example")
    assert (dotenv["BASE_NAME"], dotenv["LOCATION"]) == ("eyteam77", "westeurope")
    state = json.loads((project / ".cruft.json").read_text(encoding="utf-8"))
    assert state["context"]["cookiecutter"]["__storage_account"] == "eyteam77amlsa"
    again = organise(changed)
    assert again.returncode == 0 and "unchanged  team 7" in again.stdout
