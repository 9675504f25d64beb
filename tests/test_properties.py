"""Property: any answers the hook accepts render a repository that parses, lints and holds
each answer as the text it was, even the values YAML and JSON read as something else."""
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hooks import pre_gen_project as pre_gen
from tests.support.bakes import (bake_into, crossed_combinations, option_values, rendered_answers,
                                 template_answers)
from tests.support.repository import (SPECIAL_VALUES, check_answers_stay_text,
                                      check_rendered_repository)


def accepted_specials(key):
    """The special values the hook accepts for ``key`` on their own."""
    return [value for value in SPECIAL_VALUES
            if pre_gen.answer_problem(key, value) is None]


def text_answer(key, usual):
    """``usual`` values of an answer, or any special value its rule allows."""
    specials = accepted_specials(key)
    return st.one_of(usual, st.sampled_from(specials)) if specials else usual


# Digits, maximum lengths and YAML's special words are where templates break: favour them.
answers = st.fixed_dictionaries({
    "team_number": text_answer("team_number", st.from_regex(r"[0-9]{1,4}", fullmatch=True)),
    "project_name": text_answer("project_name", st.from_regex(r"[a-z][a-z0-9_]{2,29}",
                                                              fullmatch=True)),
    "base_name": text_answer("base_name", st.one_of(
        st.just("a" * 10), st.from_regex(r"[a-z][a-z0-9]{2,9}", fullmatch=True))),
    "workspace_name": text_answer(
        "workspace_name", st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}", fullmatch=True)),
    "resource_group": text_answer(
        "resource_group", st.from_regex(r"[a-zA-Z0-9_()-]{1,90}", fullmatch=True)),
    "aci_deployment_name": text_answer(
        "aci_deployment_name", st.from_regex(r"[a-z][a-z0-9-]{1,30}[a-z0-9]", fullmatch=True)),
    "dataset_name": text_answer("dataset_name", st.from_regex(r"[A-Za-z0-9][\w.-]{0,20}",
                                                              fullmatch=True)),
    "datastore_name": text_answer("datastore_name", st.from_regex(r"\w{1,20}", fullmatch=True)),
    "repo_name": text_answer("repo_name", st.from_regex(r"[A-Za-z0-9_.-]{1,30}", fullmatch=True)),
    **{key: text_answer(key, st.from_regex(r"[a-zA-Z0-9 #:|-]{1,20}", fullmatch=True))
       for key in pre_gen.SAFE_TEXT_KEYS},
})
# The small options are drawn among the combinations the hook accepts, not one by one: drawn
# independently, most draws are refused pairs and hypothesis gives up filtering them.
ACCEPTED_COMBINATIONS = crossed_combinations()
options = st.tuples(
    st.sampled_from(ACCEPTED_COMBINATIONS),
    st.fixed_dictionaries({key: st.sampled_from(values) for key, values in option_values().items()
                           if key not in ACCEPTED_COMBINATIONS[0]}),
).map(lambda drawn: {**drawn[0], **drawn[1]})


@pytest.mark.slow
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(texts=answers, choices=options)
def test_valid_answers_always_render_clean(texts, choices, tmp_path_factory):
    overrides = {**texts, **choices}
    assume(not pre_gen.find_problems(rendered_answers(**overrides), template_answers()))
    project = bake_into(tmp_path_factory.mktemp("bake"), **overrides)
    assert project.name == overrides["project_name"]
    check_rendered_repository(project)
    check_answers_stay_text(project, overrides)
