"""Organiser mode: a roster checked whole before anything is written, every team generated as
cookiecutter generates it, idempotent re-runs, isolated failures, and pushes with a stand-in gh."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TEMPLATE_DIR, bake_once, load_hook, run_python, template_answers
from organiser.cli import main as organiser
from organiser.roster import unique_keys
from organiser.template import open_template

pre_gen = load_hook("pre_gen_project")
README = (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
ORGANISERS = README.split("## For organisers")[1].split("\n## ")[0]
# The README's three-team roster, so the example an organiser copies is the one tested.
README_ROSTER = re.search(r"```csv\n(.*?)```", ORGANISERS, re.DOTALL).group(1)


def write_roster(folder, text, name="roster.csv"):
    path = Path(folder) / name
    path.write_text(text, encoding="utf-8")
    return path


def tree(folder):
    """Every file under ``folder``: its bytes' digest and modification time, by relative path."""
    return {str(path.relative_to(folder)): (hashlib.sha256(path.read_bytes()).hexdigest(),
                                            path.stat().st_mtime_ns)
            for path in sorted(Path(folder).rglob("*")) if path.is_file()}


def contents(folder):
    return {path: digest for path, (digest, _) in tree(folder).items()}


def rows(text):
    header, *lines = text.strip().splitlines()
    keys = header.split(",")
    return [{key: cell for key, cell in zip(keys, line.split(",")) if cell} for line in lines]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The README's roster, generated once: (output folder, exit status, printed output)."""
    scratch = tmp_path_factory.mktemp("organiser")
    roster = write_roster(scratch, README_ROSTER)
    completed = run_python(["-m", "organiser", roster, "--output-dir", scratch / "teams"],
                           TEMPLATE_DIR)
    return scratch / "teams", completed


# --- generating -------------------------------------------------------------------------------

def test_each_team_is_what_cookiecutter_generates_for_its_answers(generated):
    output, completed = generated
    assert completed.returncode == 0
    for cells in rows(README_ROSTER):
        expected = bake_once(**cells)
        folder = output / f"EY_Team{cells['team_number']}_MLOps"
        generated_files = contents(folder)
        cruft = generated_files.pop(".cruft.json")
        assert cruft and generated_files == contents(expected), folder
    assert sorted(path.name for path in output.iterdir()) == [
        "EY_Team1_MLOps", "EY_Team2_MLOps", "EY_Team3_MLOps", "report.json", "report.md"]


def test_cruft_json_records_the_template_and_the_answers(generated):
    output, _ = generated
    state = json.loads((output / "EY_Team2_MLOps" / ".cruft.json").read_text(encoding="utf-8"))
    assert state["template"] == str(TEMPLATE_DIR)
    answers = state["context"]["cookiecutter"]
    assert (answers["team_number"], answers["location"], answers["iac_tool"]) == (
        "2", "westeurope", "terraform")
    assert answers["__storage_account"] == "eyteam2amlsa"
    assert answers["_template"] == state["template"] and answers["_commit"] == state["commit"]


def test_the_reports_list_each_team_with_its_azure_names(generated):
    output, completed = generated
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    teams = {team["team_number"]: team for team in report["teams"]}
    assert sorted(teams) == ["1", "2", "3"]
    assert {team["status"] for team in teams.values()} == {"created"}
    team3 = teams["3"]
    assert team3["path"] == "EY_Team3_MLOps" and team3["line"] == 4
    assert (team3["answers"]["location"], team3["answers"]["deploy_aks"]) == ("eastus", True)
    assert team3["azure_names"]["storage_account"] == "eyteam3amlsa"
    assert team3["azure_names"]["key_vault"] == "eyteam3-AML-KV"
    handout = (output / "report.md").read_text(encoding="utf-8")
    assert "| `3` | `EY_Team3_MLOps` | `eyteam3` | `eastus` |" in handout
    assert "`eyteam3amlcr`" in handout and "| created |" in handout
    assert "3 created" in completed.stdout


def test_a_second_run_leaves_every_team_byte_identical(generated, tmp_path):
    output, _ = generated
    before = {folder.name: tree(folder) for folder in output.iterdir() if folder.is_dir()}
    roster = write_roster(tmp_path, README_ROSTER)
    assert organiser([str(roster), "--output-dir", str(output)]) == 0
    assert {folder.name: tree(folder) for folder in output.iterdir() if folder.is_dir()} == before
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    assert [team["status"] for team in report["teams"]] == ["unchanged"] * 3


def test_changed_answers_are_refused_and_nothing_is_overwritten(generated, tmp_path, capsys):
    output, _ = generated
    before = tree(output)
    roster = write_roster(tmp_path, README_ROSTER.replace("2,westeurope,", "2,northeurope,"))
    assert organiser([str(roster), "--output-dir", str(output)]) == 1
    [error] = [line for line in capsys.readouterr().err.splitlines() if "team 2" in line]
    assert error.startswith("ERROR: roster.csv:3: team 2: ")
    assert "exists with other answers: location='northeurope' (there 'westeurope')" in error
    assert error.endswith("""run in it: cruft update --refresh-private-variables """
                          """--variables-to-update '{"location": "northeurope"}'""")
    assert tree(output) == before


def test_dry_run_prints_the_plan_and_writes_nothing(generated, tmp_path, capsys):
    output, _ = generated
    roster = write_roster(tmp_path, README_ROSTER + "4,,,\n")
    assert organiser([str(roster), "--output-dir", str(tmp_path / "new"), "--dry-run"]) == 0
    plan = capsys.readouterr().out
    assert re.search(r"team +4 +EY_Team4_MLOps +base_name=eyteam4 +create", plan)
    assert not (tmp_path / "new").exists()
    assert organiser([str(roster), "--output-dir", str(output), "--dry-run"]) == 0
    plan = capsys.readouterr().out
    assert re.search(r"EY_Team1_MLOps +base_name=eyteam1 +unchanged", plan)
    assert not (output / "EY_Team4_MLOps").exists()


# --- checking the roster ----------------------------------------------------------------------

BAD_ROSTERS = [
    ("team_number,colour\n1,red\n",
     ["roster.csv:1: column 'colour' is not an answer of cookiecutter.json; allowed: "]),
    ("location\nwesteurope\n", ["roster.csv:1: no team_number column"]),
    ("team_number,location\n1,\n,westeurope\n",
     ["roster.csv:3: team ?: team_number is empty"]),
    ("team_number,location\n1,westeurope,x\n", ["roster.csv:2: team 1: has 3 cells, the header 2"]),
    ("team_number,base_name\n7,EY-Team7\n",
     ["roster.csv:2: team 7: base_name='EY-Team7': has - E T Y; allowed: "]),
    ("team_number,location,deploy_aks\n1,mars,maybe\n",
     ["roster.csv:2: team 1: location='mars': is not one of the choices; allowed: one of ",
      "roster.csv:2: team 1: deploy_aks='maybe': is not a yes or no; allowed: "]),
    # A repeated team number is blamed alone, not the names built from it.
    ("team_number\n1\n2\n1\n",
     ["roster.csv:4: team 1: team_number='1': also on line 2 (team 1); allowed: "]),
    ("team_number,base_name\n1,\n2,eyteam1\n",
     ["roster.csv:3: team 2: base_name='eyteam1': also on line 2 (team 1); allowed: "]),
    ("team_number,repo_name\n1,\n2,ey_team1_mlops\n",
     ["roster.csv:3: team 2: repo_name='ey_team1_mlops': also on line 2 (team 1); allowed: "]),
    ("team_number\n", ["roster.csv: no teams"]),
]


@pytest.mark.parametrize("text, expected", BAD_ROSTERS, ids=[
    "unknown-column", "no-team-number", "empty-team-number", "extra-cell", "hook-rule",
    "choice-and-boolean", "same-team", "same-base-name", "same-repo-name-other-case", "empty"])
def test_a_bad_roster_is_refused_line_by_line_and_nothing_is_written(tmp_path, capsys, text,
                                                                     expected):
    roster = write_roster(tmp_path, text)
    assert organiser([str(roster), "--output-dir", str(tmp_path / "teams")]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert errors[-1] == "Nothing was written."
    assert len(errors) - 1 == len(expected)
    for error, start in zip(errors, expected):
        assert error.startswith("ERROR: " + start)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["roster.csv"]


def test_the_readmes_roster_error_is_what_the_organiser_prints(tmp_path):
    example = re.search(r"```text\n(.*?)```", ORGANISERS, re.DOTALL).group(1)
    roster = write_roster(tmp_path, "team_number,base_name\n1,\n2,\n3,eyteam2\n")
    completed = run_python(["-m", "organiser", roster, "--output-dir", tmp_path / "teams"],
                           TEMPLATE_DIR, check=False)
    assert completed.returncode == 1
    lines = [line.strip() for line in example.strip().splitlines()]
    assert completed.stderr.splitlines() == lines


@pytest.mark.parametrize("key, value", [
    ("project_name", "lightgbm"), ("workspace_name", "-eyteam-ws"), ("devops_project", "MCW/EY"),
    ("variable_group_name", "vg$(x)"), ("resource_group", "rg."),
])
def test_rows_are_checked_by_the_pre_generation_hook_itself(tmp_path, capsys, key, value):
    roster = write_roster(tmp_path, f"team_number,{key}\n5,{value}\n")
    assert organiser([str(roster), "--output-dir", str(tmp_path / "teams")]) == 1
    [error, _] = capsys.readouterr().err.splitlines()
    answers, written = open_template(str(TEMPLATE_DIR)).render({"team_number": "5", key: value})
    [problem] = pre_gen.find_problems(answers, written)
    assert error == "ERROR: roster.csv:2: team 5: " + problem


def test_a_row_is_blamed_for_what_it_says_not_for_defaults_built_from_it(tmp_path, capsys):
    roster = write_roster(tmp_path, "team_number\nseven\n")
    assert organiser([str(roster), "--output-dir", str(tmp_path / "teams")]) == 1
    [error, _] = capsys.readouterr().err.splitlines()
    assert error.startswith("ERROR: roster.csv:2: team seven: team_number='seven': ")


def test_names_built_from_base_name_must_be_unique_without_naming_them(tmp_path, capsys):
    # A template that adds a derived name (here one that two base names can share) has it
    # checked across teams, though the organiser does not know the name.
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE_DIR / "hooks", template / "hooks")
    (template / "{{cookiecutter.project_name}}").mkdir()
    declared = {**template_answers(), "__short_account": "{{ cookiecutter.base_name[:4] }}sa"}
    (template / "cookiecutter.json").write_text(json.dumps(declared), encoding="utf-8")
    assert "__short_account" in unique_keys(open_template(str(template)))
    roster = write_roster(tmp_path, "team_number,base_name\n1,teama\n2,teamb\n")
    assert organiser([str(roster), "--output-dir", str(tmp_path / "teams"), "--dry-run",
                      "--template", str(template)]) == 1
    [error, _] = capsys.readouterr().err.splitlines()
    assert error.startswith("ERROR: roster.csv:3: team 2: short_account (from base_name)="
                            "'teamsa': also on line 2 (team 1)")


def test_every_derived_azure_name_is_checked_for_uniqueness():
    keys = unique_keys(open_template(str(TEMPLATE_DIR)))
    assert keys[:3] == ["team_number", "repo_name", "base_name"]
    assert {"__storage_account", "__container_registry", "__key_vault",
            "__tf_state_storage_account", "__online_endpoint_name"} <= set(keys)
    assert "__model_name" not in keys  # the same in every team's own workspace


# --- failures and pushes ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def failing_template(tmp_path_factory):
    """A copy of the template whose post-generation checks refuse team 2, as a real defect in
    one team's repository would."""
    template = tmp_path_factory.mktemp("failing") / "template"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=TEMPLATE_DIR, capture_output=True,
                             text=True, check=True).stdout.split("\0")
    for relative in filter(None, tracked):
        if (TEMPLATE_DIR / relative).is_file():
            (template / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(TEMPLATE_DIR / relative, template / relative)
    hook = template / "hooks" / "post_gen_project.py"
    with open(hook, "a", encoding="utf-8") as code:
        code.write("\n\ncheck_everything = finish\n\n\n"
                   "def finish(root, answers):\n"
                   "    if answers['team_number'] == '2':\n"
                   "        return ['team 2 refused by the test']\n"
                   "    return check_everything(root, answers)\n")
    return template


def test_one_teams_failure_does_not_stop_the_others(failing_template, tmp_path, capsys):
    roster = write_roster(tmp_path, "team_number\n1\n2\n3\n")
    output = tmp_path / "teams"
    assert organiser([str(roster), "--output-dir", str(output),
                      "--template", str(failing_template)]) == 1
    assert "failed  team 2: " in capsys.readouterr().out
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    statuses = {team["team_number"]: (team["status"], team["detail"]) for team in report["teams"]}
    assert statuses == {"1": ("created", ""), "2": ("failed", "team 2 refused by the test"),
                        "3": ("created", "")}
    # Nothing half-written: no folder for team 2, no scratch folders.
    assert sorted(path.name for path in output.iterdir()) == [
        "EY_Team1_MLOps", "EY_Team3_MLOps", "report.json", "report.md"]


@pytest.fixture
def stand_in_gh(tmp_path, monkeypatch):
    """``gh`` on PATH is tests/stand_in_gh.py; returns its call log and repository list."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{TEMPLATE_DIR}/tests/stand_in_gh.py" '
                  '"$@"\n', encoding="utf-8")
    gh.chmod(0o755)
    log, repositories = tmp_path / "gh.log", tmp_path / "github.txt"
    for key, value in {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GH_LOG": log,
                       "GH_REPOSITORIES": repositories, "GIT_CONFIG_NOSYSTEM": "1",
                       "GIT_AUTHOR_NAME": "Organiser", "GIT_AUTHOR_EMAIL": "o@example.com",
                       "GIT_COMMITTER_NAME": "Organiser",
                       "GIT_COMMITTER_EMAIL": "o@example.com"}.items():
        monkeypatch.setenv(key, str(value))

    def calls():
        return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return calls, repositories


def test_push_is_refused_before_anything_when_gh_is_not_signed_in(
        stand_in_gh, tmp_path, capsys, monkeypatch):
    calls, _ = stand_in_gh
    monkeypatch.setenv("GH_AUTH_STATUS", "1")
    roster = write_roster(tmp_path, "team_number\n1\n")
    assert organiser([str(roster), "--output-dir", str(tmp_path / "teams"), "--push", "org"]) == 1
    assert "gh auth login" in capsys.readouterr().err
    assert calls() == [["auth", "status"]]
    assert not (tmp_path / "teams").exists()


def test_push_creates_private_repositories_and_skips_existing_ones(stand_in_gh, tmp_path):
    calls, repositories = stand_in_gh
    repositories.write_text("org/EY_Team1_MLOps\n", encoding="utf-8")
    roster = write_roster(tmp_path, "team_number\n1\n2\n")
    output = tmp_path / "teams"
    assert organiser([str(roster), "--output-dir", str(output), "--push", "org"]) == 0
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    assert [(team["status"], team["detail"]) for team in report["teams"]] == [
        ("skipped", "org/EY_Team1_MLOps already exists on GitHub; left as it is"),
        ("pushed", "https://github.com/org/EY_Team2_MLOps")]
    assert calls()[0] == ["auth", "status"]
    [create] = [call for call in calls() if call[:2] == ["repo", "create"]]
    assert create == ["repo", "create", "org/EY_Team2_MLOps", "--private", "--source",
                      str(output / "EY_Team2_MLOps"), "--push"]
    assert not (output / "EY_Team1_MLOps" / ".git").exists()
    assert not any("force" in arg for call in calls() for arg in call)

    # Again: both exist now, and neither is touched.
    before = tree(output / "EY_Team2_MLOps")
    assert organiser([str(roster), "--output-dir", str(output), "--push", "org"]) == 0
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    assert [team["status"] for team in report["teams"]] == ["skipped", "skipped"]
    assert tree(output / "EY_Team2_MLOps") == before
    assert len([call for call in calls() if call[:2] == ["repo", "create"]]) == 1


def test_a_template_cookiecutter_cannot_use_is_refused_in_one_line(tmp_path, capsys):
    roster = write_roster(tmp_path, "team_number\n1\n")
    assert organiser([str(roster), "--output-dir", str(tmp_path / "teams"),
                      "--template", str(tmp_path / "nowhere")]) == 1
    [error, nothing] = capsys.readouterr().err.splitlines()
    assert error.startswith(f"ERROR: --template {tmp_path / 'nowhere'}: cookiecutter cannot use "
                            "it (RepositoryNotFound ")
    assert nothing == "Nothing was written." and not (tmp_path / "teams").exists()
