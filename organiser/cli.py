"""The command line: ``python -m organiser ROSTER.csv --output-dir DIR [--dry-run] [--push OWNER]
[--template SOURCE]``.

Exit status 0 when every team is created, unchanged, pushed or skipped; 1 when the roster has a
problem (then nothing is written) or any team failed (the report says which and why).
"""
import argparse
import contextlib
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cookiecutter.exceptions import CookiecutterException

from organiser import push, status
from organiser.generate import generate_teams
from organiser.report import write_reports
from organiser.roster import check_roster
from organiser.template import CHECKOUT, open_template


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m organiser",
        description="Generate every team's repository from one roster CSV (a header row with "
                    "team_number and any other answers of cookiecutter.json; an empty cell "
                    "means the default).")
    parser.add_argument("roster", type=Path, metavar="ROSTER.csv")
    parser.add_argument("--output-dir", type=Path, required=True, metavar="DIR",
                        help="each team's repository goes to DIR/<repo_name>/, with "
                             "DIR/report.json and DIR/report.md")
    parser.add_argument("--dry-run", action="store_true",
                        help="check the roster and print the plan; write nothing")
    parser.add_argument("--push", metavar="OWNER",
                        help="create each team's private repository OWNER/<repo_name> with gh "
                             "and push it; a repository that exists is skipped")
    parser.add_argument("--template", default=str(CHECKOUT), metavar="SOURCE",
                        help="any template source cookiecutter accepts (default: this checkout)")
    parser.add_argument("--status", action="store_true",
                        help="generate nothing: show the latest run of every team's pipelines "
                             "(the teams of DIR/report.json) and write DIR/status.html")
    parser.add_argument("--watch", type=status.positive_number, metavar="SECONDS",
                        help="with --status: again every SECONDS, the page reloading itself, "
                             "until Ctrl-C")
    parser.add_argument("--stuck-after", type=status.positive_number, metavar="MINUTES",
                        default=status.STUCK_AFTER_MINUTES,
                        help="with --status: a team that has not finished is stuck after "
                             "MINUTES with no run (default: %(default)s)")
    args = parser.parse_args(argv)
    if not args.status and (args.watch or args.stuck_after != status.STUCK_AFTER_MINUTES):
        parser.error("--watch and --stuck-after go with --status")
    if args.status and (args.dry_run or args.push):
        parser.error("--status changes nothing: it goes without --dry-run and --push")
    return args


def fail(lines):
    for line in lines:
        print(f"ERROR: {line}", file=sys.stderr)
    print("Nothing was written.", file=sys.stderr)
    return 1


def print_plan(teams, output_dir, owner):
    print(f"Plan for {len(teams)} teams, into {output_dir}:")
    width = max(len(team.repo_name) for team in teams)
    for team in teams:
        action = "unchanged (same answers)" if team.status == "unchanged" else "create"
        print(f"  team {team.number:>6}  {team.repo_name:<{width}}  "
              f"base_name={team.answers['base_name']:<10}  {action}")
    if owner:
        print(f"Then push each as a private repository of {owner} with gh, skipping any that "
              "exists.")


@contextlib.contextmanager
def every_core(template):
    """A ``map`` that runs on every core. The hooks are imported first, so that each worker,
    forked from this process, finds them loaded."""
    template.hook("pre_gen_project")
    template.hook("post_gen_project")
    workers = os.cpu_count() or 1
    if workers == 1:
        yield map
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield pool.map


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    output_dir = args.output_dir.resolve()
    if args.status:
        return status.main(output_dir, args.watch, args.stuck_after)
    if not args.roster.is_file():
        return fail([f"{args.roster}: no such file"])
    if output_dir.exists() and not output_dir.is_dir():
        return fail([f"{output_dir}: not a folder; --output-dir names the folder of every team"])
    if args.push and (problem := push.auth_problem()):
        return fail([problem])
    try:
        template = open_template(args.template)
    except (CookiecutterException, OSError) as error:
        why = " ".join([type(error).__name__, *str(error).splitlines()[:1]])
        return fail([f"--template {args.template}: cookiecutter cannot use it ({why}); allowed: "
                     "a folder with a cookiecutter.json, a gh: address or a git URL "
                     "(git+file:// for a local one)"])
    with every_core(template) as mapper:
        teams, problems = check_roster(args.roster, template, output_dir, mapper)
        if problems:
            return fail(problems)
        if args.dry_run:
            print_plan(teams, output_dir, args.push)
            return 0
        output_dir.mkdir(parents=True, exist_ok=True)
        generate_teams(template, [team for team in teams if team.status != "unchanged"],
                       output_dir, mapper)
    if args.push:
        for team in teams:
            if team.status != "failed":
                team.status, team.detail = push.push_team(args.push, team,
                                                          output_dir / team.repo_name)
    write_reports(output_dir, args.roster, template, teams, args.push)
    for team in teams:
        print(f"{team.status:>9}  team {team.number}: {output_dir / team.repo_name}"
              + (f": {team.detail}" if team.detail else ""))
    counts = {status: sum(team.status == status for team in teams)
              for status in ("created", "unchanged", "pushed", "skipped", "failed")}
    print(", ".join(f"{count} {status}" for status, count in counts.items() if count)
          + f"; report: {output_dir / 'report.md'}")
    return 1 if counts["failed"] else 0
