"""Stand-in for the Azure CLI and its azure-devops extension: records argv, answers from state.

The set-up script's tests put it on PATH as ``az`` (the real CLI and its extension need the
network to install). It appends each argv to the file in ``AZ_STAND_IN_CALLS`` and answers the
way the real commands do from the JSON state in ``AZ_STAND_IN_STATE``: lists, creates that refuse
duplicates, updates, and resource providers (registered, or refused for lack of a role).
"""
import json
import os
import sys

STATE = os.environ["AZ_STAND_IN_STATE"]
with open(os.environ["AZ_STAND_IN_CALLS"], "a", encoding="utf-8") as calls:
    calls.write(json.dumps(sys.argv[1:]) + "\n")
with open(STATE, encoding="utf-8") as handle:
    state = json.load(handle)

words, options, current = [], {}, None
for token in sys.argv[1:]:
    if token.startswith("--"):
        current = token[2:]
        options[current] = []
    elif current is None:
        words.append(token)
    else:
        options[current].append(token)
option = {key: " ".join(values) for key, values in options.items()}
command = " ".join(words)


def answer(value):
    with open(STATE, "w", encoding="utf-8") as handle:
        json.dump(state, handle, indent=1)
    if value is not None:
        print(json.dumps(value))
    sys.exit(0)


def fail(message):
    print(f"ERROR: {message}", file=sys.stderr)
    sys.exit(1)


def named(kind, name):
    return [item for item in state[kind] if item["name"] == name]


def by_id(kind, identifier):
    return next(item for item in state[kind] if str(item["id"]) == identifier)


def answer_authorized(kind, identifier, flag):
    """Open (or close) an object to all pipelines, as the update commands do."""
    item = by_id(kind, identifier)
    item["authorized"] = flag == "true"
    answer(item)


if command == "extension show":
    if option["name"] not in state["extensions"]:
        fail(f"The extension {option['name']} is not installed.")
    answer({"name": option["name"], "version": "1.0.1"})
if command == "devops configure" and "list" in options:
    # Text, not JSON, as the real command prints it.
    print("[defaults]")
    for key, value in state.get("devops_defaults", {}).items():
        print(f"{key} = {value}")
    sys.exit(0)
if command == "account show":
    if state["account"] is None:
        fail("Please run 'az login' to setup account.")
    answer(state["account"])
if command == "provider show":
    print(state["providers"].get(option["namespace"], "NotRegistered"))
    sys.exit(0)
if command == "provider register":
    if option["namespace"] in state.get("refused_providers", []):
        fail(f"(AuthorizationFailed) The client does not have authorization to perform action "
             f"'{option['namespace']}/register/action'.")
    state["providers"][option["namespace"]] = "Registered"
    answer(None)
if command == "pipelines variable-group list":
    answer(named("variable_groups", option["group-name"]))
if command == "pipelines variable-group create":
    group = {"id": len(state["variable_groups"]) + 1, "name": option["name"],
             "authorized": option["authorize"] == "true",
             "variables": {pair.split("=", 1)[0]: {"isSecret": None, "value": pair.split("=", 1)[1]}
                           for pair in options["variables"]}}
    state["variable_groups"].append(group)
    answer(group)
if command == "pipelines variable-group update":
    answer_authorized("variable_groups", option["id"], option["authorize"])
if command.startswith("pipelines variable-group variable "):
    variables = by_id("variable_groups", option["group-id"])["variables"]
    if (option["name"] in variables) == command.endswith("create"):
        fail(f"cannot {words[-1]} variable {option['name']}")
    variables[option["name"]] = {"isSecret": None, "value": option["value"]}
    answer({option["name"]: variables[option["name"]]})
if command == "devops service-endpoint list":
    answer(state["service_connections"])
if command == "devops service-endpoint azurerm create":
    if not os.environ.get("AZURE_DEVOPS_EXT_AZURE_RM_SERVICE_PRINCIPAL_KEY"):
        fail("service principal key missing")
    connection = {"id": f"endpoint-{len(state['service_connections']) + 1}",
                  "name": option["name"], "type": "azurerm", "authorized": False,
                  "principal": option["azure-rm-service-principal-id"],
                  "subscription": option["azure-rm-subscription-id"]}
    state["service_connections"].append(connection)
    answer(connection)
if command == "devops service-endpoint update":
    answer_authorized("service_connections", option["id"], option["enable-for-all"])
if command == "pipelines list":
    answer(named("pipelines", option["name"]))
if command == "pipelines create":
    if named("pipelines", option["name"]):
        fail(f"Pipeline with name {option['name']} already exists.")
    pipeline = {"id": len(state["pipelines"]) + 1, "name": option["name"],
                "yaml_path": option["yaml-path"], "repository": option["repository"],
                "branch": option["branch"], "connection": option["service-connection"],
                "runs": 0 if option["skip-first-run"] == "true" else 1}
    state["pipelines"].append(pipeline)
    answer(pipeline)
if command == "pipelines update":
    pipeline = by_id("pipelines", option["id"])
    pipeline.update({"yaml_path": option["yaml-path"], "branch": option["branch"]})
    answer(pipeline)
fail(f"stand-in az does not know: {command}")
