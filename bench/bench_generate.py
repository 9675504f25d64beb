"""How fast a team gets a repository, how fast a roster of teams does, and how fast a repository
is green.

Prints, measured in the same run: the median wall time of ``cookiecutter --no-input`` against
``cookiecutter --version`` (cookiecutter's own start-up, the floor) and per generated file; N teams
with the organiser (``python -m organiser``) against N ``cookiecutter --no-input`` processes run
one after another; N teams brought to a new template commit with ``--update`` (a template fix
on the workshop day: each team's cruft update, in folders outside git); and "time to green":
generate, flake8 and the generated project's own test suite, with no edits. Targets on a 2-core
machine: generation at most 1.3x the floor; the organiser at most 0.4x the separate processes;
time to green at most 20 s.

Bytecode is compiled first (``compileall``): with ``PYTHONDONTWRITEBYTECODE=1`` set, every
import would otherwise pay compilation and hide where the time goes.

    python bench/bench_generate.py [--runs 5] [--teams 30]
"""
import argparse
import compileall
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from harness import TEMPLATE_DIR
from tests.support.organiser import GIT_IDENTITY, commit_all, committed_template

COOKIECUTTER = [sys.executable, "-m", "cookiecutter"]


def wall_time(args, cwd, env):
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def compile_bytecode():
    for folder in (sysconfig.get_paths()["purelib"], TEMPLATE_DIR / "organiser"):
        compileall.compile_dir(folder, quiet=1, workers=0)


def batch_times(teams, scratch, env):
    """``(organiser, separate processes)``: wall times for ``teams`` teams, defaults otherwise."""
    roster = Path(scratch) / "roster.csv"
    roster.write_text("team_number\n" + "".join(f"{team}\n" for team in range(1, teams + 1)),
                      encoding="utf-8")
    organiser = wall_time([sys.executable, "-m", "organiser", str(roster), "--output-dir",
                           str(Path(scratch) / "roster")], TEMPLATE_DIR, env)
    start = time.perf_counter()
    for team in range(1, teams + 1):
        subprocess.run(COOKIECUTTER + ["--no-input", "--default-config", "-o",
                                       str(Path(scratch) / f"team{team}"), str(TEMPLATE_DIR),
                                       f"team_number={team}"],
                       cwd=scratch, env=env, check=True, capture_output=True)
    return organiser, time.perf_counter() - start


def update_time(teams, scratch, env):
    """Wall time of ``--update`` for ``teams`` teams after one template commit (cruft updates
    from git: the template's tracked files are committed in a repository of their own)."""
    template = committed_template(Path(scratch) / "template")
    roster = Path(scratch) / "update-roster.csv"
    roster.write_text("team_number\n" + "".join(f"{team}\n" for team in range(1, teams + 1)),
                      encoding="utf-8")
    organiser = [sys.executable, "-m", "organiser", str(roster), "--output-dir",
                 str(Path(scratch) / "updated"), "--template", str(template)]
    subprocess.run(organiser, cwd=TEMPLATE_DIR, env=env, check=True, capture_output=True)
    readme = template / "{{cookiecutter.project_name}}" / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nA fix of the day.\n",
                      encoding="utf-8")
    commit_all(template, "A fix of the day")
    return wall_time(organiser + ["--update"], TEMPLATE_DIR, env)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--teams", type=int, default=30)
    args = parser.parse_args()
    runs = args.runs
    compile_bytecode()
    with tempfile.TemporaryDirectory() as scratch:
        # A private HOME keeps replay files and user config out of the measurement and of ~;
        # a git identity commits the template for --update, here and in every subprocess.
        os.environ.update({"HOME": scratch, **GIT_IDENTITY})
        env = dict(os.environ)
        floor = [wall_time(COOKIECUTTER + ["--version"], scratch, env) for _ in range(runs)]
        generate = []
        for run in range(runs):
            output = Path(scratch) / f"gen{run}"
            generate.append(wall_time(
                COOKIECUTTER + ["--no-input", "--default-config", "-o", str(output),
                                str(TEMPLATE_DIR)], scratch, env))
        project = Path(scratch) / "gen0" / "driver_training"
        files = sum(path.is_file() for path in project.rglob("*"))
        organiser, separate = batch_times(args.teams, scratch, env)
        update = update_time(args.teams, scratch, env)
        lint = wall_time([sys.executable, "-m", "flake8", "."], project, env)
        tests = wall_time([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                          project, env)

    floor_median, generate_median = statistics.median(floor), statistics.median(generate)
    green = generate_median + lint + tests
    print(f"cookiecutter --version (floor), median of {runs}: {floor_median:.3f} s")
    print(f"cookiecutter --no-input, median of {runs}:        {generate_median:.3f} s "
          f"({generate_median / floor_median:.2f}x the floor; target <= 1.30x)")
    print(f"per generated file ({files} files):             "
          f"{generate_median / files * 1000:.1f} ms")
    print(f"{args.teams} teams, separate cookiecutter processes:  {separate:.3f} s")
    print(f"{args.teams} teams, python -m organiser:              {organiser:.3f} s "
          f"({organiser / separate:.2f}x the processes; target <= 0.40x)")
    print(f"{args.teams} teams, --update after a template commit: {update:.3f} s "
          f"({update / args.teams:.2f} s a team)")
    print(f"flake8 on the generated repository:            {lint:.3f} s")
    print(f"generated project's own tests:                 {tests:.3f} s")
    print(f"time to green (generate + lint + tests):       {green:.3f} s (target <= 20 s)")


if __name__ == "__main__":
    main()
