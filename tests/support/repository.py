"""A generated repository read and checked: its files and documents, the checks every bake must
pass (LF only, no leftover Jinja, every YAML, JSON and Python file parses, flake8), and the
values YAML or JSON would misread unless they stay text."""
import collections
import hashlib
import json
import re
import sys
from pathlib import Path

import yaml
from binaryornot.check import is_binary

from tests.support.bakes import bake_once, option_values
from tests.support.commands import run


def load(path):
    """A YAML file, parsed as PyYAML reads it."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


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


# Text that YAML 1.1 (PyYAML), YAML 1.2 or JSON read as something else when it stands unquoted:
# booleans in every spelling, null, numbers in every base and form, dates and times, and the
# characters that start YAML syntax. An answer the hook accepts may be any of them.
SPECIAL_VALUES = (
    "true", "True", "TRUE", "false", "False", "yes", "Yes", "YES", "no", "No", "NO", "on", "On",
    "off", "OFF", "y", "n", "null", "Null", "NULL", "none", "~", "nan", "inf", "NaN", "Infinity",
    "0", "1", "-1", "+1", "123", "0123", "007", "000001", "0o17", "0x1F", "0b101", "1_000",
    "1.5", "1e3", "1.0e+3", ".5", "1.", ".inf", "-.inf", ".nan", "2026-11-27",
    "2026-11-27T10:00:00Z", "2026-11-27 10:00:00", "1:30", "190:20:30", "=", "<<",
    "- item", "a: b", "#hash", "a #b", "[list]", "{map}", "*alias", "&anchor", "!tag", "%dir",
    "@at", "|", ">", "? key", " leading", "trailing ", "a, b",
)


def scalars(node):
    """Every scalar in a parsed YAML or JSON document, mapping keys included."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from scalars(key)
            yield from scalars(value)
    elif isinstance(node, list):
        for item in node:
            yield from scalars(item)
    else:
        yield node


def walk(node):
    """Every dict inside a parsed YAML document."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def non_text(document):
    """(type, value) of every scalar of ``document`` that is not text."""
    return [(type(value).__name__, repr(value)) for value in scalars(document)
            if not isinstance(value, str)]


def typed_scalars(project):
    """How many times each non-text scalar occurs in the repository's YAML and JSON files."""
    counts = collections.Counter()
    for path in text_files(project):
        if path.suffix in (".yml", ".yaml"):
            counts.update(non_text(yaml.safe_load(path.read_text(encoding="utf-8"))))
        elif path.suffix == ".json":
            counts.update(non_text(json.loads(path.read_text(encoding="utf-8"))))
    return counts


def check_answers_stay_text(project, overrides):
    """No answer became a boolean, number, date or null in a YAML or JSON file: the files hold
    the same non-text values as the files of a bake with the same choices and default names."""
    choices = {key: value for key, value in overrides.items() if key in option_values()}
    extra = typed_scalars(project) - typed_scalars(bake_once(**choices))
    assert not extra, f"answers read as non-text values: {dict(extra)}"


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
