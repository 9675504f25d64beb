"""Validate every answer, and every Azure name derived from the answers, before anything is written.

All problems are reported at once, one line each, as ``<key>='<value>': <what is wrong>; allowed:
<form>``; then the hook exits 1 and cookiecutter removes the folder it created.

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
        r"[A-Za-z0-9_.-]+", 1, 100, "1 to 100 letters, digits, '_', '-' or '.'", "A-Za-z0-9_.-",
    ),
    "devops_project": NameRule(
        r"[^\\/:*?\"'<>;#$*{},+=\[\]|\r\n]*[^\\/:*?\"'<>;#$*{},+=\[\]|\r\n._]", 1, 64,
        "1 to 64 characters, none of \\/:*?\"'<>;#${},+=[]|, not ending in '.' or '_'",
    ),
    "devops_organization": NameRule(
        r"https://dev\.azure\.com/[A-Za-z0-9][A-Za-z0-9-]{0,48}[A-Za-z0-9]?/?", 23, 73,
        "https://dev.azure.com/ and an organization of 1 to 50 letters, digits "
        "or hyphens",
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

# Names that exist only for one answer's value: checked only when that value is chosen.
# GitHub Actions deploys to a QA endpoint before production, under the same rule.
NAME_RULES["__qa_online_endpoint_name"] = NAME_RULES["__online_endpoint_name"]

ONLY_WHEN = {"__online_endpoint_name": ("azureml_sdk", "v2"),
             "__qa_online_endpoint_name": ("orchestrator", "github_actions")}

# Combinations with no sound path: (answer, its value, the answer and value it excludes, why).
REFUSED_COMBINATIONS = (
    ("azureml_sdk", "v2", "deploy_aks", True,
     "v2 deploys to a managed online endpoint, which replaces AKS web services; a Kubernetes "
     "online endpoint needs the Azure ML cluster extension, which this template does not set up"),
    ("azureml_sdk", "v2", "deploy_webapp", True,
     "v2 has no generally available model packaging for a Web App (az ml model package is in "
     "preview); the managed online endpoint is the v2 scoring service"),
    ("azureml_sdk", "v1", "orchestrator", "github_actions",
     "the workflows drive the v2 CLI; v1's published pipelines and the Azure ML extension of "
     "Azure DevOps have no GitHub Actions counterpart (the v1 Azure/aml-* actions are retired)"),
)

# Names that only travel inside Azure DevOps YAML and scripts: any text that cannot break them.
SAFE_TEXT_KEYS = ("variable_group_name", "azure_rm_svc_connection", "workspace_svc_connection")
UNSAFE_TEXT = re.compile(r"[\"'$`\\\r\n]")

# Which answer a derived name comes from, so that its message points at what to change.
DERIVED_FROM = {
    "__storage_account": "base_name",
    "__tf_state_storage_account": "base_name",
    "__container_registry": "base_name",
    "__key_vault": "base_name",
    "__app_insights": "base_name",
    "__aks_cluster_name": "base_name",
    "__app_service_plan": "base_name",
    "__online_endpoint_name": "project_name",
    "__qa_online_endpoint_name": "project_name",
}


def load_answers(text=ANSWERS_JSON):
    """Parse the answers that cookiecutter rendered into this file."""
    return json.loads(text)


def describe(key, value, what, allowed):
    """The one-line message of a failed check."""
    source = DERIVED_FROM.get(key)
    label = f"{key.lstrip('_')} (from {source})" if source else key
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


def find_problems(answers):
    """Every problem with ``answers`` (the rendered context) as one message each, in key order."""
    problems = []
    problem = project_name_problem(answers["project_name"])
    if problem:
        problems.append(
            describe("project_name", answers["project_name"], problem, PROJECT_NAME_ALLOWED))
    failed = set()
    for key, rule in NAME_RULES.items():
        answer, chosen = ONLY_WHEN.get(key, (None, None))
        if answer is not None and answers[answer] != chosen:
            continue
        value = answers[key]
        problem = rule.problem(value)
        # A derived name fails with its source answer: report the answer only.
        if problem and DERIVED_FROM.get(key) not in failed:
            failed.add(key)
            problems.append(describe(key, value, problem, rule.allowed))
    for key in SAFE_TEXT_KEYS:
        value = answers[key]
        if not value.strip() or UNSAFE_TEXT.search(value):
            problems.append(describe(
                key, value, "is empty or has a quote, '$', '`', a backslash or a line break",
                "any other text"))
    problems += combination_problems(answers)
    # cookiecutter refuses other choices itself, but not in an edited replay file.
    if answers["location"] not in answers["_azure_regions"]:
        problems.append(describe("location", answers["location"], "is not a known Azure region",
                                 "one of " + ", ".join(answers["_azure_regions"])))
    return problems


def combination_problems(answers):
    """One message for each answer whose value the chosen value of another answer excludes."""
    return [describe(excluded, answers[excluded], f"not with {key}={value!r}: {why}",
                     f"{excluded}=no with {key}={value!r}" if refused is True
                     else f"any {excluded} but {refused!r} with {key}={value!r}")
            for key, value, excluded, refused, why in REFUSED_COMBINATIONS
            if answers[key] == value and answers[excluded] == refused]


def main():
    problems = find_problems(load_answers())
    if problems:
        for problem in problems:
            print(f"ERROR: {problem}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
