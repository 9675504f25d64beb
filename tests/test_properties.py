"""Property: any answers the hook accepts render a repository that parses and lints."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import bake_into, load_hook, option_values, rendered_answers
from test_generation import check_rendered_repository

pre_gen = load_hook("pre_gen_project")

valid_project_names = st.from_regex(r"[a-z][a-z0-9_]{2,29}", fullmatch=True).filter(
    lambda name: pre_gen.project_name_problem(name) is None)

# Digits and maximum lengths are where templates break: favour them.
answers = st.fixed_dictionaries({
    "team_number": st.from_regex(r"[0-9]{1,4}", fullmatch=True),
    "project_name": valid_project_names,
    "base_name": st.one_of(st.just("a" * 10), st.from_regex(r"[a-z][a-z0-9]{2,9}", fullmatch=True)),
    "workspace_name": st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}", fullmatch=True),
    "resource_group": st.from_regex(r"[a-zA-Z0-9_()-]{1,90}", fullmatch=True),
    "aci_deployment_name": st.from_regex(r"[a-z][a-z0-9-]{1,30}[a-z0-9]", fullmatch=True),
    **{key: st.sampled_from(values) for key, values in option_values().items()},
}).filter(lambda overrides: not pre_gen.find_problems(dict(rendered_answers(**overrides))))


@pytest.mark.slow
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(overrides=answers)
def test_valid_answers_always_render_clean(overrides, tmp_path_factory):
    project = bake_into(tmp_path_factory.mktemp("bake"), **overrides)
    assert project.name == overrides["project_name"]
    check_rendered_repository(project)
