"""Print the README's table of answers from their sources: cookiecutter.json (its answers and its
manifest of resources) and the hook's rules.

Run ``python docs/answers_table.py`` after changing an answer and paste the table into README.md;
a test fails while the README is stale.
"""
import re
import sys
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parents[1]
# Run as a script, Python puts docs/ on sys.path, not the checkout whose hooks this reads.
sys.path.insert(0, str(TEMPLATE_DIR))

from hooks import manifest, pre_gen_project  # noqa: E402  (needs the checkout on sys.path)


def allowed_values(key, default):
    """The constraint of one answer, in the words the hook uses when it refuses one."""
    if isinstance(default, bool):
        return "yes or no"
    if isinstance(default, list):
        listed = ", ".join(f"`{value}`" for value in default)
        refused = "".join(
            f"; `{value}` not with `{excluded}`" if refused_value is True
            else f"; `{value}` not with `{excluded}={refused_value}`"
            for answer, value, excluded, refused_value, _ in pre_gen_project.REFUSED_COMBINATIONS
            if answer == key)
        return f"one of {len(default)}: {listed}{refused}" if key in manifest.small_options() else (
            f"one of the {len(default)} regions listed in `cookiecutter.json`")
    if key == "project_name":
        return pre_gen_project.PROJECT_NAME_ALLOWED + "".join(project_name_limits())
    if key in pre_gen_project.SAFE_TEXT_KEYS:
        return "any text without quotes, `$`, backticks, backslashes or line breaks"
    return pre_gen_project.NAME_RULES[key].allowed


def condition_shown(raw_name):
    """The condition of a manifest name (``{{ cookiecutter.<key> if <condition> else '' }}``) as
    answers: ``azureml_sdk=v2``."""
    condition = re.search(r" if (.+) else ''", raw_name).group(1)
    return re.sub(r"cookiecutter\.(\w+) == '([^']*)'", r"\1=\2", condition)


def project_name_limits():
    """``; with <answers>, at most N characters minus the length of base_name (...)`` for each
    resource of the manifest whose name is built from project_name and a naming rule's length."""
    declared = manifest.declared()
    limits = []
    for key, resource in declared["__resources"].items():
        behind = pre_gen_project.answers_behind(key, declared)
        if key not in pre_gen_project.NAME_RULES or "project_name" not in behind:
            continue
        answers = next(answers for answers in map(manifest.rendered_answers,
                                                  manifest.crossed_combinations())
                       if key in manifest.created_resources(answers))
        others = [source for source in behind if source != "project_name"]
        room = pre_gen_project.project_name_room(key, answers)  # with the default answers
        fixed = room + sum(len(answers[source]) for source in others)
        limits.append((fixed, (
            f"; with `{condition_shown(resource['name'])}`, at most {fixed} characters minus the "
            f"length of {' and '.join(f'`{source}`' for source in others)} ({room} with the "
            f"defaults: the name of its {resource['kind']} holds them, in at most "
            f"{pre_gen_project.NAME_RULES[key].max_length} characters)")))
    return [text for _, text in sorted(limits, reverse=True)]


def default_shown(default):
    if isinstance(default, bool):
        return "yes" if default else "no"
    if isinstance(default, list):
        return f"`{default[0]}`"
    return f"`{default}`" if default else "empty"


def answers_table():
    answers = manifest.declared()
    prompts = answers["__prompts__"]
    rows = ["| Answer | Question | Default | Allowed |", "|---|---|---|---|"]
    for key, default in answers.items():
        if key.startswith("_"):
            continue
        question = prompts[key]["__prompt__"] if isinstance(prompts[key], dict) else prompts[key]
        allowed = allowed_values(key, default).replace("|", "\\|")
        rows.append(f"| `{key}` | {question} | {default_shown(default)} | {allowed} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(answers_table())
