"""The stand-in ``az``'s plug-in for the Azure DevOps set-up script's tests: the Azure CLI and its
azure-devops extension as far as the script uses them (``ml_service/tests/stand_in_cli.py``
records the calls and loads this file).

The state holds the installed ``extensions``, the signed-in ``account`` (None: nobody), the
resource ``providers`` and those whose registration is ``refused_providers``, the
``devops_defaults``, and the project's ``variable_groups``, ``service_connections`` and
``pipelines``. Each command answers from it as the real one does: lists, creates that refuse
duplicates, updates.
"""
import os
import sys


def fail(message):
    sys.exit(f"ERROR: {message}")


def parse(args):
    """(command words, ``{option: [values]}``) of the arguments after ``az``."""
    words, options, current = [], {}, None
    for token in args:
        if token.startswith("--"):
            current = token[2:]
            options[current] = []
        elif current is None:
            words.append(token)
        else:
            options[current].append(token)
    return " ".join(words), options


def named(items, name):
    return [item for item in items if item["name"] == name]


def by_id(items, identifier):
    return next(item for item in items if str(item["id"]) == identifier)


def devops_defaults(state):
    """What ``az devops configure --list`` prints: text, not JSON."""
    return "\n".join(["[defaults]", *(f"{key} = {value}"
                                      for key, value in state.get("devops_defaults", {}).items())])


def register(state, namespace):
    if namespace in state.get("refused_providers", []):
        fail(f"(AuthorizationFailed) The client does not have authorization to perform action "
             f"'{namespace}/register/action'.")
    state["providers"][namespace] = "Registered"


def create_variable_group(state, option, options):
    group = {"id": len(state["variable_groups"]) + 1, "name": option["name"],
             "authorized": option["authorize"] == "true",
             "variables": {pair.split("=", 1)[0]: {"isSecret": None, "value": pair.split("=", 1)[1]}
                           for pair in options["variables"]}}
    state["variable_groups"].append(group)
    return group


def set_variable(state, verb, option):
    variables = by_id(state["variable_groups"], option["group-id"])["variables"]
    if (option["name"] in variables) == (verb == "create"):
        fail(f"cannot {verb} variable {option['name']}")
    variables[option["name"]] = {"isSecret": None, "value": option["value"]}
    return {option["name"]: variables[option["name"]]}


def create_connection(state, option):
    if not os.environ.get("AZURE_DEVOPS_EXT_AZURE_RM_SERVICE_PRINCIPAL_KEY"):
        fail("service principal key missing")
    connection = {"id": f"endpoint-{len(state['service_connections']) + 1}",
                  "name": option["name"], "type": "azurerm", "authorized": False,
                  "principal": option["azure-rm-service-principal-id"],
                  "subscription": option["azure-rm-subscription-id"]}
    state["service_connections"].append(connection)
    return connection


def create_pipeline(state, option):
    if named(state["pipelines"], option["name"]):
        fail(f"Pipeline with name {option['name']} already exists.")
    pipeline = {"id": len(state["pipelines"]) + 1, "name": option["name"],
                "yaml_path": option["yaml-path"], "repository": option["repository"],
                "branch": option["branch"], "connection": option["service-connection"],
                "runs": 0 if option["skip-first-run"] == "true" else 1}
    state["pipelines"].append(pipeline)
    return pipeline


def authorize(items, option, flag):
    """Open (or close) an object to all pipelines, as the update commands do."""
    item = by_id(items, option["id"])
    item["authorized"] = option[flag] == "true"
    return item


def answer(argv, stdin, state):
    command, options = parse(argv[1:])
    option = {key: " ".join(values) for key, values in options.items()}
    if command == "extension show":
        if option["name"] not in state["extensions"]:
            fail(f"The extension {option['name']} is not installed.")
        return {"name": option["name"], "version": "1.0.1"}
    if command == "account show":
        return state["account"] or fail("Please run 'az login' to setup account.")
    if command == "devops configure" and "list" in options:
        return devops_defaults(state)
    if command == "provider show":
        return state["providers"].get(option["namespace"], "NotRegistered")
    if command == "provider register":
        return register(state, option["namespace"])
    if command == "pipelines variable-group list":
        return named(state["variable_groups"], option["group-name"])
    if command == "pipelines variable-group create":
        return create_variable_group(state, option, options)
    if command == "pipelines variable-group update":
        return authorize(state["variable_groups"], option, "authorize")
    if command.startswith("pipelines variable-group variable "):
        return set_variable(state, command.rsplit(" ", 1)[1], option)
    if command == "devops service-endpoint list":
        return state["service_connections"]
    if command == "devops service-endpoint azurerm create":
        return create_connection(state, option)
    if command == "devops service-endpoint update":
        return authorize(state["service_connections"], option, "enable-for-all")
    if command == "pipelines list":
        return named(state["pipelines"], option["name"])
    if command == "pipelines create":
        return create_pipeline(state, option)
    if command == "pipelines update":
        pipeline = by_id(state["pipelines"], option["id"])
        pipeline.update({"yaml_path": option["yaml-path"], "branch": option["branch"]})
        return pipeline
    return fail(f"stand-in az does not know: {command}")
