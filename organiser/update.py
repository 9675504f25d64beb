"""Bring each generated team to the template's current commit with ``cruft update``, never
overwriting a team's change.

Where a team's repository is a git checkout, the update is one commit on a branch of its own,
``template-update-<commit>``, made from the team's last commit in a scratch worktree: cruft's
three-way merge (``git apply -3``) keeps the team's changes, a clash is committed with its
conflict markers for the team to resolve, and the team's own branches are not touched. With
``--push`` the team's repository on GitHub is cloned instead, the branch pushed and a pull
request opened; a re-run finds the branch (or its pull request) and makes no second one. A
folder outside git is updated in a copy that is swapped in whole, cruft's ``*.rej`` files
marking any clash.
"""
import json
import os
import shlex
import shutil
import sys

from organiser import push
from organiser.commands import CommandFailed, git, has_ref, run, said
from organiser.roster import CRUFT_FILE
from organiser.scratch import replace_folder, scratch_folder

BRANCH_PREFIX = "template-update-"
# How an update commit's message lists its clashes, so that a later run can tell them again.
CONFLICTS = "Conflicts to resolve: "


class CannotUpdate(Exception):
    """What keeps cruft from updating a team's repository."""


def update_branch(template):
    return BRANCH_PREFIX + template.commit[:12]


def recorded_commit(state, template):
    """The template commit a team's ``.cruft.json`` (``state``) records, after checking that
    cruft can update it from this template."""
    if not state.get("commit"):
        raise CannotUpdate(f"its {CRUFT_FILE} records no template commit, so cruft cannot "
                           "update it")
    if state.get("template") != template.address:
        raise CannotUpdate(f"it was generated from {state.get('template')}, not from "
                           f"{template.address}: run with --template {state.get('template')}")
    return state["commit"]


def run_cruft(project, scratch):
    """``cruft update`` in ``project``: the files it could not merge (left with conflict markers,
    or beside a ``*.rej`` file of what it could not apply)."""
    tmp = scratch / "tmp"
    tmp.mkdir()
    # Its clones stay in the scratch folder; git looks for no repository above the project.
    env = {**os.environ, "TMPDIR": str(tmp), "GIT_CEILING_DIRECTORIES": str(project.parent)}
    completed = run([sys.executable, "-m", "cruft", "update", "--skip-apply-ask",
                     "--allow-untracked-files"], cwd=project, env=env)
    if completed.returncode != 0:
        raise CommandFailed(f"cruft update failed: {said(completed)}")
    conflicts = []
    if (project / ".git").exists():
        conflicts = git(project, "diff", "--name-only", "-z", "--diff-filter=U").split("\0")
    rejected = [path.relative_to(project).as_posix() for path in project.rglob("*.rej")
                if ".git" not in path.relative_to(project).parts]
    return sorted(filter(None, conflicts)) + sorted(rejected)


def commit_message(template, old, conflicts):
    lines = [f"Update from the template to {template.commit[:12]}", "",
             f"cruft update of {template.address} from {old[:12]} to {template.commit[:12]}."]
    changes = template.changes_since(old)
    if changes:
        lines += ["", "The template's changes:", *[f"- {change}" for change in changes]]
    if conflicts:
        lines += ["", CONFLICTS + ", ".join(conflicts),
                  "(lines between <<<<<<< and >>>>>>>, or what a .rej file could not apply)"]
    return "\n".join(lines) + "\n"


def commit_update(tree, message):
    """Commit everything cruft changed in ``tree`` (a fresh checkout: nothing else is there);
    the commit. The team's pre-commit hooks are not run: the commit is the template's."""
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "--no-verify", "-m", message)
    return git(tree, "rev-parse", "HEAD").strip()


def conflicts_of(message):
    """The clashes an update commit's message lists."""
    for line in message.splitlines():
        if line.startswith(CONFLICTS):
            return line.removeprefix(CONFLICTS).split(", ")
    return []


def outcome(conflicts, where):
    if conflicts:
        return "conflict", f"conflicts in {', '.join(conflicts)}: {where}"
    return "updated", where


def merge_hint(folder, branch, conflicts):
    command = f"cd {shlex.quote(str(folder))} && git merge {branch}"
    if conflicts:
        return (f"committed with their markers on branch {branch}: resolve them there, "
                f"then: {command}")
    return f"on branch {branch}; to take it: {command}"


def update_checkout(template, folder, output_dir):
    """Update a team's git checkout on a branch made from its last commit."""
    git(folder, "worktree", "prune")  # a worktree an interrupted run left
    old = recorded_commit(json.loads(git(folder, "show", f"HEAD:{CRUFT_FILE}")), template)
    if old == template.commit:
        return "unchanged", f"at the template's commit {template.commit[:12]}"
    branch = update_branch(template)
    if has_ref(folder, f"refs/heads/{branch}"):
        conflicts = conflicts_of(git(folder, "log", "-1", "--format=%B", branch))
        return "unchanged", "not merged yet: " + merge_hint(folder, branch, conflicts)
    with scratch_folder(output_dir) as scratch:
        tree = scratch / "tree"
        git(folder, "worktree", "add", "--quiet", "--detach", str(tree), "HEAD")
        try:
            conflicts = run_cruft(tree, scratch)
            commit = commit_update(tree, commit_message(template, old, conflicts))
        finally:
            run(["git", "worktree", "remove", "--force", str(tree)], cwd=folder)
        # Last, so that the branch exists only when the update is complete.
        git(folder, "branch", branch, commit)
    return outcome(conflicts, merge_hint(folder, branch, conflicts))


def update_folder(template, folder, output_dir):
    """Update a team's folder outside git: in a copy, swapped in when complete."""
    state = json.loads((folder / CRUFT_FILE).read_text(encoding="utf-8"))
    if recorded_commit(state, template) == template.commit:
        return "unchanged", f"at the template's commit {template.commit[:12]}"
    with scratch_folder(output_dir) as scratch:
        copy = scratch / folder.name
        shutil.copytree(folder, copy, symlinks=True)
        conflicts = run_cruft(copy, scratch)
        replace_folder(folder, copy)
    if conflicts:
        return "conflict", (f"conflicts in {', '.join(conflicts)}: the rest is applied; apply "
                            "what each .rej file holds by hand, then delete it")
    return "updated", f"to the template's commit {template.commit[:12]}"


def update_repository(template, name, output_dir):
    """Update a team's repository on GitHub through a branch and a pull request."""
    branch = update_branch(template)
    proposed = push.pull_requests(name, branch)
    if proposed:  # open, merged or closed: the team has had this update proposed
        return "unchanged", f"pull request {proposed[0]['url']} ({proposed[0]['state'].lower()})"
    with scratch_folder(output_dir) as scratch:
        clone = scratch / "clone"
        push.clone(name, clone)
        base = git(clone, "rev-parse", "--abbrev-ref", "HEAD").strip()
        state = json.loads((clone / CRUFT_FILE).read_text(encoding="utf-8"))
        old = recorded_commit(state, template)
        if old == template.commit:
            return "unchanged", f"{base} is at the template's commit {template.commit[:12]}"
        pushed = f"refs/remotes/origin/{branch}"
        if has_ref(clone, pushed):
            message = git(clone, "log", "-1", "--format=%B", pushed)  # pushed by an earlier run
        else:
            conflicts = run_cruft(clone, scratch)
            message = commit_message(template, old, conflicts)
            commit_update(clone, message)
            push.git_with_gh_credentials(clone, "push", "--quiet", "origin",
                                         f"HEAD:refs/heads/{branch}")
        conflicts = conflicts_of(message)
        title, _, body = message.partition("\n")
        title += " (conflicts to resolve)" if conflicts else ""
        url = push.open_pull_request(name, base, branch, title, body.strip())
    return outcome(conflicts, f"pull request {url}")


def update_team(template, team, output_dir, owner=None):
    """``(status, detail)`` of bringing one team to the template's commit, never raising.

    With ``owner``, a team whose repository is on GitHub is updated there; one that is not yet
    (or is empty) is updated here and then pushed.
    """
    folder = output_dir / team.repo_name
    name = f"{owner}/{team.repo_name}"
    try:
        if owner and push.repository_state(name) == "there":
            return update_repository(template, name, output_dir)
        if (folder / ".git").exists():
            status, detail = update_checkout(template, folder, output_dir)
        else:
            status, detail = update_folder(template, folder, output_dir)
    except (CommandFailed, CannotUpdate) as error:
        return "failed", str(error)
    except Exception as error:  # one team's failure must not stop the others
        return "failed", f"{type(error).__name__}: {error}"
    if not owner:
        return status, detail
    pushed, where = push.push_team(owner, team, folder)
    return pushed, f"{status} ({detail}); {where}"


def update_teams(template, teams, output_dir, owner=None, mapper=map):
    """Update ``teams`` through ``mapper`` (a process pool's ``map`` runs them side by side),
    setting each one's status and detail."""
    results = mapper(update_team, [template] * len(teams), teams, [output_dir] * len(teams),
                     [owner] * len(teams))
    for team, (status, detail) in zip(teams, results):
        team.status, team.detail = status, detail
