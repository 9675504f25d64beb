"""Each team's private GitHub repository, through ``gh`` alone: the one boundary with GitHub.

``gh auth status`` first; ``gh repo view`` says whether a repository is missing, empty or there
(any other failure is the team's failure: nothing is created or pushed on a guess);
``gh repo create --private --source --push`` creates and pushes a missing one; an empty one (a
push that failed in an earlier run) gets its first push; one with commits is never overwritten
and never force-pushed. Template updates go to a branch and a pull request (``gh pr create``),
never to the default branch. Git pushes with gh's own credentials, as gh's git commands do.
"""
import json
import shutil

from organiser.commands import CommandFailed, checked, git, run, said

INSTALL_GH = ("--push needs the GitHub CLI (gh), which is not installed: install it "
              "(https://github.com/cli/cli#installation: apt install gh, brew install gh or "
              "winget install --id GitHub.cli), then run gh auth login")


def git_with_gh_credentials(folder, *args):
    """A git command that talks to GitHub, signed in as gh is (what gh itself runs for a clone
    or a push): no credential helper of the user's, gh's own instead."""
    helper = f'!"{shutil.which("gh") or "gh"}" auth git-credential'
    return git(folder, "-c", "credential.helper=", "-c", f"credential.helper={helper}", *args)


def auth_problem():
    """Why ``gh`` cannot push for us, or None."""
    if shutil.which("gh") is None:
        return INSTALL_GH
    completed = run(["gh", "auth", "status"])
    if completed.returncode == 0:
        return None
    return (f"gh auth status failed ({said(completed)}); --push needs the GitHub CLI signed in: "
            "gh auth login")


def repository_state(name):
    """``"missing"``, ``"empty"`` or ``"there"`` for the repository ``owner/name``. Only GitHub's
    own "not found" answer means missing; any other failure raises CommandFailed."""
    view = run(["gh", "repo", "view", name, "--json", "isEmpty"])
    if view.returncode == 0:
        return "empty" if json.loads(view.stdout)["isEmpty"] else "there"
    # gh's message for a repository GitHub does not have, exit status 1 (cli/cli: api
    # FetchRepository's NOT_FOUND error; GitHub answers the same when the token cannot see it).
    missing = f"Could not resolve to a Repository with the name '{name}'."
    if view.returncode == 1 and missing.casefold() in view.stderr.casefold():
        return "missing"
    raise CommandFailed(f"gh repo view {name} failed: {said(view)}")


def first_commit(folder, message):
    """Make ``folder`` a git repository with one commit of everything, unless it is one."""
    if (folder / ".git").exists():
        return
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", message)


def push_team(owner, team, folder):
    """``(status, detail)`` of pushing ``folder`` as ``owner/<repo_name>``, never raising."""
    name = f"{owner}/{team.repo_name}"
    try:
        state = repository_state(name)
        if state == "there":
            return "skipped", f"{name} already exists on GitHub; left as it is"
        first_commit(folder, f"Generate team {team.number}'s repository from the template")
        if state == "missing":
            checked(["gh", "repo", "create", name, "--private", "--source", str(folder),
                     "--push"])
        else:  # created by an earlier run whose push failed: only the push is missing
            if not run(["git", "remote", "get-url", "origin"], cwd=folder).stdout.strip():
                git(folder, "remote", "add", "origin", f"https://github.com/{name}.git")
            git_with_gh_credentials(folder, "push", "--set-upstream", "origin", "HEAD")
    except CommandFailed as error:
        return "failed", str(error)
    return "pushed", f"https://github.com/{name}"


def clone(name, folder):
    checked(["gh", "repo", "clone", name, str(folder), "--", "--quiet"])


def pull_requests(name, branch):
    """Every pull request of ``name`` from ``branch``, open or not: ``[{"url", "state"}]``."""
    return json.loads(checked(["gh", "pr", "list", "--repo", name, "--head", branch,
                               "--state", "all", "--json", "url,state"]))


def open_pull_request(name, base, branch, title, body):
    """Open a pull request of ``branch`` into ``base``; its address."""
    return checked(["gh", "pr", "create", "--repo", name, "--base", base, "--head", branch,
                    "--title", title, "--body", body]).strip().splitlines()[-1]
