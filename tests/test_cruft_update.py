"""A team's repository takes a template fix with cruft and keeps its own files.

The template's tracked files are committed to a fresh git repository (cruft only reads templates
from git), a project is created from it with cruft and committed, the team edits a file the
generated ``pyproject.toml`` skips, the template changes both that file and the README, and
``cruft check`` / ``cruft update`` run as a team would run them. HOME is a temporary folder, so
cookiecutter's replay files and any git or cookiecutter configuration stay out of the user's.
"""
import json
import shlex
import shutil
import sys
from pathlib import Path

import pytest

from conftest import TEMPLATE_DIR, load_hook, run

CRUFT = Path(sys.executable).with_name("cruft")
TEAM_PARAMETERS = '{"learning_rate": 0.02, "num_leaves": 31, "comment": "team 7 tuned this"}\n'
TEMPLATE_PARAMETERS = '{"learning_rate": 0.05, "num_leaves": 63}\n'
README_FIX = "A fix from the template: read this line after `cruft update`."


@pytest.fixture
def sandbox(tmp_path):
    """A temporary HOME and git identity for every subprocess of the test."""
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Template Test",
           "GIT_AUTHOR_EMAIL": "template-test@example.com", "GIT_COMMITTER_NAME": "Template Test",
           "GIT_COMMITTER_EMAIL": "template-test@example.com"}
    return tmp_path, env


def commit_all(repository, message, env):
    run(["git", "add", "-A"], repository, env=env)
    run(["git", "commit", "-q", "-m", message], repository, env=env)


def copy_template(destination, env):
    """The worktree's tracked files, as they are on disk, committed in a new repository."""
    tracked = run(["git", "ls-files", "-z"], TEMPLATE_DIR).stdout.split("\0")
    for relative in filter(None, tracked):
        source = TEMPLATE_DIR / relative
        if source.is_file():
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    run(["git", "init", "-q", "-b", "main"], destination, env=env)
    commit_all(destination, "Template as tested", env)


@pytest.fixture
def template(sandbox):
    """The template, committed in a repository of its own in the sandbox."""
    tmp_path, env = sandbox
    (tmp_path / "template").mkdir()
    copy_template(tmp_path / "template", env)
    return tmp_path / "template"


@pytest.mark.slow
def test_cruft_update_brings_a_template_fix_and_keeps_the_teams_files(sandbox, template):
    tmp_path, env = sandbox

    run([CRUFT, "create", template, "--no-input", "--output-dir", tmp_path / "projects",
         "--extra-context", json.dumps({"team_number": "7"})], tmp_path, env=env)
    project = tmp_path / "projects" / "driver_training"
    skipped = "driver_training/parameters.json"
    skip_list = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"{skipped}"' in skip_list
    run(["git", "init", "-q", "-b", "main"], project, env=env)
    commit_all(project, "Generate from the template", env)
    (project / skipped).write_text(TEAM_PARAMETERS, encoding="utf-8")
    commit_all(project, "Team 7's own parameters", env)

    template_project = template / "{{cookiecutter.project_name}}"
    readme = template_project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + f"\n{README_FIX}\n", encoding="utf-8")
    (template_project / "{{cookiecutter.project_name}}" / "parameters.json").write_text(
        TEMPLATE_PARAMETERS, encoding="utf-8")
    commit_all(template, "Fix the README; new default parameters", env)

    drift = run([CRUFT, "check"], project, env=env, check=False)
    assert drift.returncode != 0, drift.stdout
    assert "out of date" in drift.stdout + drift.stderr

    update = run([CRUFT, "update", "--skip-apply-ask", "--allow-untracked-files"], project,
                 env=env)

    output = update.stdout + update.stderr
    assert "Failed" not in output and "conflict" not in output.lower(), output
    assert README_FIX in (project / "README.md").read_text(encoding="utf-8")
    assert (project / skipped).read_text(encoding="utf-8") == TEAM_PARAMETERS
    assert not list(project.rglob("*.rej"))
    changed = run(["git", "status", "--porcelain"], project, env=env).stdout.splitlines()
    assert sorted(line[3:] for line in changed) == [".cruft.json", "README.md"]
    assert run([CRUFT, "check"], project, env=env).returncode == 0


@pytest.mark.slow
def test_the_organisers_refusal_gives_the_cruft_update_that_changes_the_answers(sandbox, template):
    tmp_path, env = sandbox
    roster, teams = tmp_path / "roster.csv", tmp_path / "teams"

    def organise(text):
        # From a git address, as a gh: one is: cookiecutter clones it, cruft records it.
        roster.write_text(text, encoding="utf-8")
        return run([sys.executable, "-m", "organiser", roster, "--output-dir", teams,
                    "--template", f"git+file://{template}"], TEMPLATE_DIR, env=env, check=False)

    assert organise("team_number\n7\n").returncode == 0
    project = teams / "EY_Team7_MLOps"
    run(["git", "init", "-q", "-b", "main"], project, env=env)
    commit_all(project, "Generate from the template", env)

    changed = "team_number,location,base_name\n7,westeurope,eyteam77\n"
    refusal = organise(changed)
    assert refusal.returncode == 1
    command = shlex.split(refusal.stderr.splitlines()[0].split("run in it: ")[1])
    assert command[:2] == ["cruft", "update"]
    run([CRUFT, *command[1:], "--skip-apply-ask"], project, env=env)

    dotenv = load_hook("post_gen_project").read_document(project / ".env.example")
    assert (dotenv["BASE_NAME"], dotenv["LOCATION"]) == ("eyteam77", "westeurope")
    state = json.loads((project / ".cruft.json").read_text(encoding="utf-8"))
    assert state["context"]["cookiecutter"]["__storage_account"] == "eyteam77amlsa"
    again = organise(changed)
    assert again.returncode == 0 and "unchanged  team 7" in again.stdout
