"""Running the programs the organiser drives (git, gh, cruft): failures as values or as one
exception whose message names the command and says what it printed."""
import subprocess


class CommandFailed(Exception):
    """A command failed; the message says which and what it printed."""


def run(args, cwd=None, env=None, timeout=None):
    """The completed process of ``args`` (exit status 127 when the program is not there);
    subprocess.TimeoutExpired after ``timeout`` seconds."""
    try:
        return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                              check=False, timeout=timeout)
    except OSError as error:
        return subprocess.CompletedProcess(args, 127, "", f"{args[0]}: {error.strerror}")


def said(completed):
    """What a failed command printed, on one line."""
    lines = [line.strip() for line in (completed.stderr or completed.stdout).splitlines()]
    return "; ".join(line for line in lines if line) or f"exit status {completed.returncode}"


def command_name(args):
    """``gh repo create owner/name``, ``gh pr create owner/name`` or ``git push``: how a
    failure names its command."""
    words = [str(arg) for index, arg in enumerate(args)
             if arg != "-c" and (index == 0 or args[index - 1] != "-c")]
    if words[0] != "gh":
        return " ".join(words[:2])
    if "--repo" in words:
        return " ".join([*words[:3], words[words.index("--repo") + 1]])
    return " ".join(words[:4])


def checked(args, cwd=None, env=None):
    """The output of ``args``, or CommandFailed naming the command."""
    completed = run(args, cwd, env)
    if completed.returncode != 0:
        raise CommandFailed(f"{command_name(args)} failed: {said(completed)}")
    return completed.stdout


def git(folder, *args):
    """The output of a git command in ``folder``, or CommandFailed."""
    return checked(["git", *args], cwd=folder)


def has_ref(folder, ref):
    """Whether the git repository ``folder`` has ``ref`` (``refs/heads/<branch>``, say)."""
    return run(["git", "rev-parse", "--verify", "--quiet", ref], cwd=folder).returncode == 0
