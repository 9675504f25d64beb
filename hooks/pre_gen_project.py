"""Validate every answer, and every Azure name derived from the answers, before anything is written.

All problems are reported at once, one line each, as ``<key>='<value>': <what is wrong>; allowed:
<form>`` (a value computed from other answers says ``<key> (from <answers>)``), then one line saying
nothing was written and which answers to change; the hook exits 1 and cookiecutter removes the
folder it created. ``find_problems(answers, template)`` is the whole check, for other callers too.

Which Azure names exist for these answers is the manifest's to say (``__resources`` in
cookiecutter.json: a resource the answers do not create renders an empty name, which is not
checked). Which answers a derived name comes from is read from cookiecutter.json as written, its
``cookiecutter.<key>`` references followed through other derived names: cookiecutter gives the
hook the template's folder (``_repo_dir``); cruft's update does not, and then a derived name is
blamed alone.

This file is valid Python before cookiecutter renders it: the answers arrive as JSON inside raw
string literals (cookiecutter's ``jsonify`` filter escapes quotes, backslashes and braces), so the
tests import it and call its functions directly.
"""
import json
import keyword
import re
import sys
from dataclasses import dataclass

ANSWERS_JSON = r"""{{ cookiecutter | jsonify }}"""
# cookiecutter.json's public answers as written, with what the user typed in place of a default
# (empty when cruft renders this hook: its context has no such copy).
TEMPLATE_JSON = r"""{{ _cookiecutter | default({}) | jsonify }}"""
TEMPLATE_FILE = "cookiecutter.json"

# Modules the generated project imports, besides the standard library, and its own top-level
# names (``training``, ``evaluate`` and ``register`` are imported from inside the Azure ML step
# snapshot): a package with one of these names would shadow them.
PROJECT_IMPORTS = frozenset({
    "azure", "azureml", "azureml_inference_server_http", "dotenv", "environment_setup",
    "evaluate", "flask", "joblib", "lightgbm", "matplotlib", "mlflow", "ml_service", "numpy",
    "pandas", "pytest", "register", "requests", "scipy", "sklearn", "tests", "training", "yaml",
})


@dataclass(frozen=True)
class NameRule:
    """An Azure (or Azure DevOps) naming rule: a pattern, a length range and how to say it."""

    pattern: str
    min_length: int
    max_length: int
    allowed: str
    characters: str = ""  # a regex character class of every character allowed anywhere

    def problem(self, value):
        """What is wrong with ``value`` under this rule, or None when it is allowed."""
        if not self.min_length <= len(value) <= self.max_length:
            return f"is {len(value)} characters long"
        if re.fullmatch(self.pattern, value):
            return None
        bad = sorted({char for char in value
                      if self.characters and not re.fullmatch(f"[{self.characters}]", char)})
        if bad:
            return "has " + " ".join(bad)
        return "does not have the required form"


STORAGE_ACCOUNT = NameRule(r"[a-z0-9]+", 3, 24, "3 to 24 lowercase letters and digits", "a-z0-9")

# The one place the naming rules live: the ARM and Terraform tests compare their limits with these.
NAME_RULES = {
    "team_number": NameRule(r"[0-9]+", 1, 6, "1 to 6 digits", "0-9"),
    "base_name": NameRule(
        r"[a-z][a-z0-9]*", 3, 10,
        "3 to 10 lowercase letters and digits, starting with a letter", "a-z0-9",
    ),
    "resource_group": NameRule(
        r"[-\w.()]*[-\w()]", 1, 90,
        "1 to 90 letters, digits, underscores, hyphens, periods or parentheses, not ending in '.'",
        r"-\w.()",
    ),
    "workspace_name": NameRule(
        r"[a-zA-Z0-9][a-zA-Z0-9_-]*", 3, 33,
        "3 to 33 letters, digits, hyphens or underscores, starting with a letter or digit",
        "a-zA-Z0-9_-",
    ),
    "aci_deployment_name": NameRule(
        r"[a-z][a-z0-9-]*[a-z0-9]", 3, 32,
        "3 to 32 lowercase letters, digits and hyphens, starting with a letter, "
        "not ending in a hyphen", "a-z0-9-",
    ),
    "dataset_name": NameRule(
        r"[A-Za-z0-9][\w.-]*", 1, 250,
        "1 to 250 letters, digits, underscores, hyphens or periods, "
        "starting with a letter or digit",
        r"\w.-",
    ),
    "datastore_name": NameRule(
        r"[A-Za-z0-9_]+", 1, 255, "letters, digits and underscores", "A-Za-z0-9_",
    ),
    "repo_name": NameRule(
        # '.' and '..' name folders that always exist; GitHub drops a '.git' ending and refuses
        # a '.wiki' one, so the repository would not have the name the README gives.
        r"(?!\.\.?$)(?!.*\.(git|wiki)$)[A-Za-z0-9_.-]+", 1, 100,
        "1 to 100 letters, digits, '_', '-' or '.', not '.' or '..', not ending in '.git' or "
        "'.wiki'", "A-Za-z0-9_.-",
    ),
    "devops_project": NameRule(
        r"(?![._])[^\\/:*?\"'<>;#$*{},+=\[\]|\r\n]*[^\\/:*?\"'<>;#$*{},+=\[\]|\r\n.]", 1, 64,
        "1 to 64 characters, none of \\/:*?\"'<>;#${},+=[]|, not starting with '_' or '.', "
        "not ending in '.'",
    ),
    # Chosen by the team, so no default pretends to know it: empty leaves it to the set-up script.
    "devops_organization": NameRule(
        r"(https://dev\.azure\.com/[A-Za-z0-9]([A-Za-z0-9-]{0,48}[A-Za-z0-9])?/?)?", 0, 73,
        "empty, or https://dev.azure.com/ and an organization of 1 to 50 letters, digits "
        "or hyphens, not starting or ending with a hyphen",
    ),
    "__storage_account": STORAGE_ACCOUNT,
    "__tf_state_storage_account": STORAGE_ACCOUNT,
    "__container_registry": NameRule(
        r"[a-zA-Z0-9]+", 5, 50, "5 to 50 letters and digits", "a-zA-Z0-9",
    ),
    "__key_vault": NameRule(
        r"[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]", 3, 24,
        "3 to 24 letters, digits and hyphens, starting with a letter, no '--', "
        "not ending in a hyphen", "a-zA-Z0-9-",
    ),
    "__app_insights": NameRule(
        r"[^%&\\?/]*[^%&\\?/.]", 1, 255, "1 to 255 characters except %&\\?/, not ending in '.'",
    ),
    "__log_analytics": NameRule(
        r"[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]", 4, 63,
        "4 to 63 letters, digits and hyphens, starting and ending with a letter or digit",
        "a-zA-Z0-9-",
    ),
    "__aks_cluster_name": NameRule(
        r"[a-zA-Z0-9][\w-]*[a-zA-Z0-9]", 1, 63,
        "1 to 63 letters, digits, underscores and hyphens, starting and ending with a letter or "
        "digit", r"\w-",
    ),
    "__app_service_plan": NameRule(
        r"[a-zA-Z0-9][a-zA-Z0-9-]*", 1, 60, "1 to 60 letters, digits and hyphens", "a-zA-Z0-9-",
    ),
    # Unique per Azure region across all customers, hence base_name in it.
    "__online_endpoint_name": NameRule(
        r"[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]", 3, 32,
        "3 to 32 letters, digits and hyphens, starting with a letter, not ending in a hyphen",
        "a-zA-Z0-9-",
    ),
}

# GitHub Actions deploys to a QA endpoint before production, under the same rule.
NAME_RULES["__qa_online_endpoint_name"] = NAME_RULES["__online_endpoint_name"]

# Combinations with no sound path: (answer, its value, the answer and value it excludes, why).
REFUSED_COMBINATIONS = (
    ("azureml_sdk", "v2", "deploy_aks", True,
     "v2 deploys to a managed online endpoint, which replaces AKS web services; a Kubernetes "
     "online endpoint needs the Azure ML cluster extension, which this template does not set up"),
    ("azureml_sdk", "v2", "deploy_webapp", True,
     "v2 has no generally available model packaging for a Web App (az ml model package is in "
     "preview); the managed online endpoint is the v2 scoring service"),
    # Blames the SDK, which keeps its default (v1) when a user asks only for GitHub Actions.
    # cookiecutter 2.7.1 cannot make one choice's default depend on another answer: a computed
    # choice list breaks command-line and replayed answers, which it checks against the list
    # as written. So the user is told the one answer to add, and nothing is switched silently.
    ("orchestrator", "github_actions", "azureml_sdk", "v1",
     "the workflows run the Azure ML SDK v2 flow, and v1's published pipelines have no GitHub "
     "Actions counterpart (the v1 Azure/aml-* actions are deprecated): add azureml_sdk=v2"),
)

# Names that only travel inside Azure DevOps YAML and scripts: any text that cannot break them.
SAFE_TEXT_KEYS = ("variable_group_name", "azure_rm_svc_connection", "workspace_svc_connection")
UNSAFE_TEXT = re.compile(r"[\"'$`\\\r\n]")

# How a default computed from other answers names them.
REFERENCE = re.compile(r"cookiecutter\.(\w+)")


def load_answers(text=ANSWERS_JSON):
    """Parse the answers that cookiecutter rendered into this file."""
    return json.loads(text)


def load_template(answers, text=TEMPLATE_JSON):
    """cookiecutter.json as written (defaults still Jinja), with what the user typed in place of
    a default: from the template's folder when cookiecutter names it, else (cruft) empty."""
    try:
        with open(f"{answers['_repo_dir']}/{TEMPLATE_FILE}", encoding="utf-8") as declared:
            return written_over(json.load(declared), json.loads(text))
    except (KeyError, OSError, ValueError):
        return {}


def written_over(declared, written):
    """``declared`` (cookiecutter.json as written) with the values of ``written`` (its public
    answers, a typed one in place of its default) over it; a choice keeps its declared list."""
    return {**declared, **{key: value for key, value in written.items()
                           if not isinstance(declared.get(key), list)}}


def rendered_default(raw, answers):
    """``raw`` (a default from cookiecutter.json) rendered with ``answers``, or None."""
    # Imported here: cookiecutter (and Jinja) are there whenever the hook runs.
    from cookiecutter.environment import StrictEnvironment
    from jinja2 import TemplateError
    try:
        return StrictEnvironment().from_string(raw).render(cookiecutter=answers)
    except TemplateError:  # an edited replay file may lack an answer a default names
        return None


def references(raw):
    """The keys a value of cookiecutter.json (text, or a list or dict of them) names, in order."""
    return list(dict.fromkeys(REFERENCE.findall(json.dumps(raw))))


def derivations(answers, template):
    """``{key: [keys its value was computed from]}`` for every derived name (a ``__`` key of
    ``template``), and for every answer still at a default computed from other answers (one the
    user did not type)."""
    derived = {}
    for key, raw in (template or {}).items():
        if key.startswith("__") and references(raw):
            derived[key] = references(raw)
        elif (not key.startswith("_") and isinstance(raw, str) and references(raw)
              and rendered_default(raw, answers) == answers.get(key)):
            derived[key] = references(raw)
    return derived


def sources_of(key, derived):
    """Every answer ``key`` was computed from, directly or through other derived answers."""
    sources = []
    for source in derived.get(key, []):
        sources += [source, *sources_of(source, derived)]
    return list(dict.fromkeys(sources))


def answers_behind(key, declared):
    """The answers (keys without '_') the default of ``key`` in ``declared`` (cookiecutter.json
    as written) is built from, through any derived names between them."""
    found = []
    for source in references(declared.get(key, "")):
        found += answers_behind(source, declared) if source.startswith("_") else [source]
    return list(dict.fromkeys(found))


def describe(key, value, what, allowed, typed_from=()):
    """The one-line message of a failed check; a derived value names the answers it came from."""
    label = key.lstrip("_") + (f" (from {', '.join(typed_from)})" if typed_from else "")
    return f"{label}={value!r}: {what}; allowed: {allowed}"


def project_name_problem(name):
    """What makes ``name`` unusable as the generated Python package, or None."""
    if not name.isidentifier() or not name.isascii():
        return "is not a Python identifier"
    if name != name.lower():
        return "has uppercase letters"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "is a Python keyword"
    if name in sys.stdlib_module_names or name in PROJECT_IMPORTS:
        return "shadows a module the project imports"
    if name.startswith("test"):
        return "would be collected by pytest as a test module"
    if not 3 <= len(name) <= 30:
        return f"is {len(name)} characters long"
    return None


PROJECT_NAME_ALLOWED = (
    "3 to 30 lowercase ASCII letters, digits and underscores, starting with a letter, "
    "not a keyword, not a standard-library or dependency module name, not starting with 'test'"
)


def answer_problem(key, value):
    """``(what is wrong, what is allowed)`` for one answer or derived name, or None."""
    if key == "project_name":
        problem = project_name_problem(value)
        return (problem, PROJECT_NAME_ALLOWED) if problem else None
    if key in NAME_RULES:
        problem = NAME_RULES[key].problem(value)
        return (problem, NAME_RULES[key].allowed) if problem else None
    if key in SAFE_TEXT_KEYS:
        if not value.strip() or UNSAFE_TEXT.search(value):
            return ("is empty or has a quote, '$', '`', a backslash or a line break",
                    "any other text")
    return None


def choice_problem(key, value, template):
    """``(what is wrong, what is allowed)`` for an answer outside its choices in ``template``
    (cookiecutter refuses one itself, but not in an edited replay file), or None."""
    choices = (template or {}).get(key)
    if isinstance(choices, list) and value not in choices:
        return "is not one of the choices", "one of " + ", ".join(map(str, choices))
    return None


CHECKED_KEYS = ("project_name", *NAME_RULES, *SAFE_TEXT_KEYS)


def find_problems(answers, template=None):
    """Every problem with ``answers`` (the rendered context) as one message each, in key order.

    ``template`` is cookiecutter.json as written, with the typed answers in place of their
    defaults (``load_template``): with it, a value computed from other answers is blamed on what
    the user typed, and a choice is checked against the list. A derived value that fails because
    its source fails is left out (the source's message covers it); one that fails on its own says
    which typed answers it came from.
    """
    derived = derivations(answers, template)
    found = {key: problem for key in CHECKED_KEYS if exists(key, answers)
             and (problem := answer_problem(key, answers[key]))}
    found.update({key: problem for key in (template or {}) if not key.startswith("_")
                  and (problem := choice_problem(key, answers.get(key), template))})
    problems = []
    for key, (what, allowed) in found.items():
        sources = sources_of(key, derived)
        if any(source in found for source in sources):
            continue
        typed = [source for source in sources if source not in derived]
        problems.append(describe(key, answers[key], what, allowed + project_name_limit(
            key, answers, template), typed))
    return problems + combination_problems(answers)


def exists(key, answers):
    """Whether the name ``key`` is used with these answers: a resource of the manifest exists
    when its name renders non-empty; any other answer always does."""
    resource = answers.get("__resources", {}).get(key)
    return resource is None or resource["name"] != ""


def project_name_limit(key, answers, template):
    """For a name built from project_name that is too long, the longest project_name that every
    name built from it leaves room for, with the other answers they are built from (with v2, the
    online endpoints' names hold both base_name and project_name)."""
    if (key not in NAME_RULES or len(answers[key]) <= NAME_RULES[key].max_length
            or "project_name" not in answers_behind(key, template or {})):
        return ""
    rooms = {name: project_name_room(name, answers) for name in NAME_RULES
             if name in answers and exists(name, answers)
             and "project_name" in answers_behind(name, template)}
    others = " and ".join(dict.fromkeys(
        f"{source}={answers[source]!r}" for name in rooms
        for source in answers_behind(name, template) if source != "project_name"))
    return f" (so a project_name of at most {min(rooms.values())} characters" + (
        f" with {others})" if others else ")")


def project_name_room(key, answers):
    """The longest project_name the name ``key`` has room for with the other answers in it."""
    return NAME_RULES[key].max_length - (len(answers[key]) - len(answers["project_name"]))


def combination_problems(answers):
    """One message for each answer whose value the chosen value of another answer excludes."""
    return [describe(excluded, answers[excluded], f"not with {key}={value!r}: {why}",
                     f"{excluded}=no with {key}={value!r}" if refused is True
                     else f"any {excluded} but {refused!r} with {key}={value!r}")
            for key, value, excluded, refused, why in REFUSED_COMBINATIONS
            if answers[key] == value and answers[excluded] == refused]


def answers_to_change(problem):
    """The answers a user changes to fix ``problem``: a derived value's "(from a, b)" names them."""
    label = problem.split("=")[0]
    if " (from " in label:
        return label.removesuffix(")").split(" (from ")[1].split(", ")
    return [label]


def failure_summary(answers, problems):
    """The last line after the problems: nothing was written, and what to run again."""
    keys = dict.fromkeys(key for problem in problems for key in answers_to_change(problem))
    template = answers.get("_template") or "<template>"
    return (f"Nothing was written. Run cookiecutter {template} again with another "
            f"{' and '.join(keys)}: the lines above say what is allowed.")


def main():
    answers = load_answers()
    problems = find_problems(answers, load_template(answers))
    if problems:
        for problem in problems:
            print(f"ERROR: {problem}", file=sys.stderr)
        print(failure_summary(answers, problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
