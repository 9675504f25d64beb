"""Organiser mode: a roster checked whole before anything is written, every team generated as
cookiecutter generates it, idempotent re-runs, isolated failures and refusals, the handout, and
pushes with a stand-in gh."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from hooks import pre_gen_project as pre_gen
from organiser.cli import main as organiser
from organiser.push import INSTALL_GH
from organiser.resources import team_resources
from organiser.roster import azure_name_keys
from organiser.scratch import REPLACED, clean_leftovers
from organiser.template import open_template
from tests.support.bakes import (TEMPLATE_DIR, bake_once, rendered_answers,
                                 structural_combinations, template_answers)
from tests.support.commands import run_python
from tests.support.organiser import contents, copy_of_template, tree, write_roster


README = (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
ORGANISERS = README.split("## For organisers")[1].split("\n## ")[0]
# The README's three-team roster, so the example an organiser copies is the one tested.
README_ROSTER = re.search(r"```csv\n(.*?)```", ORGANISERS, re.DOTALL).group(1)


def rows(text):
    header, *lines = text.strip().splitlines()
    keys = header.split(",")
    return [{key: cell for key, cell in zip(keys, line.split(",")) if cell} for line in lines]


def report_of(output):
    return json.loads((output / "report.json").read_text(encoding="utf-8"))


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


def test_the_reports_list_each_team_with_its_choices_and_azure_names(generated):
    output, completed = generated
    report = report_of(output)
    teams = {team["team_number"]: team for team in report["teams"]}
    assert sorted(teams) == ["1", "2", "3"]
    assert {team["status"] for team in teams.values()} == {"created"}
    team3 = teams["3"]
    assert team3["path"] == "EY_Team3_MLOps" and team3["line"] == 4 and team3["generated"]
    assert (team3["answers"]["location"], team3["answers"]["deploy_aks"]) == ("eastus", True)
    assert team3["commit"] == report["commit"]
    names = {item["resource"]: item["name"] for item in team3["resources"]}
    assert (names["Storage account"], names["Key vault"]) == ("eyteam3amlsa", "eyteam3-AML-KV")
    assert names["AKS cluster"] == "eyteam3-AML-AKS"
    handout = (output / "report.md").read_text(encoding="utf-8")
    assert ("| 2 | `EY_Team2_MLOps` | terraform | v1 | azure_devops | no | no | "
            "[team 2](#team-2) |") in handout
    assert "| 3 | `EY_Team3_MLOps` | arm | v1 | azure_devops | yes | no |" in handout
    team2 = handout.split("## Team 2\n")[1].split("\n## ")[0]
    assert "Azure region `westeurope`" in team2
    assert "| Storage account for the Terraform state | `eyteam2statestor` |" in team2
    assert "AKS" not in team2 and "endpoint" not in team2
    assert "statestor" not in handout.split("## Team 1\n")[1].split("\n## ")[0]
    assert "| 3 | created |" in handout
    assert "3 created" in completed.stdout


@pytest.mark.parametrize("overrides", structural_combinations(), ids=lambda overrides: "-".join(
    f"{key}={value}" for key, value in overrides.items() if key != "location"))
def test_a_teams_azure_names_are_those_its_generated_readme_names(overrides):
    """The handout's resources against the README that team gets: every name listed is in it,
    and no resource of another combination is."""
    answers = rendered_answers(**overrides)
    readme = (bake_once(**overrides) / "README.md").read_text(encoding="utf-8")
    listed = team_resources(answers)
    assert [name for _, name in listed if f"`{name}`" not in readme] == []
    infrastructure = readme.split("## What the infrastructure creates")[1].split("\n## ")[0]
    assert re.findall(r"\| `([^`]+)` \|", infrastructure) == [name for _, name in listed]
    # The names these answers would give the resources they do not create.
    others = {answers[key] for key in answers["__resources"]} - {name for _, name in listed}
    assert [name for name in others if f"`{name}`" in readme] == []


def test_a_second_run_leaves_every_team_byte_identical(generated, tmp_path):
    output, _ = generated
    before = {folder.name: tree(folder) for folder in output.iterdir() if folder.is_dir()}
    roster = write_roster(tmp_path, README_ROSTER)
    assert organiser([str(roster), "--output-dir", str(output)]) == 0
    assert {folder.name: tree(folder) for folder in output.iterdir() if folder.is_dir()} == before
    assert [team["status"] for team in report_of(output)["teams"]] == ["unchanged"] * 3


def test_a_team_whose_answers_changed_is_refused_and_the_others_are_done(
        generated, tmp_path, capsys):
    output, _ = generated
    before = tree(output / "EY_Team2_MLOps")
    roster = write_roster(tmp_path, README_ROSTER.replace("2,westeurope,", "2,northeurope,")
                          + "4,,,\n")
    try:
        assert organiser([str(roster), "--output-dir", str(output)]) == 1
        printed = capsys.readouterr().out
        [refusal] = [line for line in printed.splitlines() if "team 2" in line]
        assert refusal.startswith(f"  refused  team 2: {output / 'EY_Team2_MLOps'}: ")
        assert "exists with other answers: location='northeurope' (there 'westeurope')" in refusal
        assert refusal.endswith(
            f"""run: cd {output / 'EY_Team2_MLOps'} && cruft update --skip-apply-ask """
            """--refresh-private-variables --variables-to-update '{"location": "northeurope"}'""")
        assert "1 created, 2 unchanged, 1 refused" in printed
        assert tree(output / "EY_Team2_MLOps") == before
        assert (output / "EY_Team4_MLOps" / ".cruft.json").is_file()
        report = {team["team_number"]: team for team in report_of(output)["teams"]}
        assert [report[number]["status"] for number in "1234"] == [
            "unchanged", "refused", "unchanged", "created"]
        # The handout shows no names the refused team's repository does not have.
        assert not report["2"]["generated"]
        assert "## Team 2\n" not in (output / "report.md").read_text(encoding="utf-8")
    finally:
        shutil.rmtree(output / "EY_Team4_MLOps", ignore_errors=True)


def test_dry_run_prints_each_teams_plan_choices_and_names_and_writes_nothing(
        generated, tmp_path, capsys):
    output, _ = generated
    roster = write_roster(tmp_path, README_ROSTER + "4,,,\n")
    assert organiser([str(roster), "--output-dir", str(tmp_path / "new"), "--dry-run"]) == 0
    plan = capsys.readouterr().out
    team2 = plan.split("team 2  ")[1].split("  team 3")[0]
    assert team2.startswith("EY_Team2_MLOps  create\n")
    assert ("IaC tool terraform, SDK v1, Orchestrator azure_devops, AKS no, Web App no; region "
            "westeurope") in team2
    assert "Storage account for the Terraform state: eyteam2statestor" in team2
    assert "AKS cluster" not in team2 and "ACI web service: mlops-aci" in team2
    assert "AKS cluster: eyteam3-AML-AKS" in plan
    assert not (tmp_path / "new").exists()
    assert organiser([str(roster), "--output-dir", str(output), "--dry-run"]) == 0
    plan = capsys.readouterr().out
    assert "team 1  EY_Team1_MLOps  unchanged (same answers)" in plan
    assert "team 4  EY_Team4_MLOps  create" in plan
    assert not (output / "EY_Team4_MLOps").exists()


def test_the_readmes_second_run_advice_is_what_cookiecutter_does(tmp_path, monkeypatch):
    """A single team's folder is named after project_name; a second run in the same folder is
    refused as the README quotes, and its -o example gives the team a folder of its own."""
    monkeypatch.setenv("HOME", str(tmp_path))
    team_use = README.split("## How a team uses it")[1].split("\n## ")[0]
    error = re.search(r"stops with `(Error: [^`]+)`", team_use).group(1)
    example = re.search(r"as in `(cookiecutter [^`]+ -o team8)`", team_use).group(1)
    cookiecutter = [sys.executable, "-m", "cookiecutter", str(TEMPLATE_DIR), "--no-input"]
    run_python(cookiecutter[1:] + ["team_number=7"], tmp_path)
    assert (tmp_path / "driver_training" / ".env.example").is_file()
    second = run_python(cookiecutter[1:] + ["team_number=8"], tmp_path, check=False)
    assert second.returncode != 0 and error in second.stdout + second.stderr
    words = example.replace("gh:<org>/mlops-cookiecutter", str(TEMPLATE_DIR)).split()
    run_python(["-m", *words], tmp_path)
    assert "eyteam8" in (tmp_path / "team8" / "driver_training" / ".env.example").read_text(
        encoding="utf-8")


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
    # Checks across rows cover a row whatever else is wrong with it.
    ("team_number,location,base_name\n1,,\n2,Australia East,eyteam1\n",
     ["roster.csv:3: team 2: location='Australia East': is not one of the choices; allowed: ",
      "roster.csv:3: team 2: base_name='eyteam1': also on line 2 (team 1); allowed: "]),
    ("team_number,base_name\n1,\n2,EY-Team1\n1,\n",
     ["roster.csv:3: team 2: base_name='EY-Team1': has - E T Y; allowed: ",
      "roster.csv:4: team 1: team_number='1': also on line 2 (team 1); allowed: "]),
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
    "choice-and-boolean", "bad-choice-and-same-base-name", "hook-rule-and-same-team",
    "same-team", "same-base-name", "same-repo-name-other-case", "empty"])
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
    template = open_template(str(TEMPLATE_DIR))
    answers, written = template.render({"team_number": "5", key: value})
    [problem] = pre_gen.find_problems(answers, pre_gen.written_over(template.declared, written))
    assert error == "ERROR: roster.csv:2: team 5: " + problem


def test_a_row_is_blamed_for_what_it_says_not_for_defaults_built_from_it(tmp_path, capsys):
    roster = write_roster(tmp_path, "team_number\nseven\n")
    assert organiser([str(roster), "--output-dir", str(tmp_path / "teams")]) == 1
    [error, _] = capsys.readouterr().err.splitlines()
    assert error.startswith("ERROR: roster.csv:2: team seven: team_number='seven': ")


def test_names_built_from_base_name_must_be_unique_without_naming_them(tmp_path, capsys):
    # A template that adds a resource to the manifest, named from base_name (here so that two
    # base names can share it), has it checked across teams, though the organiser does not
    # know the name.
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE_DIR / "hooks", template / "hooks")
    (template / "{{cookiecutter.project_name}}").mkdir()
    declared = {}
    for key, value in template_answers().items():
        if key == "__resources":  # a derived name comes before the manifest that names it
            declared["__short_account"] = "{{ cookiecutter.base_name[:4] }}sa"
            value["__short_account"] = {"kind": "Short account",
                                        "type": "Microsoft.Storage/storageAccounts",
                                        "name": "{{ cookiecutter.__short_account }}"}
        declared[key] = value
    (template / "cookiecutter.json").write_text(json.dumps(declared), encoding="utf-8")
    assert "__short_account" in azure_name_keys(open_template(str(template)))
    roster = write_roster(tmp_path, "team_number,base_name\n1,teama\n2,teamb\n")
    assert organiser([str(roster), "--output-dir", str(tmp_path / "teams"), "--dry-run",
                      "--template", str(template)]) == 1
    [error, _] = capsys.readouterr().err.splitlines()
    assert error.startswith("ERROR: roster.csv:3: team 2: short_account (from base_name)="
                            "'teamsa': also on line 2 (team 1)")


def test_every_derived_azure_name_is_checked_for_uniqueness():
    # The QA endpoint's name is built from base_name through the endpoint's.
    keys = azure_name_keys(open_template(str(TEMPLATE_DIR)))
    assert {"__storage_account", "__container_registry", "__key_vault",
            "__tf_state_storage_account", "__online_endpoint_name",
            "__qa_online_endpoint_name"} <= set(keys)
    # The same in every team's own workspace: not unique across teams.
    assert "__aks_compute_name" not in keys and "__compute_cluster_name" not in keys


# --- failures and pushes ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def failing_template(tmp_path_factory):
    """A copy of the template whose post-generation checks refuse team 2, as a real defect in
    one team's repository would."""
    template = copy_of_template(tmp_path_factory.mktemp("failing") / "template")
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


def statuses(output):
    return [(team["status"], team["detail"]) for team in report_of(output)["teams"]]


def test_push_is_refused_before_anything_when_gh_is_not_signed_in(
        stand_in_gh, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GH_AUTH_STATUS", "1")
    roster = write_roster(tmp_path, "team_number\n1\n")
    assert organiser([str(roster), "--output-dir", str(tmp_path / "teams"), "--push", "org"]) == 1
    assert "gh auth login" in capsys.readouterr().err
    assert stand_in_gh.calls() == [["auth", "status"]]
    assert not (tmp_path / "teams").exists()


def test_push_without_gh_installed_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    roster = write_roster(tmp_path, "team_number\n1\n")
    assert organiser([str(roster), "--output-dir", str(tmp_path / "teams"), "--push", "org"]) == 1
    assert capsys.readouterr().err.splitlines() == [f"ERROR: {INSTALL_GH}", "Nothing was written."]
    assert not (tmp_path / "teams").exists()


def test_push_creates_private_repositories_and_skips_existing_ones(stand_in_gh, tmp_path):
    stand_in_gh.add_repository("org/EY_Team1_MLOps")
    roster = write_roster(tmp_path, "team_number\n1\n2\n")
    output = tmp_path / "teams"
    assert organiser([str(roster), "--output-dir", str(output), "--push", "org"]) == 0
    assert statuses(output) == [
        ("skipped", "org/EY_Team1_MLOps already exists on GitHub; left as it is"),
        ("pushed", "https://github.com/org/EY_Team2_MLOps")]
    assert stand_in_gh.calls()[0] == ["auth", "status"]
    [create] = [call for call in stand_in_gh.calls() if call[:2] == ["repo", "create"]]
    assert create == ["repo", "create", "org/EY_Team2_MLOps", "--private", "--source",
                      str(output / "EY_Team2_MLOps"), "--push"]
    assert not (output / "EY_Team1_MLOps" / ".git").exists()
    # GitHub has exactly the generated files, in one commit on main.
    pushed = stand_in_gh.bare("org/EY_Team2_MLOps")
    listed = subprocess.run(["git", "ls-tree", "-r", "--name-only", "main"], cwd=pushed,
                            capture_output=True, text=True, check=True).stdout.split()
    assert sorted(listed) == sorted(contents(output / "EY_Team2_MLOps"))
    assert not any("force" in arg or arg.startswith("+") for call in stand_in_gh.calls()
                   for arg in call)

    # Again: both exist now, and neither is touched.
    before = tree(output / "EY_Team2_MLOps")
    assert organiser([str(roster), "--output-dir", str(output), "--push", "org"]) == 0
    assert [status for status, _ in statuses(output)] == ["skipped", "skipped"]
    assert tree(output / "EY_Team2_MLOps") == before
    assert len([call for call in stand_in_gh.calls() if call[:2] == ["repo", "create"]]) == 1


@pytest.mark.parametrize("failure, message", [
    ("auth", "gh repo view org/EY_Team2_MLOps failed: HTTP 401: Bad credentials "
             "(https://api.github.com/graphql); Try authenticating with:  gh auth login"),
    ("network", "gh repo view org/EY_Team2_MLOps failed: error connecting to api.github.com; "
                "check your internet connection or https://githubstatus.com"),
])
def test_a_repository_gh_cannot_look_up_fails_and_nothing_is_created(
        stand_in_gh, tmp_path, monkeypatch, failure, message):
    monkeypatch.setenv("GH_FAIL", json.dumps({"repo view org/EY_Team2_MLOps": failure}))
    roster = write_roster(tmp_path, "team_number\n1\n2\n3\n")
    output = tmp_path / "teams"
    assert organiser([str(roster), "--output-dir", str(output), "--push", "org"]) == 1
    assert statuses(output) == [("pushed", "https://github.com/org/EY_Team1_MLOps"),
                                ("failed", message),
                                ("pushed", "https://github.com/org/EY_Team3_MLOps")]
    assert [call[2] for call in stand_in_gh.calls() if call[:2] == ["repo", "create"]] == [
        "org/EY_Team1_MLOps", "org/EY_Team3_MLOps"]
    assert not (output / "EY_Team2_MLOps" / ".git").exists()
    assert not stand_in_gh.bare("org/EY_Team2_MLOps").exists()
    assert "| 2 | failed | gh repo view org/EY_Team2_MLOps failed: " in (
        output / "report.md").read_text(encoding="utf-8")


def test_a_failed_push_does_not_stop_the_others_and_a_rerun_pushes_only_it(
        stand_in_gh, tmp_path, monkeypatch):
    monkeypatch.setenv("GH_FAIL", json.dumps({"repo create org/EY_Team2_MLOps": "push"}))
    roster = write_roster(tmp_path, "team_number\n1\n2\n3\n")
    output = tmp_path / "teams"
    assert organiser([str(roster), "--output-dir", str(output), "--push", "org"]) == 1
    assert statuses(output)[1] == (
        "failed", "gh repo create org/EY_Team2_MLOps failed: failed to run git: fatal: unable "
                  "to access 'https://github.com/org/EY_Team2_MLOps.git/': Could not resolve "
                  "host: github.com")
    assert [status for status, _ in statuses(output)] == ["pushed", "failed", "pushed"]
    assert stand_in_gh.branch("org/EY_Team2_MLOps", "main") is None  # created, empty

    monkeypatch.delenv("GH_FAIL")
    assert organiser([str(roster), "--output-dir", str(output), "--push", "org"]) == 0
    assert [status for status, _ in statuses(output)] == ["skipped", "pushed", "skipped"]
    local = subprocess.run(["git", "rev-parse", "HEAD"], cwd=output / "EY_Team2_MLOps",
                           capture_output=True, text=True, check=True).stdout.strip()
    assert stand_in_gh.branch("org/EY_Team2_MLOps", "main") == local
    assert len([call for call in stand_in_gh.calls() if call[:2] == ["repo", "create"]]) == 3


def test_a_template_cookiecutter_cannot_use_is_refused_in_one_line(tmp_path, capsys):
    roster = write_roster(tmp_path, "team_number\n1\n")
    assert organiser([str(roster), "--output-dir", str(tmp_path / "teams"),
                      "--template", str(tmp_path / "nowhere")]) == 1
    [error, nothing] = capsys.readouterr().err.splitlines()
    assert error.startswith(f"ERROR: --template {tmp_path / 'nowhere'}: cookiecutter cannot use "
                            "it (RepositoryNotFound ")
    assert nothing == "Nothing was written." and not (tmp_path / "teams").exists()


# --- interrupted runs -------------------------------------------------------------------------

def team_folders(output):
    return sorted(path.name for path in output.glob("EY_Team*"))


def test_a_run_cleans_up_after_an_interrupted_one_and_completes_the_roster(tmp_path, capsys):
    output = tmp_path / "teams"
    roster = write_roster(tmp_path, "team_number\n1\n2\n")
    assert organiser([str(roster), "--output-dir", str(output)]) == 0
    generated = {name: contents(output / name) for name in team_folders(output)}
    # What a kill can leave: a team half-generated in a scratch folder; team 1 set aside for a
    # replacement that never arrived; team 2 replaced, its old copy not yet deleted.
    half = output / ".organiser-k1ll3d" / "driver_training"
    half.mkdir(parents=True)
    (half / "README.md").write_text("half", encoding="utf-8")
    (output / "EY_Team1_MLOps").rename(output / (REPLACED + "EY_Team1_MLOps"))
    shutil.copytree(output / "EY_Team2_MLOps", output / (REPLACED + "EY_Team2_MLOps"))
    roster = write_roster(tmp_path, "team_number\n1\n2\n3\n")
    capsys.readouterr()
    assert organiser([str(roster), "--output-dir", str(output)]) == 0
    assert capsys.readouterr().out.startswith(
        "Removed what an interrupted run left: .organiser-k1ll3d, "
        ".organiser-replaced-EY_Team1_MLOps, .organiser-replaced-EY_Team2_MLOps\n")
    assert sorted(path.name for path in output.iterdir()) == [
        "EY_Team1_MLOps", "EY_Team2_MLOps", "EY_Team3_MLOps", "report.json", "report.md"]
    assert {name: contents(output / name) for name in generated} == generated
    assert [team["status"] for team in report_of(output)["teams"]] == [
        "unchanged", "unchanged", "created"]
    assert clean_leftovers(output) == []


@pytest.fixture(scope="module")
def thirty_teams(tmp_path_factory):
    """A roster of 30 teams, generated without interruption: (roster, each team's files)."""
    scratch = tmp_path_factory.mktemp("thirty")
    roster = write_roster(scratch, "team_number,iac_tool\n" + "".join(
        f"{team},{'terraform' if team % 2 else 'arm'}\n" for team in range(1, 31)))
    run_python(["-m", "organiser", roster, "--output-dir", scratch / "teams"], TEMPLATE_DIR)
    teams = scratch / "teams"
    return roster, {name: contents(teams / name) for name in team_folders(teams)}


@pytest.mark.slow
@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGINT],
                         ids=["SIGKILL", "Ctrl-C"])
def test_a_killed_run_leaves_whole_teams_and_a_rerun_gives_the_uninterrupted_trees(
        thirty_teams, tmp_path, signal_number):
    roster, expected = thirty_teams
    output = tmp_path / "teams"
    # Its own process group, as a terminal's Ctrl-C or a kill of the job reaches every worker.
    process = subprocess.Popen([sys.executable, "-m", "organiser", str(roster), "--output-dir",
                                str(output)], cwd=TEMPLATE_DIR, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not (output.is_dir() and team_folders(output)):
        assert process.poll() is None, process.communicate()
        time.sleep(0.01)
    os.killpg(process.pid, signal_number)
    _, stderr = process.communicate(timeout=120)
    present = team_folders(output)
    assert 0 < len(present) < 30
    assert {name: contents(output / name) for name in present} == {
        name: expected[name] for name in present}
    if signal_number == signal.SIGINT:
        # Ctrl-C: the teams under way are finished, nothing is left to clean up.
        assert process.returncode == 130
        assert [line.split(":")[0] for line in stderr.splitlines()] == ["Interrupted"]
        assert [path.name for path in output.iterdir() if path.name.startswith(".")] == []
    run_python(["-m", "organiser", roster, "--output-dir", output], TEMPLATE_DIR)
    assert {name: contents(output / name) for name in team_folders(output)} == expected
    assert [path.name for path in output.iterdir() if path.name.startswith(".")] == []
