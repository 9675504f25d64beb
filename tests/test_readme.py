"""The READMEs a team reads: the generated one in the order of the work, naming every pipeline
file and Azure resource, and the template's examples true to the workshop and to cookiecutter."""
import re

import pytest
import yaml

from azure_devops import structural_combinations
from conftest import (TEMPLATE_DIR, bake_once, default_answers, load_hook, matrix_id,
                      rendered_answers, scratch_dir, template_answers)
from pipeline_templates import pipeline_files

pre_gen = load_hook("pre_gen_project")
# Derived names of resources that exist only for one answer's value.
OPTIONAL_RESOURCES = {
    "__tf_state_storage_account": ("iac_tool", "terraform"),
    "__aks_cluster_name": ("deploy_aks", True),
    "__app_service_plan": ("deploy_webapp", True),
    "__online_endpoint_name": ("azureml_sdk", "v2"),
    "__qa_online_endpoint_name": ("orchestrator", "github_actions"),
}


def readme(project):
    return (project / "README.md").read_text(encoding="utf-8")


def test_local_setup_comes_before_the_first_step_that_runs_python(default_project):
    text = readme(default_project)
    first_python = min(text.index("python environment_setup/azure_devops_setup.py"),
                       text.index("python -m ml_service.util.register_dataset"))
    for step in ("-m venv .venv", "make install", "cp .env.example .env"):
        assert text.index(step) < first_python, step
    # The checks are installed right after git init, before anything is committed.
    lines = [line.strip() for line in text.splitlines()]
    assert lines[lines.index("git init -b main") + 1].startswith("pre-commit install")


@pytest.mark.parametrize("overrides", structural_combinations(), ids=matrix_id)
def test_every_pipeline_file_and_azure_resource_is_named(overrides):
    project, answers = bake_once(**overrides), rendered_answers(**overrides)
    text = readme(project)
    files = [path.relative_to(project).as_posix() for path in pipeline_files(project)]
    assert [file for file in files if f"`{file}`" not in text] == []
    # Every derived Azure name the hook checks, of the resources these answers create.
    created = {key: answers[answer] == value for key, (answer, value) in OPTIONAL_RESOURCES.items()}
    names = [key for key in pre_gen.DERIVED_FROM if created.get(key, True)]
    assert [key for key in names if f"`{answers[key]}`" not in text] == []
    assert [key for key, made in created.items() if not made and answers[key] in text] == []


def test_the_differences_from_the_workshop_text_are_explained(default_project):
    section = readme(default_project).split("## Where this differs from the workshop text")[1]
    section = " ".join(section.split("\n## ")[0].split())
    assert "`early_stopping_rounds`" in section and "callback" in section
    assert "`main`, not `master`" in section
    assert "`auto-trigger-training`" in section and "Variables dialog" in section


def rc_example():
    text = (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(default_context:.*?)```", text, re.DOTALL).group(1)
    return yaml.safe_load(block)["default_context"]


def test_the_cookiecutterrc_example_keeps_the_workshops_answers():
    example, defaults = rc_example(), default_answers()
    assert set(example) <= set(defaults)
    # An answer with a workshop default keeps it; the rest must pass the hook.
    assert {key: value for key, value in example.items() if defaults[key] != ""} == {
        key: defaults[key] for key, value in example.items() if defaults[key] != ""}
    assert [key for key, value in example.items()
            if pre_gen.answer_problem(key, value, template_answers())] == []


def test_the_replay_file_is_named_after_the_template_folder(default_project):
    # The session's bakes write their replay files to the scratch config's replay_dir.
    replay = scratch_dir() / "replay" / f"{TEMPLATE_DIR.name}.json"
    assert replay.is_file()
    assert "~/.cookiecutter_replay/<template folder>.json" in (
        TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
