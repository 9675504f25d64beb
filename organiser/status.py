"""The status board: which teams are stuck, and where.

    python -m organiser ROSTER.csv --output-dir DIR --status [--watch SECONDS]
                                                             [--stuck-after MINUTES]

It asks for the latest run of every team's workflows or pipelines (``organiser.board``), prints
one table, a row per team with stuck teams first, and writes ``DIR/status.html``, the same board
for a projector (``organiser.status_page``). A team or stage that could not be read shows
``unknown`` with the reason, and the exit status is then 1; it is 2 when there is no board.
"""
import argparse
import math
import os
import sys
import time
from datetime import datetime, timedelta, timezone

from organiser.board import (
    CANCELLED, COLUMNS, FAILED, GITHUB_ACTIONS, NEVER_RUN, QUEUED, RUNNING, SUCCEEDED,
    UNKNOWN, clock, layout, make_board, read_runs, read_teams, span)
from organiser.status_page import PAGE, write_page

STUCK_AFTER_MINUTES = 30
# GitHub's REST limit per user, of which the board takes at most four fifths (the rest is left
# for the organiser's other gh commands); gh run list --workflow makes two requests.
GITHUB_REQUESTS_PER_HOUR = 5000
GITHUB_REQUESTS_FOR_THE_BOARD = 4000
GITHUB_REQUESTS_PER_RUN_LIST = 2
# How a report.json that is not (yet) whole fails to read.
UNREADABLE_REPORT = (OSError, ValueError, KeyError, TypeError)


# --- the terminal table -------------------------------------------------------------------------

# The longest status the table shows whole (the lines below it say the rest).
STATUS_WIDTH = 48
# The ANSI colour of each row kind and stage state (a row that failed looks as a failed stage).
ANSI = {"failed": "1;31", "stuck": "1;33", "unknown": "1;35", "active": "1;34", "waiting": "2",
        "done": "32", RUNNING: "34", QUEUED: "34", SUCCEEDED: "32", CANCELLED: "2",
        NEVER_RUN: "2"}


def use_colour(stream):
    """Colour only for a terminal that shows it, unless NO_COLOR is set (no-color.org)."""
    return (stream.isatty() and not os.environ.get("NO_COLOR")
            and os.environ.get("TERM") != "dumb")


def stage_words(run, now):
    """A stage's state, upper case when it needs someone, then when it started and how long."""
    word = run.state.upper() if run.state in (FAILED, UNKNOWN) else run.state
    if not run.started:
        return word
    return f"{word} {clock(run.started)} {span(run.duration(now))}"


def row_cells(team, found, now):
    """``(text, look)`` of each cell of a row after the team's; a run that fills more than one
    column (Azure DevOps's CI trains too) says so in the next."""
    said = f"{found.kind.upper()}: {found.text}"
    cells = [(said if len(said) <= STATUS_WIDTH else said[:STATUS_WIDTH - 3] + "...", found.kind)]
    if team.problem:
        return cells + [(UNKNOWN.upper(), UNKNOWN)] * len(COLUMNS)
    for stage, columns in layout(team):
        if stage is None:
            cells.append(("-", NEVER_RUN))
            continue
        cells.append((stage_words(stage.run, now), stage.run.state))
        cells += [(f"(in {columns[0]})", stage.run.state)] * (len(columns) - 1)
    return cells


def table(board, colour=False):
    """The board as text: a header, then a row per team."""
    header = ["TEAM", "REPOSITORY", "STATUS", *(name.upper() for name in COLUMNS)]
    rows = [[(team.number, None), (team.repo_name, None), *row_cells(team, found, board.now)]
            for team, found in board.rows]
    widths = [max(len(text) for text, _ in column)
              for column in zip([(name, None) for name in header], *rows)]
    lines = ["  ".join(name.ljust(width) for name, width in zip(header, widths)).rstrip()]
    for row in rows:
        padded = [text.ljust(width) for (text, _), width in zip(row[:-1], widths)] + [row[-1][0]]
        lines.append("  ".join(f"\033[{ANSI[look]}m{text}\033[0m" if colour and look else text
                               for text, (_, look) in zip(padded, row)))
    return "\n".join(lines)


def details(board):
    """What the table cuts short: why each team or stage could not be read, and the link of each
    failed run."""
    lines = []
    for team, _ in board.rows:
        if team.problem:
            lines.append(f"  team {team.number}: {team.problem}")
        for stage in team.stages:
            if stage.run.state == FAILED:
                lines.append(f"  team {team.number} {stage.name} failed: {stage.run.url}")
            elif stage.run.state == UNKNOWN:
                lines.append(f"  team {team.number} {stage.name}: {stage.run.note}")
    return lines


def summary(board):
    said = ", ".join(f"{count} {kind}" for kind, count in board.counts.items() if count)
    return (f"{len(board.rows)} teams at {board.now.astimezone():%H:%M:%S}: {said} "
            f"({board.stuck_rule})")


# --- the command -------------------------------------------------------------------------------

def watch_problem(teams, seconds):
    """Why watching every ``seconds`` would exhaust the organiser's GitHub requests, or None."""
    workflows = sum(len(team.stages) for team in teams if team.orchestrator == GITHUB_ACTIONS)
    hourly = workflows * GITHUB_REQUESTS_PER_RUN_LIST * 3600 / seconds
    if hourly <= GITHUB_REQUESTS_FOR_THE_BOARD:
        return None
    shortest = math.ceil(workflows * GITHUB_REQUESTS_PER_RUN_LIST * 3600
                         / GITHUB_REQUESTS_FOR_THE_BOARD)
    return (f"--watch {seconds:g}: {workflows} GitHub workflows, asked every {seconds:g} s, take "
            f"{hourly:,.0f} GitHub requests an hour (gh finds each workflow, then its runs); "
            f"allowed: {shortest} seconds or more, which keeps within "
            f"{GITHUB_REQUESTS_FOR_THE_BOARD:,} of the {GITHUB_REQUESTS_PER_HOUR:,} an hour "
            "GitHub allows each user")


def show(teams, written, output_dir, stuck_after, watch):
    """Ask for the runs of ``teams`` (read from a report written at ``written``), print the
    board and write the page: the Board."""
    read_runs(teams)
    board = make_board(teams, datetime.now(timezone.utc), stuck_after, written)
    colour = use_colour(sys.stdout)
    if watch and colour:
        print("\033[H\033[2J", end="")  # each round on a clean screen
    print(summary(board))
    print(table(board, colour))
    notes = details(board)
    if notes:
        print("\n".join(["Failed or unreadable:", *notes]))
    print(f"Page: {write_page(board, output_dir / PAGE, watch)}", flush=True)
    return board


def main(output_dir, watch=None, stuck_after_minutes=STUCK_AFTER_MINUTES):
    """Exit status 0 when every run was read, 1 when something could not be, 2 when there is no
    board. With ``watch``, again every ``watch`` seconds until interrupted."""
    report = output_dir / "report.json"
    try:
        teams, written = read_teams(output_dir)
    except FileNotFoundError:
        return refuse(f"{report}: no such file; the board shows the teams the organiser "
                      f"generated: run python -m organiser ROSTER --output-dir {output_dir} first")
    except UNREADABLE_REPORT as error:
        return refuse(f"{report}: cannot read it ({type(error).__name__}: {error}); the "
                      "organiser rewrites it on its next run")
    problem = watch and watch_problem(teams, watch)
    if problem:
        return refuse(problem)
    stuck_after = timedelta(minutes=stuck_after_minutes)
    board = show(teams, written, output_dir, stuck_after, watch)
    try:
        while watch:
            time.sleep(watch)
            try:
                # The report again: the organiser may have added teams meanwhile.
                board = show(*read_teams(output_dir), output_dir, stuck_after, watch)
            except UNREADABLE_REPORT as error:  # the organiser may be rewriting it right now
                print(f"{report}: cannot read it ({type(error).__name__}); again in {watch:g} s",
                      flush=True)
    except KeyboardInterrupt:
        write_page(board, output_dir / PAGE, None)  # nothing updates the page any more
        print("\nStopped watching.")
    return 1 if board.unreadable else 0


def positive_number(text):
    """The type of --watch and --stuck-after: a number above 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"{text!r}: allowed: a number above 0")
    return value


def refuse(line):
    print(f"ERROR: {line}", file=sys.stderr)
    return 2
