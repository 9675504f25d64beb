"""The exact files and Azure resources each combination gets, against its reviewed listing.

``tests/golden/`` holds one listing per combination of the small options that the hooks accept,
written by ``python -m hooks.manifest --write-golden`` and reviewed with ``git diff``: a path put
under the wrong condition in cookiecutter.json's ``__files``, or a resource under the wrong one in
``__resources``, changes a real bake, and its listing no longer matches.
"""
import pytest

from hooks import manifest
from tests.support.bakes import (TEMPLATE_DIR, bake_once, crossed_combinations, rendered_answers,
                                 structural_combinations, template_answers)
from tests.support.repository import generated_files

TEMPLATE_PROJECT = TEMPLATE_DIR / "{{cookiecutter.project_name}}"


def combination_id(overrides):
    return manifest.golden_path(manifest.combination_of(overrides)).stem


@pytest.mark.parametrize("overrides", structural_combinations(), ids=combination_id)
def test_each_combination_has_exactly_its_reviewed_files_and_resources(overrides):
    """A real bake (cookiecutter and its hooks) of each combination, the regions dealt out over
    them as for the other tests that share these bakes."""
    project = bake_once(**overrides)
    files = [path.relative_to(project).as_posix() for path in generated_files(project)]
    golden = manifest.golden_path(manifest.combination_of(overrides))
    assert manifest.listing(rendered_answers(**overrides), files) == golden.read_text(
        encoding="utf-8"), (f"{golden.name} differs from the bake: if the change is meant, run "
                            "python -m hooks.manifest --write-golden and review git diff")


def test_there_is_one_listing_per_accepted_combination():
    expected = {manifest.golden_path(combination) for combination in crossed_combinations()}
    assert set(manifest.GOLDEN_DIR.glob("*.txt")) == expected


def test_every_path_of_the_manifest_is_in_the_template():
    """Each path ``__files`` names (as written, before rendering), and each place an
    alternative goes, exists in the template, so no condition is about a file that is not there.
    """
    files = template_answers()["__files"]
    named = [*files, *(rule["to"] for rule in files.values() if isinstance(rule, dict))]
    assert [path for path in named if not (TEMPLATE_PROJECT / path).exists()] == []


@pytest.mark.parametrize("overrides", structural_combinations(orchestrator="github_actions"),
                         ids=combination_id)
def test_a_github_actions_repository_has_nothing_of_azure_devops(overrides):
    project = bake_once(**overrides)
    files = [path.relative_to(project).as_posix() for path in generated_files(project)]
    assert [file for file in files if "azure_devops" in file or "az_stand_in" in file
            or file.startswith(".pipelines/")] == []
