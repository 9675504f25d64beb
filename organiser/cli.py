"""The command line: ``python -m organiser ROSTER.csv --output-dir DIR [--dry-run] [--update]
[--push OWNER] [--template SOURCE]``, or ``... --status [--watch SECONDS]`` for the status board
(``organiser/status.py``: its own exit status).

Exit status 0 when every team is created, unchanged, updated (or handed a conflict to resolve),
pushed or skipped; 1 when the roster has a problem (then nothing is written), or a team was
refused or failed (the others are done, and the report says which and why); 130 when
interrupted (complete teams are kept; the same command finishes the roster).
"""
import argparse
import contextlib
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cookiecutter.exceptions import CookiecutterException

from organiser import push, status
from organiser.commands import has_ref
from organiser.generate import generate_teams
from organiser.report import generated_commit, write_reports
from organiser.resources import team_choices, team_resources
from organiser.roster import check_roster
from organiser.scratch import clean_leftovers
from organiser.template import CHECKOUT, open_template
from organiser.update import update_branch, update_teams

STATUSES = ("created", "unchanged", "updated", "conflict", "pushed", "skipped", "refused",
            "failed")
# What makes the exit status 1: the organiser has something to fix.
FAILING = ("refused", "failed")


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
                        help="check the roster and print each team's plan, choices and Azure "
                             "names; write nothing")
    parser.add_argument("--update", action="store_true",
                        help="bring every generated team to the template's current commit with "
                             "cruft, on a branch template-update-<commit> where the team's "
                             "folder is a git checkout")
    parser.add_argument("--push", metavar="OWNER",
                        help="create each team's private repository OWNER/<repo_name> with gh "
                             "and push it (one that has commits is skipped); with --update, "
                             "each update goes to a branch and a pull request there")
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
    if args.status and (args.dry_run or args.push or args.update):
        parser.error("--status changes nothing: it goes without --dry-run, --update and --push")
    return args


def fail(lines):
    for line in lines:
        print(f"ERROR: {line}", file=sys.stderr)
    print("Nothing was written.", file=sys.stderr)
    return 1


def planned(team, output_dir, template, update):
    """What a run would do to ``team``, in words."""
    if team.status != "unchanged":
        return {"": "create", "refused": "refused"}[team.status]
    folder = output_dir / team.repo_name
    commit = generated_commit(folder)
    if not update or commit == template.commit:
        return "unchanged (same answers)"
    branch = update_branch(template)
    if (folder / ".git").exists() and has_ref(folder, f"refs/heads/{branch}"):
        return f"unchanged (its update waits on branch {branch})"
    return f"update from the template's commit {str(commit)[:12]} to {template.commit[:12]}"


def print_plan(teams, output_dir, template, args):
    print(f"Plan for {len(teams)} teams, into {output_dir}:")
    for team in teams:
        choices = ", ".join(f"{heading} {value}"
                            for heading, value in team_choices(team.answers).items())
        print(f"  team {team.number}  {team.repo_name}  "
              f"{planned(team, output_dir, template, args.update)}"
              + (f": {team.detail}" if team.detail else ""))
        print(f"    {choices}; region {team.answers['location']}")
        for resource, name in team_resources(team.answers):
            print(f"    {resource}: {name}")
    if args.push:
        print(f"Then push each as a private repository of {args.push} with gh, skipping any that "
              "has commits" + ("; updates go to a branch and a pull request." if args.update
                               else "."))


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
    # Ctrl-C is this process's to handle: a worker finishes the team it is on (whole), and the
    # teams not started are dropped.
    pool = ProcessPoolExecutor(max_workers=workers, initializer=signal.signal,
                               initargs=(signal.SIGINT, signal.SIG_IGN))
    try:
        yield pool.map
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    pool.shutdown()


def run_roster(args, template, output_dir, mapper):
    """Check the roster, then generate, update and push its teams: the exit status."""
    if output_dir.is_dir() and not args.dry_run:
        # First: a team folder an interrupted run set aside is back before the roster is read.
        cleaned = clean_leftovers(output_dir)
        if cleaned:
            print(f"Removed what an interrupted run left: {', '.join(cleaned)}")
    teams, problems = check_roster(args.roster, template, output_dir, mapper)
    if problems:
        return fail(problems)
    if args.dry_run:
        print_plan(teams, output_dir, template, args)
        return 0
    output_dir.mkdir(parents=True, exist_ok=True)
    created = [team for team in teams if not team.status]
    generate_teams(template, created, output_dir, mapper)
    existing = [team for team in teams if team.status == "unchanged"]
    if args.update:
        update_teams(template, existing, output_dir, args.push, mapper)
    if args.push:
        # Updated teams went to GitHub with their update; the others go now.
        for team in created + ([] if args.update else existing):
            if team.status != "failed":
                team.status, team.detail = push.push_team(args.push, team,
                                                          output_dir / team.repo_name)
    write_reports(output_dir, args.roster, template, teams, args.push)
    for team in teams:
        print(f"{team.status:>9}  team {team.number}: {output_dir / team.repo_name}"
              + (f": {team.detail}" if team.detail else ""))
    counts = {state: sum(team.status == state for team in teams) for state in STATUSES}
    print(", ".join(f"{count} {state}" for state, count in counts.items() if count)
          + f"; report: {output_dir / 'report.md'}")
    return 1 if any(counts[state] for state in FAILING) else 0


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
    if args.update and (problem := template.update_problem()):
        return fail([problem])
    try:
        with every_core(template) as mapper:
            return run_roster(args, template, output_dir, mapper)
    except KeyboardInterrupt:
        print("Interrupted: the teams already complete are kept, nothing is half-written; run "
              "the same command again to finish.", file=sys.stderr)
        return 130
