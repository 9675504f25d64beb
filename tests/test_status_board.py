"""The status board: each team's latest runs from stand-ins for gh and az that answer in the real
commands' JSON, the table, the page in a real browser, and the exit status."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest

from organiser.board import (
    CANCELLED, FAILED, NEVER_RUN, QUEUED, RUNNING, SUCCEEDED, UNKNOWN, Run, Stage, Team,
    azure_latest, azure_run, github_latest, github_run, make_board, read_teams)
from organiser.cli import main as organiser
from organiser.status import table, use_colour
from organiser.status_page import page, write_page
from tests.support.bakes import TEMPLATE_DIR
from tests.support.commands import run_python
from tests.support.status_board import (ORGANIZATION, PIPELINES, UTC, azure_build,
                                        github_run as gh_run, install_stand_ins,
                                        pipeline_definition, write_json)

OWNER = "org"
# Two Azure DevOps teams, each in its own project, and three GitHub Actions teams.
ROSTER = f"""team_number,azureml_sdk,orchestrator,devops_organization,devops_project
1,,,{ORGANIZATION},Team1-MLOps
2,,,{ORGANIZATION},Team2-MLOps
3,v2,github_actions,,
4,v2,github_actions,,
5,v2,github_actions,,
"""
WORKFLOWS = ("infrastructure-arm.yml", "ci.yml", "train.yml", "deploy.yml")
CHROMIUM = shutil.which("chromium")
# Headless, as root (no sandbox), and without the background calls to Google's services that a
# machine with no network refuses.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync")


def minutes_ago(now, minutes):
    return now - timedelta(minutes=minutes)


def azure_project(project, runs, now):
    """An Azure DevOps project with the three pipelines of the set-up script (and one more whose
    name starts as the CI's does), each run ``(pipeline, status, result, started, ended)``."""
    names = (*PIPELINES, "Model-Train-Register-CI-old")
    definitions = [pipeline_definition(ORGANIZATION, project, number, name)
                   for number, name in enumerate(names, start=1)]
    by_name = {definition["name"]: definition for definition in definitions}
    builds = [azure_build(ORGANIZATION, project, by_name[name], number, status, result,
                          started=minutes_ago(now, started),
                          finished=None if ended is None else minutes_ago(now, ended))
              for number, (name, status, result, started, ended) in enumerate(runs, start=1)]
    return {"definitions": definitions, "builds": builds}


def workshop_runs(now):
    """The day so far: team 1 done, team 2 deploying, team 3's repository unreadable, team 4
    never run, team 5's training failed (then its Deploy skipped)."""
    team5 = f"{OWNER}/EY_Team5_MLOps"
    github = {
        team5: {
            "infrastructure-arm.yml": [gh_run(team5, "Infrastructure", 1, "completed", "success",
                                              minutes_ago(now, 50), minutes_ago(now, 46))],
            "ci.yml": [gh_run(team5, "CI", 2, "completed", "success", minutes_ago(now, 40),
                              minutes_ago(now, 37))],
            "train.yml": [gh_run(team5, "Train", 4, "completed", "failure",
                                 minutes_ago(now, 30), minutes_ago(now, 18)),
                          gh_run(team5, "Train", 3, "completed", "success",
                                 minutes_ago(now, 36), minutes_ago(now, 31))],
            "deploy.yml": [gh_run(team5, "Deploy", 5, "completed", "skipped",
                                  minutes_ago(now, 18), minutes_ago(now, 18))],
        },
        f"{OWNER}/EY_Team4_MLOps": {workflow: [] for workflow in WORKFLOWS},
    }
    azure = {ORGANIZATION: {
        "Team1-MLOps": azure_project("Team1-MLOps", [
            (PIPELINES[0], "completed", "succeeded", 55, 50),
            (PIPELINES[1], "completed", "succeeded", 45, 25),
            (PIPELINES[2], "completed", "succeeded", 20, 10),
            # A newer run of a pipeline whose name only starts as the CI's: not the team's.
            ("Model-Train-Register-CI-old", "completed", "failed", 5, 4)], now),
        "Team2-MLOps": azure_project("Team2-MLOps", [
            (PIPELINES[0], "completed", "succeeded", 58, 52),
            (PIPELINES[1], "completed", "succeeded", 40, 15),
            (PIPELINES[2], "inProgress", None, 6, None)], now),
    }}
    return github, azure


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    """Five teams generated and pushed by the organiser (with the stand-in gh), then run again
    without --push; their runs as the day left them; the status board run once:
    (folder, env, completed, the stand-in GitHub, the stand-in az)."""
    folder = tmp_path_factory.mktemp("status")
    env, github, az = install_stand_ins(folder)
    roster = folder / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    output = folder / "teams"
    for push in (["--push", OWNER], []):
        run_python(["-m", "organiser", roster, "--output-dir", output, *push], TEMPLATE_DIR,
                   env=env)
    now = datetime.now(UTC)
    runs, azure = workshop_runs(now)
    github.set_runs(runs)
    az.set_state(azure)
    # The teams were generated an hour ago: team 4 has run nothing since.
    an_hour_ago = minutes_ago(now, 60).timestamp()
    os.utime(output / "report.json", (an_hour_ago, an_hour_ago))
    completed = run_python(["-m", "organiser", roster, "--output-dir", output, "--status"],
                           TEMPLATE_DIR, env={**env, "TZ": "UTC"}, check=False)
    return output, env, completed, github, az


# --- the board, as the Done-when describes it ------------------------------------------

EXPECTED_ROWS = [  # team, row kind, then (columns, state) of its cells: stuck teams first
    ("5", "failed", [("Infrastructure", SUCCEEDED), ("CI", SUCCEEDED), ("Training", FAILED),
                     ("Deployment", CANCELLED)]),
    ("4", "stuck", [("Infrastructure", NEVER_RUN), ("CI", NEVER_RUN), ("Training", NEVER_RUN),
                    ("Deployment", NEVER_RUN)]),
    ("3", "unknown", [("Infrastructure", UNKNOWN), ("CI", UNKNOWN), ("Training", UNKNOWN),
                      ("Deployment", UNKNOWN)]),
    ("2", "active", [("Infrastructure", SUCCEEDED), ("CI Training", SUCCEEDED),
                     ("Deployment", RUNNING)]),
    ("1", "done", [("Infrastructure", SUCCEEDED), ("CI Training", SUCCEEDED),
                   ("Deployment", SUCCEEDED)]),
]


def test_the_exit_status_flags_the_unreadable_team(workshop):
    _, _, completed, _, _ = workshop
    assert completed.returncode == 1, completed.stderr
    assert completed.stderr == ""
    summary = completed.stdout.splitlines()[0]
    assert re.fullmatch(r"5 teams at \d\d:\d\d:\d\d: 1 failed, 1 stuck, 1 unknown, 1 active, "
                        r"1 done \(stuck: a failed run, or nothing run for 30 min\)", summary)


def test_the_table_has_a_row_per_team_stuck_first_with_the_failing_stage_first(workshop):
    _, _, completed, _, _ = workshop
    lines = completed.stdout.splitlines()
    header, rows = lines[1], lines[2:7]
    assert header.split() == ["TEAM", "REPOSITORY", "STATUS", "INFRASTRUCTURE", "CI",
                              "TRAINING", "DEPLOYMENT"]
    assert [row.split()[:3] for row in rows] == [
        ["5", "EY_Team5_MLOps", "FAILED:"], ["4", "EY_Team4_MLOps", "STUCK:"],
        ["3", "EY_Team3_MLOps", "UNKNOWN:"], ["2", "EY_Team2_MLOps", "ACTIVE:"],
        ["1", "EY_Team1_MLOps", "DONE:"]]
    team5, team4, team3, team2, team1 = rows
    assert "FAILED: Training failed " in team5
    # Times are the runs' (TZ=UTC), durations from start to end: 30 to 18 minutes ago is 12 min.
    assert re.search(r"succeeded \d\d:\d\d 4m00s +succeeded \d\d:\d\d 3m00s +"
                     r"FAILED \d\d:\d\d 12m00s +cancelled \d\d:\d\d 0s$", team5)
    assert re.search(r"STUCK: nothing run in 60 min +(never run +){3}never run$", team4)
    assert "UNKNOWN: infrastructure-arm.yml: HTTP 404: No... " in team3  # cut short
    assert team3.split()[-4:] == ["UNKNOWN"] * 4
    # The Azure DevOps CI pipeline trains too; the deployment is still running.
    assert re.search(r"ACTIVE: Deployment running +succeeded \d\d:\d\d 6m00s +"
                     r"succeeded \d\d:\d\d 25m00s +\(in CI\) +running \d\d:\d\d 6m\d\ds$", team2)
    assert "DONE: all succeeded" in team1 and "failed" not in team1.lower()
    assert "\033[" not in completed.stdout  # not a terminal: no colour


def test_under_the_table_each_failed_run_has_its_link_and_each_unreadable_its_reason(workshop):
    output, _, completed, _, _ = workshop
    notes = completed.stdout.split("Failed or unreadable:\n")[1].splitlines()
    assert notes[0] == (f"  team 5 train.yml failed: https://github.com/{OWNER}/EY_Team5_MLOps/"
                        "actions/runs/9000004")
    assert notes[1:5] == [f"  team 3 {workflow}: HTTP 404: Not Found (https://api.github.com/"
                          f"repos/{OWNER}/EY_Team3_MLOps/actions/workflows/{workflow})"
                          for workflow in WORKFLOWS]
    assert notes[5] == f"Page: {output / 'status.html'}"


def test_each_run_is_asked_for_with_the_commands_flags(workshop):
    _, _, _, github, az = workshop
    run_lists = [call for call in github.calls() if call[:2] == ["run", "list"]]
    assert sorted(run_lists) == sorted(
        ["run", "list", "--repo", f"{OWNER}/EY_Team{team}_MLOps", "--workflow", workflow,
         "--limit", "1", "--json", "status,conclusion,createdAt,startedAt,updatedAt,url"]
        for team in (3, 4, 5) for workflow in WORKFLOWS)
    scope = ["--organization", ORGANIZATION, "--project", "Team2-MLOps", "--output", "json"]
    team2 = [call for call in az.calls() if "Team2-MLOps" in call]
    assert sorted(team2) == sorted(
        [["pipelines", "list", "--name", name, *scope] for name in PIPELINES]
        + [["pipelines", "runs", "list", "--pipeline-ids", str(number), "--top", "1",
            "--query-order", "QueueTimeDesc", *scope] for number in (1, 2, 3)])


# --- the page, in a real browser ---------------------------------------------------------------

class BoardRows(HTMLParser):
    """The rows of a page as the browser built it: team, kind and ``(columns, state)`` of each
    stage cell; and whether the stale warning shows."""

    def __init__(self, page):
        super().__init__()
        self.rows, self.stale_hidden = [], None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-team" in attrs:
            self.rows.append((attrs["data-team"], attrs["data-kind"], []))
        elif tag == "td" and "data-state" in attrs:
            self.rows[-1][2].append((attrs["data-columns"], attrs["data-state"]))
        elif attrs.get("id") == "stale":
            self.stale_hidden = "hidden" in attrs


def chromium(*args, page):
    if not CHROMIUM:
        pytest.skip("Debian's chromium is not installed here (.ci/run installs it)")
    profile = page.parent / f".chromium-{page.stem}"
    completed = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    shutil.rmtree(profile, ignore_errors=True)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_the_page_shows_the_same_rows_in_chromium_and_a_screenshot_is_taken(workshop):
    output, _, _, _, _ = workshop
    page = output / "status.html"
    rendered = BoardRows(chromium("--dump-dom", page=page))
    assert rendered.rows == [
        (team, kind, [(columns, state) for columns, state in cells])
        for team, kind, cells in EXPECTED_ROWS]
    assert rendered.stale_hidden is True  # nothing watches: the page never calls itself stale
    screenshot = output / "status.png"
    chromium("--screenshot=" + str(screenshot), "--window-size=1600,850",
             "--hide-scrollbars", page=page)
    assert png_size(screenshot) == (1600, 850)


def test_the_page_loads_nothing_and_says_each_state_in_words_and_marks(workshop):
    output, _, _, _, _ = workshop
    text = (output / "status.html").read_text(encoding="utf-8")
    for loading in ("src=", "<link", "url(", "@import", "@font-face"):
        assert loading not in text
    assert 'http-equiv="refresh"' not in text  # only while --watch runs
    assert "<title>Team pipelines: 2 stuck, 1 unknown, 5 teams</title>" in text
    row = text.split('data-team="5"')[1].split("</tr>")[0]
    assert '<span class="mark" aria-hidden="true">✖</span><span class="word">failed</span>' in row
    assert f'<a href="https://github.com/{OWNER}/EY_Team5_MLOps/actions/runs/9000004">' in row
    assert '<span class="note">skipped</span>' in row
    azure = text.split('data-team="2"')[1].split("</tr>")[0]
    assert (f'<a href="{ORGANIZATION}/Team2-MLOps/_build/results?buildId=3">' in azure)
    assert 'colspan="2" data-columns="CI Training"' in azure


def test_a_watched_page_that_nothing_updates_says_so_in_chromium(tmp_path):
    team = Team("7", "EY_Team7_MLOps", "github_actions",
                stages=[Stage("ci.yml", ("CI",), run=Run(RUNNING, datetime.now(UTC)))])
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    board = make_board([team], long_ago, timedelta(minutes=30), long_ago)
    page = write_page(board, tmp_path / "status.html", 10)
    assert '<meta http-equiv="refresh" content="10">' in page.read_text(encoding="utf-8")
    assert BoardRows(chromium("--dump-dom", page=page)).stale_hidden is False


# --- reading each kind of run -------------------------------------------------------------------

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("status, conclusion, state, note", [
    ("queued", "", QUEUED, ""), ("waiting", "", QUEUED, "waiting for a reviewer"),
    ("pending", "", QUEUED, "pending"),
    ("in_progress", "", RUNNING, ""), ("completed", "success", SUCCEEDED, ""),
    ("completed", "failure", FAILED, ""), ("completed", "timed_out", FAILED, "timed out"),
    ("completed", "startup_failure", FAILED, "startup failure"),
    ("completed", "cancelled", CANCELLED, ""), ("completed", "skipped", CANCELLED, "skipped"),
    ("completed", "action_required", FAILED, "action required"),
    ("completed", "something_new", UNKNOWN, "gh says 'something_new'"),
])
def test_each_github_status_and_conclusion_is_a_state(status, conclusion, state, note):
    started, ended = NOW - timedelta(minutes=9), NOW - timedelta(minutes=2)
    latest = gh_run("org/repo", "Train", 8, status, conclusion, started, ended)
    run = github_latest([latest])
    assert (run.state, run.note, run.started) == (state, note, started)
    assert run.ended == (ended if status == "completed" else None)
    assert run.url == "https://github.com/org/repo/actions/runs/9000008"
    assert github_latest([]) == Run(NEVER_RUN)


@pytest.mark.parametrize("status, result, state, note", [
    ("notStarted", None, QUEUED, ""), ("postponed", None, QUEUED, "postponed"),
    ("inProgress", None, RUNNING, ""), ("cancelling", None, CANCELLED, "cancelling"),
    ("completed", "succeeded", SUCCEEDED, ""),
    ("completed", "partiallySucceeded", SUCCEEDED, "partially succeeded"),
    ("completed", "failed", FAILED, ""), ("completed", "canceled", CANCELLED, ""),
])
def test_each_azure_devops_status_and_result_is_a_state(status, result, state, note):
    definition = pipeline_definition(ORGANIZATION, "Team 9", 4, PIPELINES[1])
    queued = NOW - timedelta(minutes=12)
    started = None if status == "notStarted" else NOW - timedelta(minutes=10)
    finished = NOW - timedelta(minutes=1) if status == "completed" else None
    run = azure_latest([azure_build(ORGANIZATION, "Team 9", definition, 31, status, result,
                                    queued, started, finished)])
    assert (run.state, run.note) == (state, note)
    assert (run.started, run.ended) == (started or queued, finished)
    assert run.url == f"{ORGANIZATION}/Team%209/_build/results?buildId=31"
    assert azure_latest([]) == Run(NEVER_RUN)


@pytest.fixture
def stand_ins(tmp_path, monkeypatch):
    """(the stand-in GitHub, the stand-in az), on PATH for this process."""
    env, github, az = install_stand_ins(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return github, az


def test_a_failing_query_is_unknown_with_its_reason(stand_ins, monkeypatch):
    github, az = stand_ins
    github.set_runs({"org/down": "error connecting to api.github.com"})
    assert github_run("org/down", "ci.yml") == Run(UNKNOWN,
                                                   note="error connecting to api.github.com")
    scope = ["--project", "Team1-MLOps", "--output", "json"]
    assert azure_run(scope, PIPELINES[0]).note.startswith("--organization must be specified.")
    az.configure(signed_in=False)
    assert azure_run(["--organization", ORGANIZATION, *scope], PIPELINES[0]).note.startswith(
        "Before you can run Azure DevOps commands, you need to run the login command")
    monkeypatch.setenv("PATH", str(github.root / "nowhere"))
    assert github_run("org/repo", "ci.yml") == Run(UNKNOWN, note="gh: No such file or directory")


def test_a_pipeline_not_created_yet_is_unknown_and_says_how_to_create_it(stand_ins):
    _, az = stand_ins
    az.set_state({ORGANIZATION: {"Team1-MLOps": {"definitions": [], "builds": []}}})
    scope = ["--organization", ORGANIZATION, "--project", "Team1-MLOps", "--output", "json"]
    assert azure_run(scope, PIPELINES[2]) == Run(
        UNKNOWN, note="no pipeline Model-Deploy-CD: run environment_setup/azure_devops_setup.py")


def test_a_team_with_nothing_to_ask_about_is_unknown_with_the_reason(workshop, tmp_path):
    """A report whose team 5 was never pushed, whose team 4 has no folder any more, and whose
    team 2's azure-devops.json is broken: no query is made for them, and the reasons show."""
    output, _, _, _, _ = workshop
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    for team in report["teams"]:
        if team["team_number"] != "4":
            (tmp_path / team["path"]).symlink_to(output / team["path"])
    report["teams"][4]["github_repository"] = None
    shutil.copytree(output / "EY_Team2_MLOps", tmp_path / "EY_Team2", symlinks=True)
    (tmp_path / "EY_Team2" / "environment_setup" / "azure-devops.json").write_text("{")
    report["teams"][1]["path"] = "EY_Team2"
    write_json(tmp_path / "report.json", report)
    teams, _ = read_teams(tmp_path)
    problems = {team.number: team.problem for team in teams if team.problem}
    assert problems == {
        "2": f"cannot read {tmp_path / 'EY_Team2/environment_setup/azure-devops.json'}: "
             "JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 "
             "(char 1)",
        "4": f"no folder {tmp_path / 'EY_Team4_MLOps'} (report: unchanged)",
        "5": "not pushed to GitHub yet (the organiser's --push OWNER records where)"}
    unreadable = [team for team in teams if team.problem]
    assert all(team.stages == [] for team in unreadable)
    board = make_board(unreadable, NOW, timedelta(minutes=30), NOW)
    assert BoardRows(page(board, None)).rows == [
        (number, "unknown", [("Infrastructure CI Training Deployment", UNKNOWN)])
        for number in ("2", "4", "5")]
    assert [line.split()[:3] + line.split()[-4:] for line in table(board).splitlines()[1:]] == [
        [number, f"EY_Team{number}_MLOps", "UNKNOWN:", *["UNKNOWN"] * 4]
        for number in ("2", "4", "5")]


# --- stuck, colour, watching --------------------------------------------------------------------

def stage(name, state, minutes_since_start, minutes_long=None):
    started = NOW - timedelta(minutes=minutes_since_start)
    ended = None if minutes_long is None else started + timedelta(minutes=minutes_long)
    return Stage(name, (name,), run=Run(state, started, ended))


def test_a_team_is_stuck_when_idle_past_the_threshold_and_not_finished():
    def team(number, *stages):
        return Team(number, f"repo{number}", "github_actions", stages=list(stages))

    not_yet = Stage("Training", ("Training",), run=Run(NEVER_RUN))
    teams = [
        team("1", stage("CI", SUCCEEDED, 45, 5), not_yet),  # idle 40 min, not finished: stuck
        team("2", stage("CI", SUCCEEDED, 25, 5), not_yet),  # idle 20 min: waiting
        team("3", stage("CI", SUCCEEDED, 90, 5), stage("Training", SUCCEEDED, 80, 10)),
        team("10", stage("CI", CANCELLED, 60, 1), not_yet),  # cancelled an hour ago: stuck
        team("11", not_yet),  # nothing run since the report, 2 hours ago
    ]
    board = make_board(teams, NOW, timedelta(minutes=30), NOW - timedelta(hours=2))
    assert [(team.number, found.kind, found.text) for team, found in board.rows] == [
        ("1", "stuck", "last run 40 min ago"), ("10", "stuck", "last run 59 min ago"),
        ("11", "stuck", "nothing run in 120 min"), ("2", "waiting", "last run 20 min ago"),
        ("3", "done", "all succeeded")]


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    class Terminal:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert use_colour(Terminal(True)) and not use_colour(Terminal(False))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Terminal(True))
    monkeypatch.setenv("NO_COLOR", "")  # no-color.org: an empty value does not count
    assert use_colour(Terminal(True))
    board = make_board([Team("1", "repo1", "github_actions",
                             stages=[stage("CI", FAILED, 10, 3)])], NOW, timedelta(minutes=30),
                       NOW)
    coloured, plain = table(board, colour=True), table(board)
    assert "\033[1;31mFAILED: CI failed" in coloured
    assert re.sub(r"\033\[[\d;]*m", "", coloured) == plain


def test_watching_faster_than_githubs_hourly_limit_allows_is_refused(workshop, capsys):
    output, _, _, _, _ = workshop
    assert organiser(["roster.csv", "--output-dir", str(output), "--status", "--watch", "5"]) == 2
    printed = capsys.readouterr()
    assert printed.out == "" and printed.err == (
        "ERROR: --watch 5: 12 GitHub workflows, asked every 5 s, take 17,280 GitHub requests an "
        "hour (gh finds each workflow, then its runs); allowed: 22 seconds or more, which keeps "
        "within 4,000 of the 5,000 an hour GitHub allows each user\n")


def test_watch_refreshes_the_page_until_interrupted_then_stops_it_refreshing(tmp_path):
    env, _, az = install_stand_ins(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text(f"team_number,devops_organization,devops_project\n1,{ORGANIZATION},"
                      "Team1-MLOps\n", encoding="utf-8")
    output = tmp_path / "teams"
    run_python(["-m", "organiser", roster, "--output-dir", output], TEMPLATE_DIR, env=env)
    az.set_state({ORGANIZATION: {"Team1-MLOps": azure_project(
        "Team1-MLOps", [(PIPELINES[0], "inProgress", None, 1, None)], datetime.now(UTC))}})
    watching = subprocess.Popen(
        [sys.executable, "-m", "organiser", roster, "--output-dir", output, "--status",
         "--watch", "0.2"], cwd=TEMPLATE_DIR, env={**os.environ, **env},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        rounds = []
        for line in watching.stdout:
            rounds += [line] if line.startswith("Page: ") else []
            if len(rounds) == 2:
                break
        assert len(rounds) == 2, watching.stderr.read()
        watched = (output / "status.html").read_text(encoding="utf-8")
        assert '<meta http-equiv="refresh" content="0.2">' in watched
        assert 'data-refresh="0.2"' in watched
    finally:
        watching.send_signal(signal.SIGINT)
        out, err = watching.communicate(timeout=60)
    assert watching.returncode == 0, err
    assert out.rstrip().endswith("Stopped watching.")
    stopped = (output / "status.html").read_text(encoding="utf-8")
    assert "http-equiv" not in stopped and 'data-refresh="0"' in stopped
    assert '"github_repository": null' in (output / "report.json").read_text(encoding="utf-8")


# --- what the organiser records, and refuses ---------------------------------------------------

def test_the_report_keeps_where_each_team_was_pushed_when_run_again_without_push(workshop):
    output, _, _, _, _ = workshop
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    assert [(team["status"], team["github_repository"]) for team in report["teams"]] == [
        ("unchanged", f"{OWNER}/EY_Team{number}_MLOps") for number in range(1, 6)]


@pytest.mark.parametrize("args, error", [
    (["--watch", "30"], "--watch and --stuck-after go with --status"),
    (["--status", "--push", OWNER], "--status changes nothing: it goes without --dry-run, "
                                    "--update and --push"),
    (["--status", "--update"], "--status changes nothing: it goes without --dry-run, --update "
                               "and --push"),
    (["--status", "--watch", "0"], "argument --watch: '0': allowed: a number above 0"),
])
def test_status_options_that_do_not_go_together_are_refused(tmp_path, capsys, args, error):
    with pytest.raises(SystemExit) as exited:
        organiser(["roster.csv", "--output-dir", str(tmp_path), *args])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(error)


def test_without_a_report_there_is_no_board(tmp_path, capsys):
    assert organiser(["roster.csv", "--output-dir", str(tmp_path), "--status"]) == 2
    assert not (tmp_path / "status.html").exists()
    assert capsys.readouterr().err == (
        f"ERROR: {tmp_path / 'report.json'}: no such file; the board shows the teams the "
        f"organiser generated: run python -m organiser ROSTER --output-dir {tmp_path} first\n")
