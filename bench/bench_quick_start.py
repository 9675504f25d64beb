"""How long a newcomer waits: the README's first Quick start command on a fresh clone.

Clones this checkout at a commit (``--ref``, default HEAD: give an older commit to measure before
a change), takes the first command of that commit's own Quick start (venv, install, generate),
and runs it in bash in the clone with empty pip and uv caches and no venv active, as on a fresh
machine (packages come from the index, so the network's speed is part of the figure: compare
runs made close together). Prints the wall time of each run, whether pip said it was backtracking
("This is taking longer than usual"), and how many packages the venv holds.

    python bench/bench_quick_start.py [--ref <commit>] [--runs 1]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parents[1]
BACKTRACKING = "This is taking longer than usual"


def quick_start_command(readme):
    """The first ``sh`` block of the README's Quick start section."""
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, flags=re.DOTALL)[0]


def fresh_machine_environment(work):
    """This environment with no venv active and empty caches of pip and uv of its own."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    active = Path(sys.prefix) / "bin"
    env["PATH"] = os.pathsep.join(entry for entry in env.get("PATH", "").split(os.pathsep)
                                  if Path(entry) != active)
    env.update({"PIP_CACHE_DIR": str(work / "pip-cache"), "UV_CACHE_DIR": str(work / "uv-cache"),
                "HOME": str(work)})
    return env


def timed_quick_start(ref, work):
    """(seconds, pip backtracked, packages installed) of one run on a new clone of ``ref``."""
    clone = work / "mlops-cookiecutter"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(TEMPLATE_DIR), str(clone)],
                   check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", ref], check=True)
    command = quick_start_command((clone / "README.md").read_text(encoding="utf-8"))
    start = time.perf_counter()
    completed = subprocess.run(["bash", "-c", command], cwd=clone, capture_output=True,
                               text=True, env=fresh_machine_environment(work))
    seconds = time.perf_counter() - start
    if completed.returncode != 0:
        sys.exit(f"the Quick start command failed ({completed.returncode}):\n"
                 f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    packages = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-m", "pip", "list",
                               "--format", "freeze"], capture_output=True, text=True, check=True)
    output = completed.stdout + completed.stderr
    return seconds, BACKTRACKING in output, len(packages.stdout.splitlines())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD", help="the commit to clone (default HEAD)")
    parser.add_argument("--runs", type=int, default=1, help="fresh clones to time")
    args = parser.parse_args(argv)
    commit = subprocess.run(["git", "-C", str(TEMPLATE_DIR), "rev-parse", "--short", args.ref],
                            capture_output=True, text=True, check=True).stdout.strip()
    readme = subprocess.run(["git", "-C", str(TEMPLATE_DIR), "show", f"{commit}:README.md"],
                            capture_output=True, text=True, check=True).stdout
    print(f"commit {commit}, Python {sys.version.split()[0]}: {quick_start_command(readme)}")
    print(f"{'run':<5}{'seconds':>9}  {'packages':>8}  pip backtracked")
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory() as temporary:
            seconds, backtracked, packages = timed_quick_start(commit, Path(temporary))
        print(f"{run:<5}{seconds:>9.1f}  {packages:>8}  {'yes' if backtracked else 'no'}",
              flush=True)


if __name__ == "__main__":
    main()
