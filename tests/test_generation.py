"""Every combination of answers renders a repository that parses, lints and has no leftovers."""
import hashlib
import json
import re
import sys

import pytest
import yaml
from binaryornot.check import is_binary

from conftest import bake_once, matrix_id, option_matrix, option_values, run

# Leftover Jinja: cookiecutter variables and block or comment tags. Azure Pipelines' own
# template expressions, ${{ ... }}, are legitimate and not matched.
LEFTOVER_JINJA = re.compile(r"(?<!\$)\{\{\s*_{0,2}cookiecutter|\{%|%\}|\{#")


def generated_files(project):
    return sorted(path for path in project.rglob("*")
                  if path.is_file() and "__pycache__" not in path.parts)


def text_files(project):
    return [path for path in generated_files(project) if not is_binary(str(path))]


def check_rendered_repository(project):
    """The checks every bake must pass; returns nothing, fails with every problem found."""
    problems = []
    for path in text_files(project):
        relative = path.relative_to(project)
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        if b"\r" in raw:
            problems.append(f"{relative}: CR line endings")
        if LEFTOVER_JINJA.search(text) or LEFTOVER_JINJA.search(str(relative)):
            problems.append(f"{relative}: unrendered Jinja")
        try:
            if path.suffix in (".yml", ".yaml"):
                yaml.safe_load(text)
            elif path.suffix == ".json":
                json.loads(text)
            elif path.suffix == ".py":
                compile(text, str(relative), "exec")
        except (ValueError, SyntaxError, yaml.YAMLError) as error:
            problems.append(f"{relative}: does not parse: {error}")
    assert not problems, "\n".join(problems)
    lint_once(project)


# Digests of Python trees flake8 already passed: most answers (regions, names in YAML) leave the
# Python identical, and linting the same code again proves nothing.
LINTED = set()


def lint_once(project):
    """flake8 with the generated project's own configuration, once per distinct Python tree."""
    digest = hashlib.sha256()
    for path in [project / "setup.cfg", *sorted(project.rglob("*.py"))]:
        digest.update(str(path.relative_to(project)).encode() + b"\0" + path.read_bytes())
    if digest.hexdigest() not in LINTED:
        run([sys.executable, "-m", "flake8", "."], project)
        LINTED.add(digest.hexdigest())


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
