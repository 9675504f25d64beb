"""Print what a combination of answers brings: its repository's files and its Azure resources.

The manifest is in cookiecutter.json, and cookiecutter renders it with the answers: ``__files``
names every template path that exists only for some answers, with its condition (and, for a
whole-file alternative, the path it replaces); ``__resources`` names every Azure resource, with
its kind, its ARM type and its name, empty when the answers do not create it;
``__resource_providers`` is derived from those types. This module generates a combination as
the organiser does (cookiecutter's ``generate_files``, then the post-generation hook's
``finish``) and lists the result::

    python -m hooks.manifest azureml_sdk=v2 orchestrator=github_actions
    python -m hooks.manifest --write-golden

The second writes the reviewed listings of every combination of the small options that the
pre-generation hook accepts to ``tests/golden/``; a test compares each real bake with its listing,
so a path under the wrong condition fails it, and ``git diff tests/golden`` shows what a change to
the template did to each combination. cookiecutter runs only the two hooks, never this module.
"""
import itertools
import json
import sys
import tempfile
from pathlib import Path

from cookiecutter.generate import generate_context, generate_files
from cookiecutter.prompt import prompt_for_config

from hooks import post_gen_project, pre_gen_project

TEMPLATE_DIR = Path(__file__).resolve().parents[1]
GOLDEN_DIR = TEMPLATE_DIR / "tests" / "golden"
# Options with at most this many values are crossed (every combination is a listing); longer
# lists (the regions) change no file and no resource.
MAX_CROSSED_VALUES = 4


def declared():
    """``cookiecutter.json`` as written: the single source of every answer and its default."""
    return json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))


def option_values():
    """Every value of every choice and boolean answer, in ``cookiecutter.json`` order."""
    values = {}
    for key, default in declared().items():
        if key.startswith("_"):
            continue
        if isinstance(default, bool):
            values[key] = [default, not default]
        elif isinstance(default, list):
            values[key] = default
    return values


def default_answers():
    """The answer each option takes with ``--no-input``: a choice's first value or the default."""
    return {key: value[0] if isinstance(value, list) else value
            for key, value in declared().items() if not key.startswith("_")}


def small_options():
    return {key: values for key, values in option_values().items()
            if len(values) <= MAX_CROSSED_VALUES}


def crossed_combinations():
    """Every combination of the small options (booleans, short choice lists), which interact,
    that the pre-generation hook accepts (it refuses a few pairs, each with a reason)."""
    defaults = default_answers()
    crossed = small_options()
    combinations = [dict(zip(crossed, combo)) for combo in itertools.product(*crossed.values())]
    return [combination for combination in combinations
            if not pre_gen_project.combination_problems({**defaults, **combination})]


def rendered_answers(overrides):
    """The answers of a ``--no-input`` run with ``overrides``, the manifest rendered."""
    context = generate_context(context_file=str(TEMPLATE_DIR / "cookiecutter.json"),
                               extra_context=overrides)
    return dict(prompt_for_config(context, no_input=True))


def generate(answers, output_dir):
    """The repository of ``answers`` (rendered), generated under ``output_dir``."""
    project = Path(generate_files(repo_dir=str(TEMPLATE_DIR), context={"cookiecutter": answers},
                                  output_dir=str(output_dir), accept_hooks=False))
    problems = post_gen_project.finish(project, answers)
    if problems:
        raise RuntimeError("; ".join(problems))
    return project


def repository_files(project):
    """Every file of a generated repository, relative to it, in order."""
    return sorted(path.relative_to(project).as_posix() for path in project.rglob("*")
                  if path.is_file() and "__pycache__" not in path.parts)


def combination_of(answers):
    """``{small option: its answer}``: what names a combination."""
    return {key: answers[key] for key in small_options()}


def shown(value):
    return ("yes" if value else "no") if isinstance(value, bool) else str(value)


def golden_path(combination):
    """``tests/golden/<choices, and each boolean answered yes>.txt``."""
    parts = [key if value is True else str(value) for key, value in combination.items()
             if value is not False]
    return GOLDEN_DIR / ("-".join(parts) + ".txt")


def created_resources(answers):
    """``{key: resource}`` of the manifest's resources that ``answers`` (rendered) create: one
    they do not create renders an empty name."""
    return {key: resource for key, resource in answers["__resources"].items() if resource["name"]}


def listing(answers, files):
    """The reviewed text of a combination: its answers, files, resources and providers."""
    resources = list(created_resources(answers).values())
    kind_width = max(len(resource["kind"]) for resource in resources)
    name_width = max(len(resource["name"]) for resource in resources)
    return "\n".join([
        " ".join(f"{key}={shown(value)}" for key, value in combination_of(answers).items()),
        "(python -m hooks.manifest --write-golden writes this; review a change with git diff)",
        "", "Files:", *files,
        "", "Azure resources (kind, name, ARM type):",
        *(f"{resource['kind']:<{kind_width}}  {resource['name']:<{name_width}}  "
          f"{resource['type']}" for resource in resources),
        "", "Resource providers to register:", *answers["__resource_providers"].split(),
    ]) + "\n"


def listing_of(overrides):
    """Generate the combination of ``overrides`` in a scratch folder and list it."""
    answers = rendered_answers(overrides)
    with tempfile.TemporaryDirectory() as scratch:
        return listing(answers, repository_files(generate(answers, scratch)))


def write_golden():
    """Write every accepted combination's listing to ``tests/golden/``, and remove listings of
    combinations that no longer exist. Returns the paths written."""
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for combination in crossed_combinations():
        path = golden_path(combination)
        path.write_text(listing_of(combination), encoding="utf-8")
        written.append(path)
    for stale in set(GOLDEN_DIR.glob("*.txt")) - set(written):
        stale.unlink()
    return written


def parse_overrides(arguments):
    """``key=value`` arguments as cookiecutter's extra context; None with a message if wrong."""
    answers = [key for key in declared() if not key.startswith("_")]
    overrides = dict(argument.split("=", 1) for argument in arguments if "=" in argument)
    wrong = [argument for argument in arguments
             if "=" not in argument or argument.split("=", 1)[0] not in answers]
    if wrong:
        print(f"ERROR: not key=value answers of cookiecutter.json: {' '.join(wrong)}; "
              f"allowed keys: {', '.join(answers)}", file=sys.stderr)
        return None
    return overrides


def main(arguments):
    if arguments == ["--write-golden"]:
        for path in write_golden():
            print(path.relative_to(TEMPLATE_DIR))
        return 0
    overrides = parse_overrides(arguments)
    if overrides is None:
        return 2
    try:
        answers = rendered_answers(overrides)
    except ValueError as error:  # a choice outside its list, a yes/no that is neither
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    # What the hook reads under cookiecutter: cookiecutter.json with the typed answers over it.
    problems = pre_gen_project.find_problems(
        answers, pre_gen_project.written_over(declared(), overrides))
    if problems:
        print("\n".join(f"ERROR: {problem}" for problem in problems), file=sys.stderr)
        return 1
    print(listing_of(overrides), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
