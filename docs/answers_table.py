"""Print the README's table of answers from their sources: cookiecutter.json and the hook's rules.

Run ``python docs/answers_table.py`` after changing an answer and paste the table into README.md;
a test fails while the README is stale.
"""
import importlib.util
import json
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parents[1]


def load_pre_gen_hook():
    path = TEMPLATE_DIR / "hooks" / "pre_gen_project.py"
    spec = importlib.util.spec_from_file_location("pre_gen_project", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def allowed_values(key, default, hook):
    """The constraint of one answer, in the words the hook uses when it refuses one."""
    if isinstance(default, bool):
        return "yes or no"
    if isinstance(default, list):
        listed = ", ".join(f"`{value}`" for value in default)
        refused = "".join(
            f"; `{value}` not with `{excluded}`" if refused_value is True
            else f"; `{value}` not with `{excluded}={refused_value}`"
            for answer, value, excluded, refused_value, _ in hook.REFUSED_COMBINATIONS
            if answer == key)
        return f"one of {len(default)}: {listed}{refused}" if len(default) <= 4 else (
            f"one of the {len(default)} regions listed in `cookiecutter.json`")
    if key == "project_name":
        return hook.PROJECT_NAME_ALLOWED
    if key in hook.SAFE_TEXT_KEYS:
        return "any text without quotes, `$`, backticks, backslashes or line breaks"
    return hook.NAME_RULES[key].allowed


def default_shown(default):
    if isinstance(default, bool):
        return "yes" if default else "no"
    if isinstance(default, list):
        return f"`{default[0]}`"
    return f"`{default}`" if default else "empty"


def answers_table():
    answers = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))
    prompts = answers["__prompts__"]
    hook = load_pre_gen_hook()
    rows = ["| Answer | Question | Default | Allowed |", "|---|---|---|---|"]
    for key, default in answers.items():
        if key.startswith("_"):
            continue
        question = prompts[key]["__prompt__"] if isinstance(prompts[key], dict) else prompts[key]
        allowed = allowed_values(key, default, hook).replace("|", "\\|")
        rows.append(f"| `{key}` | {question} | {default_shown(default)} | {allowed} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(answers_table())
