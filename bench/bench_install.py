"""Install time of the generated requirements.txt: pip against ``uv pip``, in the same run.

Bakes the template with its defaults, then installs its ``requirements.txt`` into a fresh virtual
environment with each installer, twice: with an empty download cache (a CI agent whose cache
step missed, or a laptop's first ``make install``) and again, into another fresh environment,
with the cache the first install filled (a cache hit). Both installers read the same index
(PyPI) with no local configuration, so neither gets wheels the other cannot see. Prints seconds
per install and how many times faster uv is.

    python bench/bench_install.py [--uv uv] [--repeat 1]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness  # noqa: F401  (puts the template checkout on sys.path)
from tests.support.bakes import bake_into


def clean_environment(work):
    """This environment without pip's or uv's own configuration (a local wheel folder, extra
    indexes or constraints would favour one installer)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PIP_", "UV_", "VIRTUAL_ENV"))}
    env.update({"PIP_CONFIG_FILE": os.devnull, "UV_NO_CONFIG": "1",
                "PIP_DISABLE_PIP_VERSION_CHECK": "1", "HOME": str(work)})
    return env


def install_command(installer, uv, python, requirements, cache):
    if installer == "pip":
        return [python, "-m", "pip", "install", "--quiet", "--cache-dir", cache,
                "-r", requirements]
    return [uv, "pip", "install", "--quiet", "--python", python, "--cache-dir", cache,
            "-r", requirements]


def timed_install(installer, uv, requirements, cache, work, env):
    """Seconds to install ``requirements`` into a new virtual environment (creating it is not
    counted: both installers need one)."""
    venv = Path(tempfile.mkdtemp(prefix=f"{installer}-venv-", dir=work))
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    command = install_command(installer, uv, str(venv / "bin" / "python"), str(requirements),
                              str(cache))
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env)
    seconds = time.perf_counter() - start
    shutil.rmtree(venv)
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uv", default=shutil.which("uv") or "uv", help="the uv executable")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of both installers")
    args = parser.parse_args(argv)
    version = subprocess.run([args.uv, "--version"], capture_output=True, text=True,
                             check=True).stdout.strip()
    pip_version = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True,
                                 text=True, check=True).stdout.split()[1]
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        requirements = bake_into(work / "bake") / "requirements.txt"
        packages = sum(1 for line in requirements.read_text().splitlines() if "==" in line)
        env = clean_environment(work)
        print(f"{requirements.name} of the default bake: {packages} pinned packages; "
              f"pip {pip_version}, {version}, Python {sys.version.split()[0]}")
        print(f"{'installer':<10}{'cache':<8}{'seconds':>9}")
        results = {}
        for round_number in range(args.repeat):
            for installer in ("pip", "uv"):
                cache = work / f"{installer}-cache-{round_number}"
                for state in ("empty", "warm"):
                    seconds = timed_install(installer, args.uv, requirements, cache, work, env)
                    results.setdefault((installer, state), []).append(seconds)
                    print(f"{installer:<10}{state:<8}{seconds:>9.1f}", flush=True)
        for state in ("empty", "warm"):
            pip_best = min(results[("pip", state)])
            uv_best = min(results[("uv", state)])
            print(f"{state} cache: pip {pip_best:.1f} s, uv {uv_best:.1f} s, "
                  f"uv {pip_best / uv_best:.1f}x faster")


if __name__ == "__main__":
    main()
