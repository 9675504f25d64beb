"""Every combination of answers renders a repository that parses, lints and has no leftovers."""
import pytest

from tests.support.bakes import bake_once, matrix_id, option_matrix, option_values
from tests.support.repository import check_rendered_repository


@pytest.mark.parametrize("overrides", option_matrix(), ids=matrix_id)
def test_every_combination_renders_clean(overrides):
    check_rendered_repository(bake_once(**overrides))


# The longest answer each rule allows, where a rendered line is most likely to pass 100 columns.
LONGEST_ANSWERS = {
    "project_name": "abcdefghij_abcdefghij_abcdefgh",
    "team_number": "123456",
    "base_name": "abcdefghij",
    "workspace_name": "w" * 33,
    "aci_deployment_name": "a" * 32,
    "deploy_aks": True,
    "deploy_webapp": True,
    "run_evaluation": True,
}


@pytest.mark.parametrize("iac_tool", option_values()["iac_tool"])
def test_longest_answers_render_clean(iac_tool):
    check_rendered_repository(bake_once(**LONGEST_ANSWERS, iac_tool=iac_tool))
