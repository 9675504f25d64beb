"""The stand-in ``az``'s plug-in for infrastructure runs (``tests.support.stand_in_az``, plugin
``arm``): resource groups, ARM deployments, what they made, and what the CD changes afterwards.

The state: ``groups``, ``computes`` (workspace/compute name -> cluster id) and ``sites`` (name ->
``image`` and ``settings``). ``deployment group create`` applies a template as Azure Resource
Manager does, for the resource types the templates use: it evaluates each resource's
``condition`` and the expressions of the values that matter here, the site's image and app
settings (``newGuid()`` default values are new on every deployment), and refuses, as Azure does,
to attach a compute that is attached already.
"""
import json
import re
import sys
import uuid
from pathlib import Path

EXPRESSION = re.compile(r"^\[(.*)\]$", re.DOTALL)
CALL = re.compile(r"^(\w+)\((.*)\)$", re.DOTALL)


def split_arguments(text):
    """The top-level, comma-separated arguments of an ARM function call."""
    arguments, depth, current, quoted = [], 0, "", False
    for char in text:
        quoted = not quoted if char == "'" else quoted
        depth += 0 if quoted else {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0 and not quoted:
            arguments.append(current.strip())
            current = ""
        else:
            current += char
    return arguments + ([current.strip()] if current.strip() else [])


def evaluate(text, parameters, variables):
    """An ARM template value: a literal, or an expression of the functions the templates use."""
    if not isinstance(text, str) or not EXPRESSION.match(text):
        return text
    return evaluate_expression(EXPRESSION.match(text).group(1).strip(), parameters, variables)


def evaluate_expression(text, parameters, variables):
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    call = CALL.match(text)
    functions = {
        "parameters": lambda key: parameters[key],
        "variables": lambda key: evaluate(variables[key], parameters, variables),
        "concat": lambda *parts: "".join(map(str, parts)),
        "toLower": str.lower,
        "string": lambda value: str(value).lower() if isinstance(value, bool) else str(value),
        "and": lambda *values: all(values),
        "not": lambda value: not value,
        "newGuid": lambda: str(uuid.uuid4()),
    }
    if not call or call.group(1) not in functions:
        # Values that only Azure knows (resource ids, credentials): a stand-in string.
        return f"<{text}>"
    name, inner = call.groups()
    return functions[name](*[evaluate_expression(argument, parameters, variables)
                             for argument in split_arguments(inner)])


def options(argv):
    """``{option: [values]}`` of an az command line."""
    found, current = {}, None
    for token in argv:
        if token.startswith("--"):
            current = token[2:]
            found.setdefault(current, [])
        elif current is not None:
            found[current].append(token)
    return found


def deploy(state, template_path, assignments):
    """Apply the template with the given ``name=value`` parameters to ``state``; the errors of
    the resources that failed (ARM deploys the others all the same)."""
    template = json.loads(Path(template_path).read_text(encoding="utf-8"))
    given = dict(assignment.split("=", 1) for assignment in assignments)
    parameters = {}
    for name, declared in template["parameters"].items():
        value = given[name] if name in given else evaluate(declared.get("defaultValue"), {}, {})
        if declared["type"] == "bool" and isinstance(value, str):
            value = value.lower() == "true"
        parameters[name] = value
    variables = template.get("variables", {})
    errors = []
    for resource in template["resources"]:
        if not evaluate(resource.get("condition", True), parameters, variables):
            continue
        name = evaluate(resource["name"], parameters, variables)
        if resource["type"] == "Microsoft.MachineLearningServices/workspaces/computes":
            if name in state["computes"]:
                errors.append(f"(Conflict) Compute {name} is attached already: an attach is "
                              "not idempotent")
                continue
            state["computes"][name] = evaluate(resource["properties"]["resourceId"], parameters,
                                               variables)
        if resource["type"] == "Microsoft.Web/sites":
            config = resource["properties"]["siteConfig"]
            state["sites"][name] = {
                "image": evaluate(config["linuxFxVersion"], parameters, variables),
                "settings": {setting["name"]: evaluate(setting["value"], parameters, variables)
                             for setting in config["appSettings"]}}
    return errors


def answer(args, state):
    """What az prints for ``args``, after changing ``state`` as Azure would."""
    words = " ".join(word for word in args[:4] if not word.startswith("-"))
    given = {key: (values or [""])[-1] for key, values in options(args).items()}
    if words.startswith("group exists"):
        return str(given["name"] in state["groups"]).lower()
    if words.startswith("group create"):
        state["groups"].append(given["name"])
    elif words.startswith("resource show"):
        workspace = given["parent"].split("/", 1)[1]
        if f"{workspace}/{given['name']}" not in state["computes"]:
            sys.exit("ERROR: (ResourceNotFound) The Resource was not found.")
    elif words.startswith("webapp show"):
        if given["name"] not in state["sites"]:
            sys.exit("ERROR: (ResourceNotFound) The Resource was not found.")
    elif words.startswith("webapp config show"):
        return state["sites"][given["name"]]["image"]
    elif words.startswith("webapp config appsettings"):
        return state["sites"][given["name"]]["settings"].get("SCORING_KEY", "")
    elif words.startswith("deployment group create"):
        errors = deploy(state, given["template-file"], options(args)["parameters"])
        if errors:
            sys.exit("ERROR: " + "; ".join(errors))
    elif not words.startswith("deployment group what-if"):
        sys.exit(f"stand-in az (arm): no answer for: az {' '.join(args)}")
    return ""
