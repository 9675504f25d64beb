"""Create each team's private GitHub repository and push it, with ``gh`` alone.

The one boundary with GitHub: ``gh auth status`` first, ``gh repo view`` to skip a repository that
exists (never overwritten, never force-pushed), ``gh repo create --private --source --push``.
Git only makes the first local commit that ``gh`` pushes.
"""
import subprocess

# What ``gh repo view`` says when the repository does not exist (any other failure is reported).
NOT_FOUND = "Could not resolve to a Repository"


def run(args, cwd=None):
    try:
        return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as error:
        return subprocess.CompletedProcess(args, 127, "", f"{args[0]}: {error.strerror}")


def last_line(completed):
    lines = (completed.stderr or completed.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit status {completed.returncode}"


def auth_problem():
    """Why ``gh`` cannot push for us, or None."""
    completed = run(["gh", "auth", "status"])
    if completed.returncode == 0:
        return None
    return (f"gh auth status failed ({last_line(completed)}); --push needs the GitHub CLI "
            "signed in: gh auth login")


def first_commit(folder, message):
    """Make ``folder`` a git repository with one commit of everything, unless it is one."""
    if (folder / ".git").exists():
        return None
    for args in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"],
                 ["git", "commit", "-q", "-m", message]):
        completed = run(args, cwd=folder)
        if completed.returncode != 0:
            return f"{' '.join(args[:2])} failed: {last_line(completed)}"
    return None


def push_team(owner, team, folder):
    """``(status, detail)`` of pushing ``folder`` as ``owner/<repo_name>``."""
    name = f"{owner}/{team.repo_name}"
    view = run(["gh", "repo", "view", name, "--json", "name"])
    if view.returncode == 0:
        return "skipped", f"{name} already exists on GitHub; left as it is"
    if NOT_FOUND not in view.stderr:
        return "failed", f"gh repo view {name} failed: {last_line(view)}"
    problem = first_commit(folder, f"Generate team {team.number}'s repository from the template")
    if problem:
        return "failed", problem
    create = run(["gh", "repo", "create", name, "--private", "--source", str(folder), "--push"])
    if create.returncode != 0:
        return "failed", f"gh repo create {name} failed: {last_line(create)}"
    return "pushed", f"https://github.com/{name}"
