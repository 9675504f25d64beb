"""The template repository keeps its promises to newcomers and to CI."""
import re

import pytest
import yaml

from tests.support.bakes import TEMPLATE_DIR, bake_once, rendered_answers, sdk_v2_bake
from tests.support.commands import run_python

# The template's own Python, linted as the generated repositories lint theirs: flake8 with
# setup.cfg's configuration (100 columns; the template folder is Jinja, linted once rendered).
OWN_PYTHON = ("hooks", "organiser", "tests", "bench", "docs")


def quick_start_commands():
    readme = (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, flags=re.DOTALL)


def test_readme_has_exactly_two_setup_commands():
    commands = quick_start_commands()
    assert len(commands) == 2 and all("\n" not in command for command in commands)
    assert commands[0].endswith("cookiecutter . --no-input")
    assert commands[1].endswith("python -m pytest")


def test_ci_runs_the_readme_commands_and_nothing_else():
    lines = (TEMPLATE_DIR / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    steps = [line for line in lines
             if line and not line.startswith("#") and not line.startswith(("set ", "cd "))]
    # First the machine's Debian packages (a browser), which no pip command installs.
    assert steps == [".ci/machine-packages", *quick_start_commands()]


def requirement_lines(path):
    return [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.split("#")[0].strip()]


def test_every_dependency_is_pinned(default_project):
    files = [TEMPLATE_DIR / "requirements-dev.txt", default_project / "requirements.txt",
             sdk_v2_bake() / "requirements.txt"]
    lines = [line for path in files for line in requirement_lines(path)]
    unpinned = [line for line in lines
                if not line.startswith("-r ") and not re.fullmatch(r"[\w.\-\[\]]+==[\w.]+", line)]
    assert lines and unpinned == []
    # The agent image installs the same pinned files, and nothing else without a version.
    dockerfile = (default_project / "environment_setup" / "Dockerfile").read_text()
    installs = re.findall(r"pip install (?:--no-cache-dir )?(.+?)(?:\s*\\|\s*&&|$)", dockerfile,
                          flags=re.MULTILINE)
    assert installs and all("==" in spec or spec.startswith("-r ") for spec in installs), installs


def test_generated_readme_names_the_sdk_versions_that_install(default_project):
    """The README's SDK versions are the pin and the azureml-core that pin really installs."""
    from importlib.metadata import version

    readme = " ".join((default_project / "README.md").read_text(encoding="utf-8").split())
    pin = re.search(r"^azureml-sdk==(\S+)$",
                    (default_project / "requirements.txt").read_text(encoding="utf-8"),
                    re.MULTILINE).group(1)
    assert f"`azureml-sdk` {pin}, which installs `azureml-core` {version('azureml-core')}" in readme


def pins_of(lines):
    """{package: version} of requirement lines, each ``name==version``."""
    return dict(line.split("==") for line in lines)


@pytest.mark.parametrize("sdk", ["v1", "v2"])
def test_requirements_and_the_azure_ml_environment_hold_their_sdks_pins(sdk):
    """requirements.txt holds the table's pins for local work (this SDK's and both SDKs'), the
    conda environment those for Azure ML, each at the table's version, with the one Python."""
    project = bake_once() if sdk == "v1" else sdk_v2_bake()
    answers = rendered_answers(azureml_sdk=sdk)
    rows = [pin for pin in answers["__pins"] if pin["sdk"] in ("both", sdk)]
    conda = yaml.safe_load((project / project.name / "conda_dependencies.yml").read_text(
        encoding="utf-8"))
    [pip] = [entry["pip"] for entry in conda["dependencies"] if isinstance(entry, dict)]
    requirements = pins_of(requirement_lines(project / "requirements.txt"))

    assert pins_of(pip) == {pin["package"]: pin["version"] for pin in rows
                            if "azure_ml" in pin["where"]}
    assert requirements == {pin["package"]: pin["version"] for pin in rows
                            if "local" in pin["where"]}
    # The model's own libraries are in both, so a model trained here unpickles in Azure ML.
    assert {"lightgbm", "scikit-learn", "pandas", "numpy", "joblib"} <= set(pins_of(pip)) & set(
        requirements)
    other_sdk = {"v1": "azure-ai-ml", "v2": "azureml-sdk"}[sdk]
    assert other_sdk not in requirements and other_sdk not in pins_of(pip)
    assert f"python={answers['__python_version']}" in conda["dependencies"]


DEV_LOCK = TEMPLATE_DIR / "requirements-dev.txt"


def canonical(name):
    """A distribution's name as pip compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_pins():
    return {canonical(name): version for name, version in pins_of(requirement_lines(DEV_LOCK))
            .items()}


def test_the_dev_lock_holds_the_default_bakes_pins_and_the_tools(default_project):
    """docs/lock_requirements.py locks requirements-dev.in with the default bake's rendered
    requirements.txt; both must be in the lock at their versions (re-lock after a change)."""
    wanted = {**pins_of(requirement_lines(default_project / "requirements.txt")),
              **pins_of(line for line in requirement_lines(TEMPLATE_DIR / "requirements-dev.in")
                        if not line.startswith("-r "))}
    locked = locked_pins()
    assert {name: version for name, version in wanted.items()
            if locked.get(canonical(name)) != version} == {}


def test_the_dev_lock_is_complete_and_is_what_is_installed():
    """Every package the lock names is installed at its version (the Quick start installs the
    lock), and what each requires is locked at a version it accepts: pip check over the lock
    alone, so ``pip install --no-deps -r requirements-dev.txt`` would give a working set."""
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.requirements import Requirement

    locked, problems = locked_pins(), []
    for name, version in locked.items():
        try:
            installed = distribution(name)
        except PackageNotFoundError:
            problems.append(f"{name}=={version} is not installed")
            continue
        if installed.version != version:
            problems.append(f"{name}: {installed.version} installed, {version} locked")
        for text in installed.requires or []:
            requirement = Requirement(text)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            found = locked.get(canonical(requirement.name))
            if found is None or not requirement.specifier.contains(found, prereleases=True):
                problems.append(f"{name} {version} requires {text}; the lock has {found}")
    assert problems == [], "install requirements-dev.txt again, or re-lock: " + "\n".join(
        problems)


def test_the_templates_own_python_is_flake8_clean(tmp_path):
    seeded = tmp_path / "seeded.py"
    seeded.write_text(f"FITS = '{'x' * 91}'\nTOO_LONG = '{'x' * 88}'\n", encoding="utf-8")

    completed = run_python(["-m", "flake8", *OWN_PYTHON, seeded], TEMPLATE_DIR, check=False)

    assert completed.stdout.splitlines() == [f"{seeded}:2:101: E501 line too long (101 > 100 "
                                             "characters)"], completed.stdout + completed.stderr
