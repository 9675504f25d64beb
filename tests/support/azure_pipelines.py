"""Azure Pipelines YAML as the agent sees it: templates expanded, then jobs with their steps.

``expand(path)`` does what Azure DevOps does at compile time for the constructs the generated
pipelines use: ``template:`` references (steps, jobs, stages and variables) with their
``parameters`` (declared defaults, then the caller's values), ``${{ parameters.x }}``,
``${{ if eq|ne(parameters.x, 'v') }}`` and ``${{ else }}``. Anything else inside ``${{ }}``
fails loudly, so a new construct is noticed rather than silently misread.
``jobs(path)`` lists every job of a pipeline file with its variables and expanded steps; the
shellcheck and rehearsal tests both read pipelines through it, so a new pipeline file is covered
by adding it to ``pipeline_files()``.
``variable_group(answers)`` is the ONE list of the variables a team puts in its Azure DevOps
variable group (the generated README lists the same names); the pipeline tests accept a
``$(VAR)`` only when this list, the variables template or Azure DevOps defines it.
"""
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests.support.repository import load

PARAMETER = re.compile(r"\$\{\{\s*parameters\.(\w+)\s*\}\}")
CONDITION = re.compile(r"\$\{\{\s*if\s+(eq|ne)\(\s*parameters\.(\w+)\s*,\s*'([^']*)'\s*\)\s*\}\}")
ELSE = re.compile(r"\$\{\{\s*else\s*\}\}")
EXPRESSION = re.compile(r"\$\{\{")
# A `$(name)` macro, which the agent replaces with the variable's value before a step runs.
MACRO = re.compile(r"\$\(([A-Za-z_][\w.\-]*)\)")
# The step keys that hold a script Azure Pipelines runs with bash.
SCRIPT_KEYS = ("script", "bash")


def pipeline_files(project):
    """Every Azure Pipelines file of a generated repository (pipelines and their templates)."""
    return sorted([*project.glob(".pipelines/*.yml"), *project.glob("environment_setup/*.yml")])


def is_pipeline(document):
    """A file Azure DevOps runs; templates run only through the pipelines that use them."""
    return isinstance(document, dict) and bool({"trigger", "pr", "pool"} & set(document))


def declared_defaults(document):
    return {entry["name"]: entry.get("default") for entry in document.get("parameters") or []
            if isinstance(entry, dict)}


def substitute(node, parameters):
    """``${{ parameters.x }}`` replaced everywhere; a whole-value reference keeps its type."""
    if isinstance(node, str):
        whole = PARAMETER.fullmatch(node.strip())
        if whole:
            return parameters[whole.group(1)]
        return PARAMETER.sub(lambda match: str(parameters[match.group(1)]), node)
    if isinstance(node, list):
        return [substitute(item, parameters) for item in node]
    if isinstance(node, dict):
        return {substitute(key, parameters): substitute(value, parameters)
                for key, value in node.items()}
    return node


def condition_holds(key, parameters):
    match = CONDITION.fullmatch(key.strip())
    if not match:
        raise NotImplementedError(f"template expression {key!r}")
    operator, name, value = match.groups()
    return (str(parameters[name]) == value) == (operator == "eq")


def resolve_conditions(node, parameters):
    """Keep the branches of ``${{ if }}`` / ``${{ else }}`` that hold, in lists and mappings."""
    if isinstance(node, list):
        result, previous = [], None
        for item in node:
            key = next(iter(item)) if isinstance(item, dict) and len(item) == 1 else None
            if isinstance(key, str) and ELSE.fullmatch(key.strip()):
                taken = not previous
                previous = None
            elif isinstance(key, str) and EXPRESSION.match(key.strip()):
                taken = previous = condition_holds(key, parameters)
            else:
                result.append(resolve_conditions(item, parameters))
                previous = None
                continue
            if taken:
                result.extend(resolve_conditions(item[key], parameters))
        return result
    if isinstance(node, dict):
        result = {}
        for key, value in node.items():
            if isinstance(key, str) and EXPRESSION.match(key.strip()):
                if condition_holds(key, parameters):
                    result.update(resolve_conditions(value, parameters))
            else:
                result[key] = resolve_conditions(value, parameters)
        return result
    return node


def instantiate(path, parameters=None):
    """The template at ``path`` with its parameters applied, its own templates expanded."""
    document = load(path)
    values = {**declared_defaults(document), **(parameters or {})}
    body = {key: value for key, value in document.items() if key != "parameters"}
    body = substitute(resolve_conditions(body, values), values)
    leftover = re.findall(r"\$\{\{[^}]*\}\}", yaml.safe_dump(body))
    assert not leftover, f"{path}: unexpanded {leftover}"
    return expand_templates(body, Path(path).parent)


def expand_templates(node, folder):
    """Replace each ``- template: file`` list item by the items of that file's only list."""
    if isinstance(node, dict):
        return {key: expand_templates(value, folder) for key, value in node.items()}
    if not isinstance(node, list):
        return node
    result = []
    for item in node:
        if isinstance(item, dict) and "template" in item:
            included = instantiate(folder / item["template"], item.get("parameters"))
            lists = [value for value in included.values() if isinstance(value, list)]
            assert len(lists) == 1, f"{item['template']}: expected one list of items"
            result.extend(lists[0])
        else:
            result.append(expand_templates(item, folder))
    return result


def expand(path):
    """The pipeline at ``path`` as Azure DevOps compiles it (its parameters at their defaults)."""
    return instantiate(path)


@dataclass
class Job:
    """One job of a pipeline: its name, the variables in scope, its steps in order."""
    pipeline: Path
    name: str
    variables: list = field(default_factory=list)
    steps: list = field(default_factory=list)


def variable_entries(variables):
    """Pipeline ``variables:`` in either form as a list of ``{name, value}`` or ``{group}``."""
    if isinstance(variables, dict):
        return [{"name": name, "value": value} for name, value in variables.items()]
    return list(variables or [])


def jobs(path):
    """Every job of the pipeline at ``path`` (a pipeline made only of steps is one job)."""
    document = expand(path)
    top = variable_entries(document.get("variables"))
    found = []
    for stage in document.get("stages") or [{"jobs": document.get("jobs")}]:
        stage_variables = top + variable_entries(stage.get("variables"))
        for job in stage.get("jobs") or [{"job": "Job", "steps": document.get("steps") or []}]:
            found.append(Job(Path(path), job.get("job") or job.get("deployment"),
                             stage_variables + variable_entries(job.get("variables")),
                             job.get("steps") or []))
    return found


def step_script(step):
    """The bash an agent runs for ``step`` (a script step, or an AzureCLI script inline or in a
    file), or None."""
    for key in SCRIPT_KEYS:
        if key in step:
            return step[key]
    inputs = step.get("inputs") or {}
    if inputs.get("scriptLocation") == "inlineScript" and inputs.get("scriptType") == "bash":
        return inputs["inlineScript"]
    if inputs.get("scriptLocation") == "scriptPath" and inputs.get("scriptType") == "bash":
        return f"bash {inputs['scriptPath']} {inputs.get('arguments', '')}".strip()
    return None


def variable_group(answers):
    """Name -> value of every variable in the team's variable group: ``__variable_group`` in
    cookiecutter.json, without the variables of deployment targets not chosen (left empty)."""
    return {name: value for name, value in answers["__variable_group"].items() if value}
