"""Print the README's table of answers from their sources: cookiecutter.json and the hook's rules.

Run ``python docs/answers_table.py`` after changing an answer and paste the table into README.md;
a test fails while the README is stale.
"""
import json
import sys
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parents[1]
# Run as a script, Python puts docs/ on sys.path, not the checkout whose hooks this reads.
sys.path.insert(0, str(TEMPLATE_DIR))

from hooks import pre_gen_project  # noqa: E402  (needs the checkout on sys.path)


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
        return f"one of {len(default)}: {listed}{refused}" if len(default) <= 4 else (
            f"one of the {len(default)} regions listed in `cookiecutter.json`")
    if key == "project_name":
        return pre_gen_project.PROJECT_NAME_ALLOWED
    if key in pre_gen_project.SAFE_TEXT_KEYS:
        return "any text without quotes, `$`, backticks, backslashes or line breaks"
    return pre_gen_project.NAME_RULES[key].allowed


def default_shown(default):
    if isinstance(default, bool):
        return "yes" if default else "no"
    if isinstance(default, list):
        return f"`{default[0]}`"
    return f"`{default}`" if default else "empty"


def answers_table():
    answers = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))
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
