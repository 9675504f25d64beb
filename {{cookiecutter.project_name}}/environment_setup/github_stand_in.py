"""The stand-in ``az`` and ``gh``'s plug-in for the GitHub set-up script's tests: the subscription,
Entra ID and the GitHub repository as far as the script uses them
(``ml_service/tests/stand_in_cli.py`` records the calls and loads this file).

The state (``test_github_setup.new_state``) holds the signed-in ``account`` and ``github_user``
(None: nobody), the subscription's providers, resource groups, storage, roles, applications,
service principals and role assignments, and the repository: its record, subject template,
``plan``, variables and environments. Each command answers from it as the real one does: lists,
creates that refuse duplicates, updates, idempotent PUTs, and GitHub's refusals (``gh api``
prints the response body, then "gh: <message> (HTTP <status>)").
"""
import json
import sys

REVIEWERS_REFUSED = ("Failed to create the environment protection rule. Please ensure the "
                     "billing plan supports the required reviewers protection rule.")


def fail(message):
    sys.exit(f"ERROR: {message}")


def refuse(status, message):
    """As gh api does: the response body on stdout, the message and status on stderr."""
    print(json.dumps({"message": message, "status": str(status)}))
    sys.exit(f"gh: {message} (HTTP {status})")


def parse(args):
    """(command words, ``{option: [values]}``, ``{option: last value}``); an option takes one
    value, and words may follow it (``gh api --method PUT <path>``)."""
    words, options, current = [], {}, None
    for token in args:
        if token.startswith("-") and not token.lstrip("-")[:1].isdigit():
            current = token.lstrip("-")
            options.setdefault(current, [])
        elif current is None:
            words.append(token)
        else:
            options[current].append(token)
            current = None
    return words, options, {key: values[-1] if values else "" for key, values in options.items()}


def storage(state, words, option):
    if words[1] == "account" and words[2] == "list":
        return [item for item in state["storage_accounts"]
                if item["resourceGroup"] == option["resource-group"]]
    if words[1] == "account":
        if any(item["name"] == option["name"] for item in state["storage_accounts"]):
            fail(f"The storage account named {option['name']} is already taken.")
        state["storage_accounts"].append({"name": option["name"],
                                          "resourceGroup": option["resource-group"]})
        return state["storage_accounts"][-1]
    key = f"{option['account-name']}/{option['name']}"
    exists = key in state["containers"]
    if words[-1] == "exists":
        return {"exists": exists}
    state["containers"] = sorted(set(state["containers"]) | {key})
    return {"created": not exists}


def role_definition(state, verb, option):
    if verb == "list":
        return [role for role in state["role_definitions"] if role["roleName"] == option["name"]]
    wanted = json.loads(option["role-definition"])
    named = [role for role in state["role_definitions"] if role["roleName"] == wanted["Name"]]
    if (verb == "create") == bool(named):
        fail(f"cannot {verb} role {wanted['Name']}")
    role = {"roleName": wanted["Name"], "assignableScopes": wanted["AssignableScopes"],
            "permissions": [{"actions": wanted["Actions"], "dataActions": wanted["DataActions"]}]}
    state["role_definitions"] = [item for item in state["role_definitions"]
                                 if item["roleName"] != wanted["Name"]] + [role]
    return role


def federated_credential(state, verb, option):
    app = next(app for app in state["applications"] if app["appId"] == option["id"])
    if verb == "list":
        return app["credentials"]
    if verb == "delete":
        app["credentials"] = [item for item in app["credentials"]
                              if item["name"] != option["federated-credential-id"]]
        return None
    parameters = json.loads(option["parameters"])
    named = [item for item in app["credentials"] if item["name"] == parameters["name"]]
    if (verb == "create") == bool(named):
        fail(f"cannot {verb} credential {parameters['name']}")
    if named:
        named[0].update(parameters)
        return None
    if len(app["credentials"]) == 20:
        fail("The number of federated identity credentials exceeds the limit of 20.")
    app["credentials"].append(parameters)
    return parameters


def identity(state, words, option):
    """``az ad app`` and ``az ad sp``: applications, their credentials, service principals."""
    if words[2] == "federated-credential":
        return federated_credential(state, words[3], option)
    if words[1:3] == ["app", "list"]:
        return [app for app in state["applications"]
                if app["displayName"] == option["display-name"]]
    if words[1:3] == ["app", "create"]:
        app = {"appId": f"app-{len(state['applications']) + 1}", "id": "app-object",
               "displayName": option["display-name"], "credentials": []}
        state["applications"].append(app)
        return app
    if words[1:3] == ["sp", "list"]:
        app_id = option["filter"].split("'")[1]
        return [sp for sp in state["service_principals"] if sp["appId"] == app_id]
    sp = {"appId": option["id"], "id": f"sp-of-{option['id']}"}
    state["service_principals"].append(sp)
    return sp


def role_assignment(state, verb, option):
    if verb == "list":
        return [item for item in state["role_assignments"]
                if item["appId"] == option["assignee"] and item["role"] == option["role"]
                and item["scope"] == option["scope"]]
    sp = next(sp for sp in state["service_principals"]
              if sp["id"] == option["assignee-object-id"])
    item = {"appId": sp["appId"], "role": option["role"], "scope": option["scope"]}
    state["role_assignments"].append(item)
    return item


def azure(state, words, option):
    command = " ".join(words)
    if state["account"] is None:
        fail("Please run 'az login' to setup account.")
    if command == "account show":
        return state["account"]
    if command == "provider list":
        return state["registered_providers"]
    if command == "provider register":
        state["registered_providers"].append(option["namespace"])
        return None
    if command == "group exists":
        return option["name"] in state["resource_groups"]
    if command == "group create":
        state["resource_groups"][option["name"]] = option["location"]
        return {"name": option["name"], "location": option["location"]}
    if words[0] == "storage":
        return storage(state, words, option)
    if words[:2] == ["role", "definition"]:
        return role_definition(state, words[2], option)
    if words[:2] == ["role", "assignment"]:
        return role_assignment(state, words[2], option)
    if words[0] == "ad":
        return identity(state, words, option)
    return fail(f"stand-in az does not know: {command}")


def put_environment(state, name, body):
    if state["plan"] == "free-private":
        refuse(404, "Not Found")
    if state["plan"] == "broken":
        refuse(422, "Validation Failed")
    if state["plan"] == "team-private" and body.get("reviewers"):
        refuse(422, REVIEWERS_REFUSED)
    previous = state["environments"].get(name, {"branch_policies": []})
    state["environments"][name] = {**body, "branch_policies": previous["branch_policies"]}
    return {"name": name}


def github(state, words, options, option, stdin):
    command, path = " ".join(words), words[-1]
    if state["github_user"] is None:
        fail("To get started with GitHub CLI, please run:  gh auth login")
    if command == "api user":
        return state["github_user"]
    if command.startswith("api users/"):
        login = path.split("/")[-1]
        if login not in state["github_users"]:
            refuse(404, "Not Found")
        return {"login": login, "id": state["github_users"][login]}
    if command.startswith("api repos/") and path.endswith("/actions/oidc/customization/sub"):
        return state["subject_template"] or refuse(404, "Not Found")
    if command.startswith("api repos/") and path.count("/") == 2:
        if path.removeprefix("repos/") != state["repository"]["full_name"]:
            refuse(404, "Not Found")
        return state["repository"]
    if command == "variable list":
        return [{"name": name, "value": value}
                for name, value in state["variables"].get(option["repo"], {}).items()]
    if command.startswith("variable set "):
        state["variables"].setdefault(option["repo"], {})[path] = option["body"]
        return None
    if words[0] == "api" and path.endswith("/deployment-branch-policies"):
        policies = state["environments"][path.split("/")[-2]]["branch_policies"]
        if option.get("method") == "POST":
            fields = dict(value.split("=", 1) for value in options["f"])
            policies.append(fields)
            return fields
        return {"branch_policies": policies}
    if words[0] == "api" and option.get("method") == "PUT":
        return put_environment(state, path.split("/")[-1], json.loads(stdin))
    return fail(f"stand-in gh does not know: {command}")


def answer(argv, stdin, state):
    words, options, option = parse(argv[1:])
    if argv[0] == "az":
        return azure(state, words, option)
    return github(state, words, options, option, stdin)
