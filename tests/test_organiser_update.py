"""``--update``: generated teams brought to the template's new commit with cruft, a team's own
change kept (a clash handed to the team, never resolved for it), on a branch where the team's
repository is a git checkout and as a pull request on GitHub with ``--push``; re-runs make no
second update. The template is a committed copy of this one that gains a commit, as a template
fix does on the day."""
import json
import re

import pytest

from organiser.cli import main as organiser
from tests.support.organiser import (commit_change, committed_template, contents, git,
                                     make_checkout, run_printed, use_sandbox, write_roster)

README = "{{cookiecutter.project_name}}/README.md"
MAKEFILE = "{{cookiecutter.project_name}}/Makefile"
TITLE = "# {{ cookiecutter.repo_name }}\n"
FIXED_TITLE = "# {{ cookiecutter.repo_name }}, the workshop's repository\n"
# A line of the generated README the template fix leaves alone, and a team's change of it.
UNTOUCHED = "## What the infrastructure creates\n"
TEAM_LINE = "## What the infrastructure creates (team 3 reads this first)\n"


@pytest.fixture
def template(tmp_path, monkeypatch):
    use_sandbox(tmp_path, monkeypatch)
    return committed_template(tmp_path / "template")


def organise(tmp_path, template, *options):
    roster = write_roster(tmp_path, "team_number\n1\n2\n3\n")
    output = tmp_path / "teams"
    status = organiser([str(roster), "--output-dir", str(output), "--template", str(template),
                        *options])
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    return status, output, [(team["status"], team["detail"]) for team in report["teams"]]


def fix_the_template(template):
    """The template's fix of the day: its README's title."""
    return commit_change(template, README, TITLE, FIXED_TITLE, "Say whose repository it is")


def test_update_brings_each_checkout_to_the_new_commit_on_a_branch_and_keeps_the_teams_changes(
        template, tmp_path, capsys):
    assert organise(tmp_path, template)[0] == 0
    output = tmp_path / "teams"
    folders = {number: output / f"EY_Team{number}_MLOps" for number in "123"}
    for folder in folders.values():
        make_checkout(folder)
    # Team 2 rewrote the line the template fixes; team 3 changed another line of the same file.
    commit_change(folders["2"], "README.md", "# EY_Team2_MLOps\n", "# Team 2's own title\n",
                  "Our title")
    commit_change(folders["3"], "README.md", UNTOUCHED, TEAM_LINE, "Our reading order")
    mains = {number: git(folder, "rev-parse", "HEAD") for number, folder in folders.items()}
    old = json.loads((folders["1"] / ".cruft.json").read_text(encoding="utf-8"))["commit"]
    commit = fix_the_template(template)
    assert organise(tmp_path, template, "--update", "--dry-run")[0] == 0
    assert (f"team 1  EY_Team1_MLOps  update from the template's commit {old[:12]} to "
            f"{commit[:12]}\n") in capsys.readouterr().out

    status, output, teams = organise(tmp_path, template, "--update")
    assert status == 0
    branch = f"template-update-{commit[:12]}"
    assert [team[0] for team in teams] == ["updated", "conflict", "updated"]
    assert teams[1][1].startswith("conflicts in README.md: committed with their markers on "
                                  f"branch {branch}: resolve them there, then: cd ")
    # Nothing of any team's own branch or files changed: the update is on a branch of its own.
    for number, folder in folders.items():
        assert git(folder, "rev-parse", "HEAD") == mains[number]
        assert git(folder, "status", "--porcelain") == ""
    title = git(folders["2"], "show", f"{branch}:README.md").split("\n=======\n")
    assert title[0].endswith("<<<<<<< ours\n# Team 2's own title")
    assert title[1].startswith("# EY_Team2_MLOps, the workshop's repository\n>>>>>>> theirs")
    team3 = git(folders["3"], "show", f"{branch}:README.md")
    assert team3.startswith("# EY_Team3_MLOps, the workshop's repository\n") and TEAM_LINE in team3
    state = json.loads(git(folders["3"], "show", f"{branch}:.cruft.json"))
    assert state["commit"] == commit
    message = git(folders["2"], "log", "-1", "--format=%B", branch)
    assert "- Say whose repository it is" in message
    assert "Conflicts to resolve: README.md" in message

    # The commands printed take the update: exactly as printed.
    run_printed(teams[2][1].split("to take it: ")[1])
    assert (folders["3"] / "README.md").read_text(encoding="utf-8") == team3
    run_printed(teams[1][1].split("resolve them there, then: ")[1])
    assert "<<<<<<< ours\n# Team 2's own title\n=======\n" in (
        folders["2"] / "README.md").read_text(encoding="utf-8")

    organise(tmp_path, template, "--update", "--dry-run")
    assert (f"team 1  EY_Team1_MLOps  unchanged (its update waits on branch {branch})\n"
            in capsys.readouterr().out)
    status, output, again = organise(tmp_path, template, "--update")
    assert status == 0 and [team[0] for team in again] == ["unchanged"] * 3
    assert again[0][1] == "not merged yet: " + teams[0][1]
    assert again[1][1] == again[2][1] == f"at the template's commit {commit[:12]}"
    assert [git(folder, "branch", "--list", "template-update-*").split()[-1]
            for folder in folders.values()] == [branch] * 3


@pytest.mark.slow
def test_update_in_a_folder_outside_git_applies_the_fix_in_place(template, tmp_path):
    assert organise(tmp_path, template)[0] == 0
    folder = tmp_path / "teams" / "EY_Team1_MLOps"
    generated = contents(folder)
    commit = fix_the_template(template)
    status, output, teams = organise(tmp_path, template, "--update")
    assert status == 0
    assert teams == [("updated", f"to the template's commit {commit[:12]}")] * 3
    changed = {path for path, digest in contents(folder).items() if generated.get(path) != digest}
    assert changed == {"README.md", ".cruft.json"}
    assert (folder / "README.md").read_text(encoding="utf-8").startswith(
        "# EY_Team1_MLOps, the workshop's repository\n")
    assert [path.name for path in output.iterdir() if path.name.startswith(".")] == []
    assert [team[0] for team in organise(tmp_path, template, "--update")[2]] == ["unchanged"] * 3


def test_update_needs_a_committed_template(template, tmp_path, capsys):
    assert organise(tmp_path, template)[0] == 0
    (template / README).write_text("edited\n", encoding="utf-8")
    roster = tmp_path / "roster.csv"
    assert organiser([str(roster), "--output-dir", str(tmp_path / "teams"), "--template",
                      str(template), "--update"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"ERROR: --template {template}: has uncommitted changes ({README}); --update brings "
        "teams to its last commit: commit them first", "Nothing was written."]


@pytest.mark.slow
def test_update_with_push_opens_one_pull_request_per_team_and_none_on_a_rerun(
        template, stand_in_gh, tmp_path):
    status, output, teams = organise(tmp_path, template, "--push", "org")
    assert status == 0 and [team[0] for team in teams] == ["pushed"] * 3
    names = [f"org/EY_Team{number}_MLOps" for number in "123"]
    # The teams work on GitHub: team 2 on the line the template fixes, team 3 elsewhere.
    stand_in_gh.team_commit(names[1], "README.md", "# EY_Team2_MLOps\n",
                            "# Team 2's own title\n", "Our title")
    stand_in_gh.team_commit(names[2], "README.md", UNTOUCHED, TEAM_LINE, "Our reading order")
    mains = [stand_in_gh.branch(name, "main") for name in names]
    commit = fix_the_template(template)

    status, output, teams = organise(tmp_path, template, "--update", "--push", "org")
    assert status == 0
    assert [team[0] for team in teams] == ["updated", "conflict", "updated"]
    requests = stand_in_gh.pull_requests()
    assert [(request["repo"], request["baseRefName"], request["state"]) for request in requests
            ] == [(name, "main", "OPEN") for name in names]
    assert [team[1] for team in teams] == [
        f"pull request {requests[0]['url']}",
        f"conflicts in README.md: pull request {requests[1]['url']}",
        f"pull request {requests[2]['url']}"]
    branch = f"template-update-{commit[:12]}"
    assert {request["headRefName"] for request in requests} == {branch}
    assert requests[1]["title"] == (f"Update from the template to {commit[:12]} "
                                    "(conflicts to resolve)")
    assert "Conflicts to resolve: README.md" in requests[1]["body"]
    # Never a push to main: each team's main is where the team left it.
    assert [stand_in_gh.branch(name, "main") for name in names] == mains
    team3 = stand_in_gh.show(names[2], branch, "README.md")
    assert team3.startswith("# EY_Team3_MLOps, the workshop's repository\n") and TEAM_LINE in team3
    assert "# Team 2's own title" in stand_in_gh.show(names[1], branch, "README.md")

    creates = len([call for call in stand_in_gh.calls() if call[:2] == ["pr", "create"]])
    status, output, again = organise(tmp_path, template, "--update", "--push", "org")
    assert status == 0
    assert again == [("unchanged", f"pull request {request['url']} (open)")
                     for request in requests]
    assert len([call for call in stand_in_gh.calls() if call[:2] == ["pr", "create"]]) == creates
    assert len(stand_in_gh.pull_requests()) == 3


@pytest.mark.slow
def test_a_pushed_branch_whose_pull_request_failed_gets_it_on_a_rerun(
        template, stand_in_gh, tmp_path, monkeypatch):
    organise(tmp_path, template, "--push", "org")
    commit = fix_the_template(template)
    monkeypatch.setenv("GH_FAIL", json.dumps({"pr create org/EY_Team2_MLOps": "network"}))
    status, output, teams = organise(tmp_path, template, "--update", "--push", "org")
    assert status == 1
    assert teams[1] == ("failed", "gh pr create org/EY_Team2_MLOps failed: error "
                                  "connecting to api.github.com; check your internet "
                                  "connection or https://githubstatus.com")
    assert [team[0] for team in teams] == ["updated", "failed", "updated"]
    pushed = stand_in_gh.branch("org/EY_Team2_MLOps", f"template-update-{commit[:12]}")
    assert pushed

    monkeypatch.delenv("GH_FAIL")
    status, output, teams = organise(tmp_path, template, "--update", "--push", "org")
    assert status == 0 and [team[0] for team in teams] == ["unchanged", "updated", "unchanged"]
    # The branch the failed run pushed is the one proposed: no second update, no force-push.
    assert stand_in_gh.branch("org/EY_Team2_MLOps", f"template-update-{commit[:12]}") == pushed
    assert re.fullmatch(r"pull request https://github.com/org/EY_Team2_MLOps/pull/1", teams[1][1])
