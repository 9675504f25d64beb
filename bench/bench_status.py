"""How long the organiser's status board takes for a workshop's worth of teams.

Generates N GitHub Actions teams and N Azure DevOps teams with the organiser (pushed with the
tests' stand-in ``gh``), gives every workflow and pipeline a run, and times
``python -m organiser ... --status`` with stand-ins for ``gh`` and ``az`` that take ``--delay``
seconds to answer, as the network would. Prints, measured in the same run: one stand-in call on
its own, the board's wall time (median of ``--runs``), and the time the same calls would take one
after another. Target: 30 GitHub Actions teams (4 workflows each) in at most 10 s with a 100 ms
``gh``.

    python bench/bench_status.py [--teams 30] [--delay 0.1] [--runs 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from harness import TEMPLATE_DIR
from tests.support.status_board import (ORGANIZATION, PIPELINES, UTC, azure_build, github_run,
                                        install_stand_ins, pipeline_definition)

WORKFLOWS = {"infrastructure-arm.yml": "Infrastructure", "ci.yml": "CI", "train.yml": "Train",
             "deploy.yml": "Deploy"}


def wall_time(args, env):
    start = time.perf_counter()
    completed = subprocess.run(args, cwd=TEMPLATE_DIR, env=env, capture_output=True, text=True,
                               check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))} exited {completed.returncode}:\n"
                 f"{completed.stdout}\n{completed.stderr}")
    return elapsed


def generate(scratch, env, teams):
    """``(roster, output folder)`` of ``teams`` GitHub Actions and ``teams`` Azure DevOps
    teams, each Azure DevOps team in its own project."""
    rows = [f"{number},v2,github_actions,," for number in range(1, teams + 1)]
    rows += [f"{number},,,{ORGANIZATION},Team{number}" for number in
             range(teams + 1, 2 * teams + 1)]
    roster = scratch / "roster.csv"
    roster.write_text("team_number,azureml_sdk,orchestrator,devops_organization,devops_project\n"
                      + "\n".join(rows) + "\n", encoding="utf-8")
    output = scratch / "teams"
    wall_time([sys.executable, "-m", "organiser", roster, "--output-dir", output, "--push",
               "org"], env)
    return roster, output


def give_every_stage_a_run(github, az, teams):
    now = datetime.now(UTC)
    started, ended = now - timedelta(minutes=20), now - timedelta(minutes=5)
    runs = {}
    for number in range(1, teams + 1):
        repository = f"org/EY_Team{number}_MLOps"
        runs[repository] = {file: [github_run(repository, name, index, "completed", "success",
                                              started, ended)]
                            for index, (file, name) in enumerate(WORKFLOWS.items())}
    azure = {}
    for number in range(teams + 1, 2 * teams + 1):
        project = f"Team{number}"
        definitions = [pipeline_definition(ORGANIZATION, project, index, name)
                       for index, name in enumerate(PIPELINES, start=1)]
        azure[project] = {"definitions": definitions, "builds": [
            azure_build(ORGANIZATION, project, definition, definition["id"],
                        "completed", "succeeded", started=started, finished=ended)
            for definition in definitions]}
    github.set_runs(runs)
    az.set_state({ORGANIZATION: azure})


def board_with_only(output, orchestrator, folder):
    """An output folder whose report lists only the teams of ``orchestrator`` (their
    repositories linked, not copied)."""
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    report["teams"] = [team for team in report["teams"]
                       if team["answers"]["orchestrator"] == orchestrator]
    folder.mkdir()
    for team in report["teams"]:
        (folder / team["path"]).symlink_to(output / team["path"])
    (folder / "report.json").write_text(json.dumps(report), encoding="utf-8")
    return folder


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=30)
    parser.add_argument("--delay", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        stand_ins, github, az = install_stand_ins(scratch)
        env = {**os.environ, **stand_ins, "HOME": str(scratch), "GH_LOG": os.devnull}
        roster, output = generate(scratch, env, args.teams)
        give_every_stage_a_run(github, az, args.teams)
        env.update(GH_DELAY=str(args.delay))
        az.configure(delay=args.delay)
        one_call = wall_time(["gh", "run", "list", "--repo", "org/EY_Team1_MLOps", "--workflow",
                              "ci.yml", "--limit", "1", "--json", "status"], env)
        print(f"One stand-in gh run list: {one_call:.2f} s ({args.delay:.2f} s of it waiting)")
        for orchestrator, calls_per_team, what in (
                ("github_actions", len(WORKFLOWS), "gh run list"),
                ("azure_devops", 2 * len(PIPELINES), "az pipelines list and runs list")):
            folder = board_with_only(output, orchestrator, scratch / orchestrator)
            times = [wall_time([sys.executable, "-m", "organiser", roster, "--output-dir",
                                folder, "--status"], env) for _ in range(args.runs)]
            calls = args.teams * calls_per_team
            print(f"{args.teams} {orchestrator} teams, {calls} calls of {what}: board in "
                  f"{statistics.median(times):.2f} s (median of {args.runs}; one after another "
                  f"at least {calls * one_call:.1f} s)")


if __name__ == "__main__":
    main()
