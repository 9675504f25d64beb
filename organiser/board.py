"""What the status board knows: each team's workflows or pipelines, the latest run of each, and
what the team's row says first.

Which runs a team has comes from ``DIR/report.json`` and the team's generated repository: its
``.github/workflows/``, or the pipelines of its ``environment_setup/azure-devops.json``. The latest
run of each comes from ``gh run list`` (in the GitHub repository ``--push`` recorded) or
``az pipelines runs list`` (in the organization and project of the team's answers), all asked at
once, with the organiser's own sign-in: the board's one boundary with GitHub and Azure DevOps.
"""
import json
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from urllib.parse import quote

from organiser import commands

GITHUB_ACTIONS = "github_actions"  # the orchestrator answer; any other is Azure DevOps
# The board's columns, in the order a team's work flows.
COLUMNS = ("Infrastructure", "CI", "Training", "Deployment")
# A GitHub Actions repository's workflows, by file, and the column each fills (Teardown is none).
WORKFLOW_COLUMNS = {
    "infrastructure-arm.yml": ("Infrastructure",),
    "infrastructure-terraform.yml": ("Infrastructure",),
    "ci.yml": ("CI",),
    "train.yml": ("Training",),
    "deploy.yml": ("Deployment",),
}
# The pipelines azure-devops.json lists, in its order (the set-up script's): IaC, CI, CD. The CI
# pipeline also trains and registers the model, so it fills two columns.
PIPELINE_COLUMNS = (("Infrastructure",), ("CI", "Training"), ("Deployment",))
WORKFLOWS_FOLDER = Path(".github", "workflows")
AZURE_DEVOPS_CONFIG = Path("environment_setup", "azure-devops.json")

# The states of a stage's latest run.
QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
CANCELLED, NEVER_RUN, UNKNOWN = "cancelled", "never run", "unknown"
# gh run list: a run's status, then, once completed, its conclusion (cli/cli
# pkg/cmd/run/shared/shared.go): each with its state and what the state alone does not say.
GITHUB_STATUSES = {"queued": (QUEUED, ""), "requested": (QUEUED, "requested"),
                   "waiting": (QUEUED, "waiting for a reviewer"), "pending": (QUEUED, "pending"),
                   "in_progress": (RUNNING, "")}
GITHUB_CONCLUSIONS = {"success": (SUCCEEDED, ""), "neutral": (SUCCEEDED, "neutral"),
                      "failure": (FAILED, ""), "timed_out": (FAILED, "timed out"),
                      "startup_failure": (FAILED, "startup failure"),
                      "cancelled": (CANCELLED, ""), "skipped": (CANCELLED, "skipped"),
                      "stale": (CANCELLED, "stale"),
                      # gh counts it a failure too: it waits for someone's approval.
                      "action_required": (FAILED, "action required")}
GITHUB_FIELDS = "status,conclusion,createdAt,startedAt,updatedAt,url"
# az pipelines runs list: a build's status, then, once completed, its result (the Build REST
# resource; the values the azure-devops extension's --status and --result accept).
AZURE_STATUSES = {"notStarted": (QUEUED, ""), "postponed": (QUEUED, "postponed"),
                  "inProgress": (RUNNING, ""), "cancelling": (CANCELLED, "cancelling")}
AZURE_RESULTS = {"succeeded": (SUCCEEDED, ""),
                 "partiallySucceeded": (SUCCEEDED, "partially succeeded"),
                 "failed": (FAILED, ""), "canceled": (CANCELLED, "")}

# gh and az mostly wait on the network: more queries at once than cores, but bounded.
QUERY_THREADS = 16
QUERY_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Run:
    """The latest run of one workflow or pipeline, as far as the board shows it."""

    state: str
    started: datetime | None = None  # or queued, when it has not started
    ended: datetime | None = None  # None until it completes
    url: str = ""
    note: str = ""  # what the platform said that the state does not, or why it is unknown

    def duration(self, now):
        return (self.ended or now) - self.started if self.started else None


@dataclass
class Stage:
    """One workflow or pipeline of a team, the board columns it fills, and its latest run."""

    name: str
    columns: tuple
    query: Callable[[], Run] | None = None  # asked in a worker thread
    run: Run | None = None


@dataclass
class Team:
    number: str
    repo_name: str
    orchestrator: str
    home: str = ""  # where the team's runs are listed: its Actions tab or its project's builds
    stages: list = field(default_factory=list)
    problem: str = ""  # why none of the team's runs could be read


@dataclass(frozen=True)
class Verdict:
    """What a row says first: how urgent (stuck teams first), in which look, and why."""

    rank: int
    kind: str
    text: str


# Row kinds, by rank: the first two are stuck.
KINDS = ("failed", "stuck", "unknown", "active", "waiting", "done")


# --- asking gh and az ---------------------------------------------------------------------------

def ask(argv):
    """The JSON a command printed, or why there is none: ``(data, None)`` or ``(None, reason)``."""
    try:
        completed = commands.run(argv, timeout=QUERY_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return None, f"{' '.join(argv[:3])}: no answer in {QUERY_TIMEOUT_SECONDS} s"
    if completed.returncode != 0:
        return None, commands.said(completed).removeprefix("ERROR: ")  # az's prefix says no more
    try:
        return json.loads(completed.stdout), None
    except ValueError:
        return None, f"{' '.join(argv[:3])} printed no JSON"


def moment(text):
    """A time gh or az printed, or None (gh prints Go's zero time, year 1, for none)."""
    if not text:
        return None
    value = datetime.fromisoformat(text)
    return None if value.year == 1 else value


def github_latest(runs):
    """The board's Run of what ``gh run list --limit 1 --json GITHUB_FIELDS`` printed."""
    if not runs:
        return Run(NEVER_RUN)
    latest = runs[0]
    completed = latest["status"] == "completed"
    table, word = ((GITHUB_CONCLUSIONS, latest["conclusion"]) if completed
                   else (GITHUB_STATUSES, latest["status"]))
    state, note = table.get(word, (UNKNOWN, f"gh says {word!r}"))
    return Run(state, moment(latest["startedAt"]) or moment(latest["createdAt"]),
               moment(latest["updatedAt"]) if completed else None, latest["url"], note)


def github_run(repository, workflow):
    runs, problem = ask(["gh", "run", "list", "--repo", repository, "--workflow", workflow,
                         "--limit", "1", "--json", GITHUB_FIELDS])
    return Run(UNKNOWN, note=problem) if problem else github_latest(runs)


def build_link(build):
    """The web page of a build. az prints no web link (only the REST ``url``, from which the
    organization comes); the page is ``<organization>/<project>/_build/results?buildId=<id>``,
    as the extension's own ``--open`` builds it."""
    organization = build.get("url", "").split("/_apis/")[0].rpartition("/")[0]
    project = build.get("project", {}).get("name", "")
    if not (organization and project):
        return ""
    return f"{organization}/{quote(project)}/_build/results?buildId={build['id']}"


def azure_latest(builds):
    """The board's Run of what ``az pipelines runs list --top 1`` printed."""
    if not builds:
        return Run(NEVER_RUN)
    latest = builds[0]
    completed = latest["status"] == "completed"
    table, word = (AZURE_RESULTS, latest.get("result")) if completed else (
        AZURE_STATUSES, latest["status"])
    state, note = table.get(word, (UNKNOWN, f"az says {word!r}"))
    return Run(state, moment(latest.get("startTime")) or moment(latest.get("queueTime")),
               moment(latest.get("finishTime")) if completed else None, build_link(latest),
               note)


def azure_run(scope, pipeline):
    """The latest run of the pipeline named ``pipeline`` (az lists names by prefix)."""
    found, problem = ask(["az", "pipelines", "list", "--name", pipeline, *scope])
    if problem:
        return Run(UNKNOWN, note=problem)
    ids = [item["id"] for item in found if item.get("name") == pipeline]
    if not ids:
        return Run(UNKNOWN, note=f"no pipeline {pipeline}: run environment_setup/"
                                 "azure_devops_setup.py")
    builds, problem = ask(["az", "pipelines", "runs", "list", "--pipeline-ids", str(ids[0]),
                           "--top", "1", "--query-order", "QueueTimeDesc", *scope])
    return Run(UNKNOWN, note=problem) if problem else azure_latest(builds)


# --- which runs each team has -------------------------------------------------------------------

def github_team(team, entry, folder):
    repository = entry.get("github_repository")
    if not repository:
        team.problem = "not pushed to GitHub yet (the organiser's --push OWNER records where)"
        return
    team.home = f"https://github.com/{repository}/actions"
    team.stages = [Stage(name, columns, partial(github_run, repository, name))
                   for name, columns in WORKFLOW_COLUMNS.items()
                   if (folder / WORKFLOWS_FOLDER / name).is_file()]
    if not team.stages:
        team.problem = f"no workflows in {folder / WORKFLOWS_FOLDER}"


def azure_devops_team(team, folder):
    path = folder / AZURE_DEVOPS_CONFIG
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
        organization, project, pipelines = (config["organization"], config["project"],
                                            config["pipelines"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        team.problem = f"cannot read {path}: {type(error).__name__}: {error}"
        return
    if len(pipelines) != len(PIPELINE_COLUMNS):
        team.problem = f"{path} lists {len(pipelines)} pipelines, not {len(PIPELINE_COLUMNS)}"
        return
    # Without an organization, az takes its default (az devops configure), as the set-up does.
    scope = [*(["--organization", organization] if organization else []),
             "--project", project, "--output", "json"]
    team.home = f"{organization.rstrip('/')}/{quote(project)}/_build" if organization else ""
    team.stages = [Stage(pipeline["name"], columns, partial(azure_run, scope, pipeline["name"]))
                   for pipeline, columns in zip(pipelines, PIPELINE_COLUMNS)]


def read_teams(output_dir):
    """The teams of ``output_dir/report.json``, each with the stages to ask about; and when the
    report was written (a team that has run nothing has been idle since then)."""
    path = output_dir / "report.json"
    report = json.loads(path.read_text(encoding="utf-8"))
    teams = []
    for entry in report["teams"]:
        team = Team(entry["team_number"], entry["repo_name"], entry["answers"]["orchestrator"])
        folder = output_dir / entry["path"]
        if not folder.is_dir():
            team.problem = f"no folder {folder} (report: {entry['status']})"
        elif team.orchestrator == GITHUB_ACTIONS:
            github_team(team, entry, folder)
        else:
            azure_devops_team(team, folder)
        teams.append(team)
    written = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    return teams, written


def read_runs(teams):
    """Ask for every stage's latest run at once."""
    stages = [stage for team in teams for stage in team.stages if not team.problem]
    with ThreadPoolExecutor(max_workers=QUERY_THREADS) as pool:
        for stage, run in zip(stages, pool.map(lambda stage: stage.query(), stages)):
            stage.run = run


# --- what each row says -------------------------------------------------------------------------

def minutes(delta):
    return int(delta.total_seconds() // 60)


def verdict(team, now, stuck_after, idle_since):
    """The row's first word. Failed runs come first, then teams idle for ``stuck_after`` without
    having finished (since their last run, or since ``idle_since`` when they ran nothing)."""
    def rank(kind, text):
        return Verdict(KINDS.index(kind), kind, text)

    if team.problem:
        return rank("unknown", team.problem)
    runs = [(stage, stage.run) for stage in team.stages]
    failed = [stage for stage, run in runs if run.state == FAILED]
    if failed:
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        return rank("failed", f"{' + '.join(failed[0].columns)} failed{more}")
    unreadable = [(stage, run) for stage, run in runs if run.state == UNKNOWN]
    if unreadable:
        stage, run = unreadable[0]
        return rank("unknown", f"{stage.name}: {run.note}")
    active = [(stage, run) for stage, run in runs if run.state in (QUEUED, RUNNING)]
    if active:
        stage, run = active[-1]  # the furthest along the flow
        return rank("active", f"{' + '.join(stage.columns)} {run.state}")
    if all(run.state == SUCCEEDED for _, run in runs):
        return rank("done", "all succeeded")
    moments = [run.ended or run.started for _, run in runs if run.started]
    idle = now - max(moments, default=idle_since)
    text = (f"last run {minutes(idle)} min ago" if moments
            else f"nothing run in {minutes(idle)} min")
    return rank("stuck" if idle >= stuck_after else "waiting", text)


@dataclass(frozen=True)
class Board:
    """Every team's row, stuck teams first, as of ``now``."""

    rows: list  # (team, verdict)
    now: datetime
    stuck_after: timedelta

    @property
    def counts(self):
        """How many rows of each kind, in KINDS order."""
        return {kind: sum(found.kind == kind for _, found in self.rows) for kind in KINDS}

    @property
    def stuck_rule(self):
        return (f"stuck: a failed run, or nothing run for "
                f"{self.stuck_after / timedelta(minutes=1):g} min")

    @property
    def unreadable(self):
        return [team for team, _ in self.rows
                if team.problem or any(stage.run.state == UNKNOWN for stage in team.stages)]


def layout(team):
    """``(stage, columns)`` across the board's columns, in order: a stage spans the columns it
    fills; a column that none fills has the stage None."""
    filled = {column: stage for stage in team.stages for column in stage.columns}
    cells = []
    for column in COLUMNS:
        stage = filled.get(column)
        if stage is None or not cells or cells[-1][0] is not stage:
            cells.append((stage, stage.columns if stage else (column,)))
    return cells


def number_order(team):
    return (0, int(team.number), "") if team.number.isdigit() else (1, 0, team.number)


def make_board(teams, now, stuck_after, idle_since):
    rows = [(team, verdict(team, now, stuck_after, idle_since)) for team in teams]
    rows.sort(key=lambda row: (row[1].rank, number_order(row[0])))
    return Board(rows, now, stuck_after)


# --- how times read ------------------------------------------------------------------------------

def clock(moment_):
    return moment_.astimezone().strftime("%H:%M")


def span(delta):
    """A duration in two units at most: 45s, 12m03s, 1h02m."""
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
