"""What the Azure half of the template promises outside the generated files.

``variable_group(answers)`` is the ONE list of the variables a team puts in its Azure DevOps
variable group (the generated README lists the same names); the pipeline tests accept a
``$(VAR)`` only when this list, the variables template or Azure DevOps defines it.
``structural_bakes()`` bakes each combination of the answers that change which files and
stages exist, once per test session, for the tests that read many bakes at once.
"""
from conftest import bake_once, crossed_combinations, option_matrix


def variable_group(answers):
    """Name -> value of every variable in the team's variable group: ``__variable_group`` in
    cookiecutter.json, without the variables of deployment targets not chosen (left empty)."""
    return {name: value for name, value in answers["__variable_group"].items() if value}


AZURE_DEVOPS = {"orchestrator": "azure_devops"}


def structural_combinations(**fixed):
    """Every combination of the answers that add, remove or reshape pipeline and
    infrastructure files: the first rounds of the option matrix, so the bakes are shared with
    the clean-render tests (regions are dealt out over them). ``fixed`` keeps only those with
    these answers (``orchestrator="azure_devops"`` for the tests of its pipelines)."""
    return [overrides for overrides in option_matrix()[:len(crossed_combinations())]
            if fixed.items() <= overrides.items()]


def structural_bakes(**fixed):
    """(overrides, generated repository) for every structural combination, baked once."""
    return [(overrides, bake_once(**overrides)) for overrides in structural_combinations(**fixed)]


def sdk_v2_bake():
    """The first structural bake with azureml_sdk=v2 on Azure DevOps: the v2 repository that
    tests which only read one share (no bake of its own)."""
    return bake_once(**structural_combinations(azureml_sdk="v2", **AZURE_DEVOPS)[0])
