"""A stand-in for the GitHub CLI, as far as the organiser uses it; on PATH as ``gh`` in tests.

Every call is appended to ``$GH_LOG`` (one JSON list per line). ``auth status`` exits with
``$GH_AUTH_STATUS`` (0 by default). GitHub's repositories are the lines of ``$GH_REPOSITORIES``:
``repo view`` finds them (and says what gh says when it does not), ``repo create`` refuses an
existing one and otherwise adds it, after checking that the source is a clean git repository
with a commit to push.

``run list --repo R --workflow FILE [--limit N] --json FIELDS`` answers from ``$GH_RUNS``, a JSON
object: for each repository, either the runs of each workflow file, newest first, each with every
field gh offers, or a line to fail with (a network error, say). A repository or workflow it does
not have is gh's 404. It waits ``$GH_DELAY`` seconds first, as the network would.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path


def repositories():
    path = Path(os.environ["GH_REPOSITORIES"])
    return path.read_text(encoding="utf-8").split() if path.exists() else []


def create(args):
    name, source = args[0], Path(args[args.index("--source") + 1])
    if name in repositories():
        sys.exit("GraphQL: Name already exists on this account (createRepository)")
    status = subprocess.run(["git", "status", "--porcelain"], cwd=source, capture_output=True,
                            text=True, check=True).stdout
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, capture_output=True)
    if status or head.returncode:
        sys.exit(f"stand-in gh: {source} is not a clean git repository with a commit")
    with open(os.environ["GH_REPOSITORIES"], "a", encoding="utf-8") as known:
        known.write(name + "\n")
    print(f"https://github.com/{name}")


# The fields gh run list --json offers (cli/cli pkg/cmd/run/shared/shared.go, RunFields).
RUN_FIELDS = ("name", "displayTitle", "headBranch", "headSha", "createdAt", "updatedAt",
              "startedAt", "attempt", "status", "conclusion", "event", "number", "databaseId",
              "workflowDatabaseId", "workflowName", "url")


def run_list(args):
    def option(name, default=None):
        return args[args.index(name) + 1] if name in args else default

    time.sleep(float(os.environ.get("GH_DELAY", "0")))
    repository, workflow = option("--repo"), option("--workflow")
    fields = option("--json", "").split(",")
    unknown = [name for name in fields if name not in RUN_FIELDS]
    if not (repository and workflow) or unknown:
        sys.exit(f"stand-in gh: run list needs --repo, --workflow and --json of {RUN_FIELDS}, "
                 f"not {unknown}")
    workflows = json.loads(Path(os.environ["GH_RUNS"]).read_text(encoding="utf-8")).get(
        repository, {})
    if isinstance(workflows, str):
        sys.exit(workflows)
    if workflow not in workflows:
        sys.exit(f"HTTP 404: Not Found (https://api.github.com/repos/{repository}/actions/"
                 f"workflows/{workflow})")
    runs = workflows[workflow][:int(option("--limit", "20"))]
    print(json.dumps([{name: run[name] for name in fields} for run in runs], indent=2))


def main(args):
    with open(os.environ["GH_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(args) + "\n")
    if args[:2] == ["auth", "status"]:
        code = int(os.environ.get("GH_AUTH_STATUS", "0"))
        print("You are not logged into any GitHub hosts. To log in, run: gh auth login"
              if code else "Logged in to github.com account organiser", file=sys.stderr)
        sys.exit(code)
    if args[:2] == ["repo", "view"]:
        if args[2] not in repositories():
            sys.exit(f"GraphQL: Could not resolve to a Repository with the name '{args[2]}'. "
                     "(repository)")
        print(json.dumps({"name": args[2].split("/")[1]}))
    elif args[:2] == ["repo", "create"]:
        create(args[2:])
    elif args[:2] == ["run", "list"]:
        run_list(args[2:])
    else:
        sys.exit(f"stand-in gh: unexpected arguments {args}")


if __name__ == "__main__":
    main(sys.argv[1:])
