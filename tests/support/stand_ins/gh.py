"""A stand-in for the GitHub CLI, as far as the organiser uses it; on PATH as ``gh`` in tests.

GitHub is a folder, ``$GH_REMOTES``: one bare git repository per repository
(``<owner>/<name>.git``, which git pushes to and clones from as it would from GitHub), its
pull requests in ``pull_requests.json``. ``$GH_REPOSITORIES`` lists the repositories that exist,
one ``owner/name`` a line (a listed one without a bare repository is empty). Every call is
appended to ``$GH_LOG``, one JSON list a line. ``auth status`` exits with ``$GH_AUTH_STATUS``
(0 by default).

``$GH_FAIL`` (a JSON object) makes a command fail as the real gh fails: its keys are
``"<command> <subcommand> <owner/name>"``, its values ``"auth"`` (bad credentials), ``"network"``
(GitHub out of reach) or, for ``repo create``, ``"push"`` (the repository is created and its
remote added, then the push fails). The messages and exit statuses are the real gh's
(cli/cli's ``internal/ghcmd/cmd.go`` and ``api``).

``run list --repo R --workflow FILE [--limit N] --json FIELDS`` answers from ``$GH_RUNS``, a JSON
object: for each repository, either the runs of each workflow file, newest first, each with every
field gh offers, or a line to fail with (a network error, say). A repository or workflow it does
not have is gh's 404. It waits ``$GH_DELAY`` seconds first, as the network would.
"""
import contextlib
import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

FAILURES = {
    "auth": "HTTP 401: Bad credentials (https://api.github.com/graphql)\n"
            "Try authenticating with:  gh auth login",
    "network": "error connecting to api.github.com\n"
               "check your internet connection or https://githubstatus.com",
}


def repositories():
    path = Path(os.environ["GH_REPOSITORIES"])
    return path.read_text(encoding="utf-8").split() if path.exists() else []


def bare(name):
    return Path(os.environ["GH_REMOTES"]) / f"{name}.git"


def git(*args, cwd=None):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)


def has_commits(name):
    return bare(name).exists() and bool(git("for-each-ref", cwd=bare(name)).stdout.strip())


def option(args, flag):
    return args[args.index(flag) + 1]


def pull_requests():
    path = Path(os.environ["GH_REMOTES"]) / "pull_requests.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


@contextlib.contextmanager
def pull_requests_locked():
    """The pull requests, to change and save: the organiser opens them from several processes
    at once, and GitHub loses none."""
    with open(Path(os.environ["GH_REMOTES"]) / "pull_requests.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        known = pull_requests()
        yield known
        path = Path(os.environ["GH_REMOTES"]) / "pull_requests.json"
        path.write_text(json.dumps(known, indent=2), encoding="utf-8")


def not_found(name):
    sys.exit(f"GraphQL: Could not resolve to a Repository with the name '{name}'. (repository)")


def auth_status(args):
    code = int(os.environ.get("GH_AUTH_STATUS", "0"))
    print("You are not logged into any GitHub hosts. To log in, run: gh auth login"
          if code else "Logged in to github.com account organiser", file=sys.stderr)
    sys.exit(code)


def repo_view(args):
    name = args[0]
    if name not in repositories():
        not_found(name)
    fields = {"name": name.split("/")[1], "isEmpty": not has_commits(name),
              "url": f"https://github.com/{name}"}
    print(json.dumps({field: fields[field] for field in option(args, "--json").split(",")}))


def repo_create(args):
    name, source = args[0], Path(option(args, "--source"))
    if name in repositories():
        sys.exit("GraphQL: Name already exists on this account (createRepository)")
    status = git("status", "--porcelain", cwd=source).stdout
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, capture_output=True)
    if status or head.returncode:
        sys.exit(f"stand-in gh: {source} is not a clean git repository with a commit")
    bare(name).parent.mkdir(parents=True, exist_ok=True)
    git("init", "--quiet", "--bare", "-b", "main", str(bare(name)))
    with open(os.environ["GH_REPOSITORIES"], "a", encoding="utf-8") as known:
        known.write(name + "\n")
    git("remote", "add", "origin", str(bare(name)), cwd=source)
    if failure(f"repo create {name}") == "push":
        sys.exit(f"failed to run git: fatal: unable to access 'https://github.com/{name}.git/': "
                 "Could not resolve host: github.com")
    git("push", "--quiet", "--set-upstream", "origin", "HEAD", cwd=source)
    print(f"https://github.com/{name}")


def repo_clone(args):
    name, folder = args[0], args[1]
    if name not in repositories():
        not_found(name)
    git("clone", "--quiet", str(bare(name)), folder)


def pr_list(args):
    name, head = option(args, "--repo"), option(args, "--head")
    fields = option(args, "--json").split(",")
    print(json.dumps([{field: request[field] for field in fields} for request in pull_requests()
                      if request["repo"] == name and request["headRefName"] == head]))


def pr_create(args):
    name, base, head = option(args, "--repo"), option(args, "--base"), option(args, "--head")
    if subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{head}"],
                      cwd=bare(name), capture_output=True).returncode:
        sys.exit("pull request create failed: GraphQL: Head sha can't be blank, Base sha can't "
                 f"be blank, No commits between {base} and {head}, Head ref must be a branch "
                 "(createPullRequest)")
    with pull_requests_locked() as known:
        for request in known:
            if (request["repo"], request["headRefName"], request["state"]) == (name, head, "OPEN"):
                sys.exit(f"a pull request for branch \"{head}\" into branch \"{base}\" already "
                         f"exists:\n{request['url']}")
        url = f"https://github.com/{name}/pull/{1 + sum(r['repo'] == name for r in known)}"
        known.append({"repo": name, "url": url, "state": "OPEN", "baseRefName": base,
                      "headRefName": head, "title": option(args, "--title"),
                      "body": option(args, "--body")})
    print(url)


# The fields gh run list --json offers (cli/cli pkg/cmd/run/shared/shared.go, RunFields).
RUN_FIELDS = ("name", "displayTitle", "headBranch", "headSha", "createdAt", "updatedAt",
              "startedAt", "attempt", "status", "conclusion", "event", "number", "databaseId",
              "workflowDatabaseId", "workflowName", "url")


def run_list(args):
    time.sleep(float(os.environ.get("GH_DELAY", "0")))
    given = {flag: option(args, flag) for flag in ("--repo", "--workflow", "--limit", "--json")
             if flag in args}
    repository, workflow = given.get("--repo"), given.get("--workflow")
    fields = given.get("--json", "").split(",")
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
    runs = workflows[workflow][:int(given.get("--limit", "20"))]
    print(json.dumps([{name: run[name] for name in fields} for run in runs], indent=2))


COMMANDS = {("auth", "status"): auth_status, ("repo", "view"): repo_view,
            ("repo", "create"): repo_create, ("repo", "clone"): repo_clone,
            ("pr", "list"): pr_list, ("pr", "create"): pr_create, ("run", "list"): run_list}


def failure(call):
    return json.loads(os.environ.get("GH_FAIL", "{}")).get(call)


def repository_of(args):
    """The ``owner/name`` a call is about ("" for none)."""
    if args[0] == "repo":
        return args[2] if len(args) > 2 else ""
    return option(args, "--repo") if "--repo" in args else ""


def main(args):
    with open(os.environ["GH_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(args) + "\n")
    command = COMMANDS.get(tuple(args[:2]))
    if command is None:
        sys.exit(f"stand-in gh: unexpected arguments {args}")
    kind = failure(f"{args[0]} {args[1]} {repository_of(args)}")
    if kind in FAILURES:
        sys.exit(FAILURES[kind])
    command(args[2:])


if __name__ == "__main__":
    main(sys.argv[1:])
