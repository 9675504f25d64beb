"""How fast a team gets a repository, and how fast that repository is green.

Prints the median wall time of ``cookiecutter --no-input`` against ``cookiecutter --version``
(cookiecutter's own start-up, the floor) measured in the same run, and "time to green":
generate, flake8 and the generated project's own test suite, with no edits.
Targets on a 2-core machine: generation at most 1.3x the floor; time to green at most 20 s.

    python bench/bench_generate.py [--runs 5]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parents[1]
COOKIECUTTER = [sys.executable, "-m", "cookiecutter"]


def wall_time(args, cwd, env):
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as scratch:
        # A private HOME keeps replay files and user config out of the measurement and of ~.
        env = {**os.environ, "HOME": scratch}
        floor = [wall_time(COOKIECUTTER + ["--version"], scratch, env) for _ in range(runs)]
        generate = []
        for run in range(runs):
            output = Path(scratch) / f"gen{run}"
            generate.append(wall_time(
                COOKIECUTTER + ["--no-input", "--default-config", "-o", str(output),
                                str(TEMPLATE_DIR)], scratch, env))
        project = Path(scratch) / "gen0" / "driver_training"
        lint = wall_time([sys.executable, "-m", "flake8", "."], project, env)
        tests = wall_time([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                          project, env)

    floor_median, generate_median = statistics.median(floor), statistics.median(generate)
    green = generate_median + lint + tests
    print(f"cookiecutter --version (floor), median of {runs}: {floor_median:.3f} s")
    print(f"cookiecutter --no-input, median of {runs}:        {generate_median:.3f} s "
          f"({generate_median / floor_median:.2f}x the floor; target <= 1.30x)")
    print(f"flake8 on the generated repository:            {lint:.3f} s")
    print(f"generated project's own tests:                 {tests:.3f} s")
    print(f"time to green (generate + lint + tests):       {green:.3f} s (target <= 20 s)")


if __name__ == "__main__":
    main()
