"""What the Azure half of the template promises outside the generated files.

``variable_group(answers)`` is the ONE list of the variables a team puts in its Azure DevOps
variable group (the generated README lists the same names); the pipeline tests accept a
``$(VAR)`` only when this list, the variables template or Azure DevOps defines it.
``structural_bakes()`` bakes each combination of the answers that change which files and
stages exist, once per test session, for the tests that read many bakes at once.
"""
import atexit
import functools
import itertools
import shutil
import tempfile
from pathlib import Path

from cookiecutter.generate import generate_context
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config

from conftest import TEMPLATE_DIR, option_values

# Answers that add, remove or reshape pipeline and infrastructure files.
STRUCTURAL_ANSWERS = ("iac_tool", "deploy_aks", "deploy_webapp", "run_evaluation")


def variable_group(answers):
    """Name -> suggested value of every variable in the team's variable group."""
    variables = {
        "BASE_NAME": answers["base_name"],
        "LOCATION": answers["location"],
        "RESOURCE_GROUP": answers["resource_group"],
        "WORKSPACE_NAME": answers["workspace_name"],
        "AZURE_RM_SVC_CONNECTION": answers["azure_rm_svc_connection"],
        "WORKSPACE_SVC_CONNECTION": answers["workspace_svc_connection"],
        "ACI_DEPLOYMENT_NAME": answers["aci_deployment_name"],
    }
    if answers["deploy_aks"]:
        variables["AKS_COMPUTE_NAME"] = answers["__aks_compute_name"]
        variables["AKS_DEPLOYMENT_NAME"] = answers["__aks_deployment_name"]
    if answers["deploy_webapp"]:
        variables["WEBAPP_DEPLOYMENT_NAME"] = answers["__webapp_deployment_name"]
    return variables


def structural_combinations():
    """Every combination of the structural answers (other answers keep their defaults)."""
    values = option_values()
    return [dict(zip(STRUCTURAL_ANSWERS, combo))
            for combo in itertools.product(*(values[key] for key in STRUCTURAL_ANSWERS))]


def combination_id(overrides):
    return "-".join(f"{key}={value}" for key, value in overrides.items())


@functools.lru_cache(maxsize=None)
def _workdir():
    path = Path(tempfile.mkdtemp(prefix="azure-bakes-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    (path / "config.yml").write_text(
        f"cookiecutters_dir: {path / 'cookiecutters'}\nreplay_dir: {path / 'replay'}\n",
        encoding="utf-8")
    return path


@functools.lru_cache(maxsize=None)
def _bake(items):
    overrides = dict(items)
    workdir = _workdir()
    output = workdir / combination_id(overrides)
    project = cookiecutter(str(TEMPLATE_DIR), no_input=True, extra_context=overrides,
                           output_dir=str(output), config_file=str(workdir / "config.yml"))
    return Path(project)


def structural_bakes():
    """(overrides, generated repository) for every structural combination, baked once."""
    return [(overrides, _bake(tuple(overrides.items())))
            for overrides in structural_combinations()]


@functools.lru_cache(maxsize=None)
def _answers(items):
    context = generate_context(context_file=str(TEMPLATE_DIR / "cookiecutter.json"),
                               extra_context=dict(items))
    return dict(prompt_for_config(context, no_input=True))


def rendered_answers(overrides):
    """The answers of a bake with ``overrides``, derived ``__`` names rendered."""
    return _answers(tuple(overrides.items()))
