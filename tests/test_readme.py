"""The READMEs a team reads: the generated one, built from its parts (templates/readme/) in the
order of the work, naming every pipeline file and Azure resource, its commands runnable in bash
with any accepted answer, and the template's examples true to the workshop and to cookiecutter."""
import os
import re
import shlex
import subprocess
import sys

import jinja2
import pytest
import yaml
from cookiecutter.environment import StrictEnvironment

from hooks import pre_gen_project as pre_gen
from tests.support.azure_pipelines import pipeline_files
from tests.support.bakes import (TEMPLATE_DIR, bake_once, default_answers, matrix_id,
                                 rendered_answers, scratch_dir, structural_combinations,
                                 template_answers)


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


def readme_combinations():
    """One structural combination per SDK and orchestrator, the answers that change the
    README's commands; the last of each (most options on) stands for it."""
    chosen = {}
    for overrides in structural_combinations():
        chosen[(overrides["azureml_sdk"], overrides["orchestrator"])] = overrides
    return list(chosen.values())


@pytest.mark.parametrize("overrides", readme_combinations(), ids=matrix_id)
def test_the_sections_come_in_the_order_a_team_works(overrides):
    """Its machine, the local loop (no Azure needed), the orchestrator's set-up and pipelines,
    what they create; background and later chores last."""
    headings = re.findall(r"^## (.+)$", readme(bake_once(**overrides)), flags=re.MULTILINE)
    first_set_up = next(heading for heading in headings if heading.startswith("Set up Azure"))
    order = ["What is where", "Set up your machine", "Work locally", first_set_up,
             "What the infrastructure creates", "Where this differs from the workshop text",
             f"Azure ML SDK {overrides['azureml_sdk']}", "Update from the template"]
    assert [heading for heading in headings if heading in order] == order
    assert headings[-1] == order[-1]


class RecordingLoader(jinja2.FileSystemLoader):
    """Cookiecutter's loader (the template folder, then ../templates) noting what it loads."""

    def __init__(self):
        super().__init__([str(TEMPLATE_DIR / "{{cookiecutter.project_name}}"),
                          str(TEMPLATE_DIR / "templates")])
        self.loaded = set()

    def get_source(self, environment, template):
        self.loaded.add(template)
        return super().get_source(environment, template)


def render_readme(answers, loader=None):
    """The generated README rendered as cookiecutter renders it, from ``answers``."""
    environment = StrictEnvironment(context={"cookiecutter": answers}, keep_trailing_newline=True)
    environment.loader = loader or RecordingLoader()
    return environment.get_template("README.md").render(cookiecutter=answers)


def test_every_readme_part_is_read_by_some_combination_and_renders_as_generated():
    loader, combinations = RecordingLoader(), structural_combinations()
    for overrides in combinations:
        text = render_readme(rendered_answers(**overrides), loader)
        if overrides == combinations[0]:
            assert text == readme(bake_once(**overrides))
    parts = {path.relative_to(TEMPLATE_DIR / "templates").as_posix()
             for path in (TEMPLATE_DIR / "templates").rglob("*") if path.is_file()}
    assert parts - loader.loaded == set()


@pytest.mark.parametrize("answer, value", [("orchestrator", "gitlab_ci"), ("azureml_sdk", "v3")])
def test_an_answer_without_readme_parts_of_its_own_stops_the_render(answer, value):
    """A third orchestrator or SDK falls into no other's text: its missing part is an error."""
    answers = {**rendered_answers(**readme_combinations()[-1]), answer: value}
    with pytest.raises(jinja2.TemplateNotFound, match=f"{value}"):
        render_readme(answers)


@pytest.mark.parametrize("overrides", structural_combinations(), ids=matrix_id)
def test_every_pipeline_file_is_named(overrides):
    # Its Azure resources are the manifest's: test_organiser checks them against the handout's.
    project = bake_once(**overrides)
    text = readme(project)
    files = [path.relative_to(project).as_posix() for path in pipeline_files(project)]
    assert [file for file in files if f"`{file}`" not in text] == []


@pytest.mark.parametrize("overrides", structural_combinations(), ids=matrix_id)
def test_the_readme_names_the_extensions_its_repository_needs_once(overrides):
    """Only the v2 CI on Azure DevOps needs one (its agentless wait); nothing needs the classic
    one, nor an Azure CLI extension in a step."""
    text = readme(bake_once(**overrides))
    links = re.findall(r"https://marketplace\.visualstudio\.com/items\?itemName=([\w.-]+)", text)
    needs_one = overrides["azureml_sdk"] == "v2" and overrides["orchestrator"] == "azure_devops"
    assert links == (["ms-air-aiagility.azureml-v2"] if needs_one else [])
    assert "vss-services-azureml" not in text and "extension add --name ml" not in text


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
            if pre_gen.answer_problem(key, value)
            or pre_gen.choice_problem(key, value, template_answers())] == []


def test_the_replay_file_is_named_after_the_template_folder(default_project):
    # The session's bakes write their replay files to the scratch config's replay_dir.
    replay = scratch_dir() / "replay" / f"{TEMPLATE_DIR.name}.json"
    assert replay.is_file()
    assert "~/.cookiecutter_replay/<template folder>.json" in (
        TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")


# Accepted answers with the characters a shell reads as syntax: parentheses, spaces, `&`, `!`.
SHELL_SPECIAL_ANSWERS = {
    "resource_group": "eyteam1(rg)", "repo_name": "team.1-repo", "dataset_name": "d.s-1",
    "variable_group_name": "vars (team 1) & co!", "devops_project": "MCW & co (2026)!",
    "azure_rm_svc_connection": "arm (team 1)", "workspace_svc_connection": "aml & ws",
    "devops_organization": "https://dev.azure.com/contoso-workshop"}
# A placeholder the reader replaces (`<its appId>`); bash would read its brackets as redirects.
PLACEHOLDER = re.compile(r"<[^<>\n]+>")
# A command of the repository, whose arguments its own parser must accept.
OUR_COMMAND = re.compile(r"^python (-m (ml_service\.[\w.]+)|(environment_setup/\w+\.py))(.*)$")
# Runs a module's or script's main up to the end of its argument parsing, then stops: exit 0
# when argparse accepted the arguments, 2 (and its usage line) when it did not.
PARSE_ONLY = """
import argparse, runpy, sys
class Parsed(Exception):
    pass
depth = [0]
def stopping_after(parse):
    def wrapper(self, *args, **kwargs):
        depth[0] += 1
        try:
            result = parse(self, *args, **kwargs)
        finally:
            depth[0] -= 1
        if depth[0] == 0:
            raise Parsed()
        return result
    return wrapper
for name in ("parse_args", "parse_known_args"):
    setattr(argparse.ArgumentParser, name,
            stopping_after(getattr(argparse.ArgumentParser, name)))
target, sys.argv = sys.argv[1], sys.argv[1:]
try:
    if target.endswith(".py"):
        runpy.run_path(target, run_name="__main__")
    else:
        runpy.run_module(target, run_name="__main__", alter_sys=True)
except Parsed:
    sys.exit(0)
sys.exit("the command finished without parsing any arguments")
"""


def command_blocks(text):
    """The README's indented code blocks (what a reader copies), dedented."""
    blocks = re.findall(r"(?:^|\n\n)((?:    .*(?:\n|$))+)", text)
    return ["\n".join(line[4:] for line in block.splitlines()) for block in blocks]


@pytest.mark.parametrize("overrides", readme_combinations(), ids=matrix_id)
def test_every_readme_command_runs_in_bash_with_any_accepted_answer(overrides, tmp_path):
    """Every command block parses in bash (placeholders filled in), with answers full of shell
    syntax; each command of the repository's own passes its argument parser."""
    project = bake_once(**overrides, **SHELL_SPECIAL_ANSWERS)
    blocks = command_blocks(readme(project))
    assert len(blocks) >= 6
    problems, ours = [], 0
    for block in blocks:
        script = PLACEHOLDER.sub("placeholder", block)
        checked = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True,
                                 timeout=30)
        if checked.returncode != 0:
            problems.append(f"bash -n:\n{block}\n{checked.stderr}")
        for line in script.splitlines():
            command = OUR_COMMAND.match(re.sub(r"\s+#.*$", "", line).strip())
            if not command:
                continue
            ours += 1
            target = command.group(2) or command.group(3)
            parsed = subprocess.run(
                [sys.executable, "-c", PARSE_ONLY, target, *shlex.split(command.group(4))],
                cwd=project, capture_output=True, text=True, timeout=120,
                env={**os.environ, "PYTHONPATH": str(project)})
            if parsed.returncode != 0:
                problems.append(f"{line}: its parser refused it:\n{parsed.stderr[-1500:]}")
    assert ours >= 2
    assert not problems, "\n\n".join(problems)


def test_the_readme_check_finds_what_it_must(tmp_path):
    """An unquoted answer with parentheses is a bash syntax error; a wrong option is refused by
    the command's parser."""
    project = bake_once(**readme_combinations()[0], **SHELL_SPECIAL_ANSWERS)
    unquoted = subprocess.run(["bash", "-n"], input="az group show --name eyteam1(rg)\n",
                              capture_output=True, text=True, timeout=30)
    assert unquoted.returncode != 0
    refused = subprocess.run(
        [sys.executable, "-c", PARSE_ONLY, "ml_service.util.smoke_test_scoring_service",
         "--type", "URL", "--service", "x", "--colour", "red"], cwd=project,
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(project)})
    assert refused.returncode == 2 and "unrecognized arguments: --colour red" in refused.stderr
