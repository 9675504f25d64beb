"""The GitHub set-up script against stand-in ``az`` and ``gh``: first run, re-run, drift, errors.

The Azure CLI and the GitHub CLI need the network and an account, so the boundary is a pair of
stand-in executables (``STAND_IN``, one script answering as either): each records its argv and
standard input and answers from a JSON state file the way the real commands do (lists, creates
that refuse duplicates, updates, idempotent PUTs). Everything else (the configuration, command
building, the runner, subprocess calls) is the real code.
"""
import itertools
import json
import os
import re
import shlex
import sys

import pytest

from environment_setup import github_setup as setup_script

REPOSITORY = "contoso/my-mlops-repo"

STAND_IN = r'''
"""Stand-in for az and gh: records argv and stdin, answers from a JSON state file."""
import json
import os
import sys

TOOL = os.path.basename(sys.argv[0])
STATE = os.environ["STAND_IN_STATE"]
stdin = None if sys.stdin.isatty() else sys.stdin.read()
with open(os.environ["STAND_IN_CALLS"], "a", encoding="utf-8") as calls:
    calls.write(json.dumps({"argv": [TOOL, *sys.argv[1:]], "stdin": stdin or None}) + "\n")
with open(STATE, encoding="utf-8") as handle:
    state = json.load(handle)

words, options, current = [], {}, None
for token in sys.argv[1:]:
    if token.startswith("-") and not token.lstrip("-")[:1].isdigit():
        current = token.lstrip("-")
        options.setdefault(current, [])
    elif current is None:
        words.append(token)
    else:
        options[current].append(token)
        current = None
option = {key: values[-1] if values else "" for key, values in options.items()}
command = " ".join([TOOL, *words])


def answer(value=None):
    with open(STATE, "w", encoding="utf-8") as handle:
        json.dump(state, handle, indent=1)
    if value is not None:
        print(json.dumps(value))
    sys.exit(0)


def fail(message):
    print(f"ERROR: {message}", file=sys.stderr)
    sys.exit(1)


if TOOL == "az" and state["account"] is None:
    fail("Please run 'az login' to setup account.")
if TOOL == "gh" and state["github_user"] is None:
    fail("To get started with GitHub CLI, please run:  gh auth login")
if command == "az account show":
    answer(state["account"])
if command == "az group exists":
    answer(option["name"] in state["resource_groups"])
if command == "az group create":
    state["resource_groups"][option["name"]] = option["location"]
    answer({"name": option["name"], "location": option["location"]})
if command == "az storage account list":
    answer([item for item in state["storage_accounts"]
            if item["resourceGroup"] == option["resource-group"]])
if command == "az storage account create":
    if any(item["name"] == option["name"] for item in state["storage_accounts"]):
        fail(f"The storage account named {option['name']} is already taken.")
    state["storage_accounts"].append({"name": option["name"],
                                      "resourceGroup": option["resource-group"]})
    answer(state["storage_accounts"][-1])
if command in ("az storage container exists", "az storage container create"):
    key = f"{option['account-name']}/{option['name']}"
    exists = key in state["containers"]
    if words[-1] == "exists":
        answer({"exists": exists})
    state["containers"] = sorted(set(state["containers"]) | {key})
    answer({"created": not exists})
if command == "az ad app list":
    answer([app for app in state["applications"] if app["displayName"] == option["display-name"]])
if command == "az ad app create":
    app = {"appId": f"app-{len(state['applications']) + 1}", "id": "app-object",
           "displayName": option["display-name"], "credentials": []}
    state["applications"].append(app)
    answer(app)
if command == "az ad sp list":
    app_id = option["filter"].split("'")[1]
    answer([sp for sp in state["service_principals"] if sp["appId"] == app_id])
if command == "az ad sp create":
    sp = {"appId": option["id"], "id": f"sp-of-{option['id']}"}
    state["service_principals"].append(sp)
    answer(sp)
if command.startswith("az ad app federated-credential"):
    app = next(app for app in state["applications"] if app["appId"] == option["id"])
    if words[-1] == "list":
        answer(app["credentials"])
    if words[-1] == "delete":
        app["credentials"] = [item for item in app["credentials"]
                              if item["name"] != option["federated-credential-id"]]
        answer()
    parameters = json.loads(option["parameters"])
    named = [item for item in app["credentials"] if item["name"] == parameters["name"]]
    if (words[-1] == "create") == bool(named):
        fail(f"cannot {words[-1]} credential {parameters['name']}")
    if named:
        named[0].update(parameters)
        answer()
    app["credentials"].append(parameters)
    answer(parameters)
if command == "az role assignment list":
    answer([item for item in state["role_assignments"]
            if item["appId"] == option["assignee"] and item["role"] == option["role"]
            and item["scope"] == option["scope"]])
if command == "az role assignment create":
    sp = next(sp for sp in state["service_principals"]
              if sp["id"] == option["assignee-object-id"])
    item = {"appId": sp["appId"], "role": option["role"], "scope": option["scope"]}
    state["role_assignments"].append(item)
    answer(item)
if command == "gh api user":
    answer(state["github_user"])
if command.startswith("gh api users/"):
    login = words[-1].split("/")[-1]
    if login not in state["github_users"]:
        fail(f"HTTP 404: Not Found (https://api.github.com/users/{login})")
    answer({"login": login, "id": state["github_users"][login]})
if command == "gh variable list":
    answer([{"name": name, "value": value}
            for name, value in state["variables"].get(option["repo"], {}).items()])
if command.startswith("gh variable set "):
    state["variables"].setdefault(option["repo"], {})[words[-1]] = option["body"]
    answer()
if command.startswith("gh api") and words[-1].endswith("/deployment-branch-policies"):
    environment = words[-1].split("/")[-2]
    policies = state["environments"][environment]["branch_policies"]
    if option.get("method") == "POST":
        fields = dict(value.split("=", 1) for value in options["f"])
        policies.append(fields)
        answer(fields)
    answer({"branch_policies": policies})
if command.startswith("gh api") and option.get("method") == "PUT":
    environment = words[-1].split("/")[-1]
    previous = state["environments"].get(environment, {"branch_policies": []})
    state["environments"][environment] = {**json.loads(stdin),
                                          "branch_policies": previous["branch_policies"]}
    answer({"name": environment})
fail(f"stand-in does not know: {command}")
'''

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the stand-ins are POSIX scripts")


@pytest.fixture
def config():
    return setup_script.load_config()


@pytest.fixture
def cloud(tmp_path, monkeypatch):
    """A PATH holding only the stand-in ``az`` and ``gh``, an empty subscription and repository,
    and the call log."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("az", "gh"):
        stand_in = bin_dir / tool
        stand_in.write_text(f"#!{sys.executable}\n{STAND_IN}", encoding="utf-8")
        stand_in.chmod(0o755)
    state = {
        "account": {"id": "sub-id", "name": "Workshop subscription", "tenantId": "tenant-id"},
        "github_user": {"login": "octo", "id": 42}, "github_users": {"reviewer2": 77},
        "resource_groups": {}, "storage_accounts": [], "containers": [], "applications": [],
        "service_principals": [], "role_assignments": [], "variables": {}, "environments": {},
    }
    state_path, calls_path = tmp_path / "state.json", tmp_path / "calls.jsonl"
    state_path.write_text(json.dumps(state), encoding="utf-8")
    calls_path.write_text("", encoding="utf-8")
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("STAND_IN_STATE", str(state_path))
    monkeypatch.setenv("STAND_IN_CALLS", str(calls_path))

    class Cloud:
        def state(self):
            return json.loads(state_path.read_text(encoding="utf-8"))

        def set_state(self, new_state):
            state_path.write_text(json.dumps(new_state), encoding="utf-8")

        def calls(self):
            return [json.loads(line) for line in calls_path.read_text().splitlines()]

        def forget_calls(self):
            calls_path.write_text("", encoding="utf-8")

    return Cloud()


def run_setup(*extra):
    return setup_script.main(["--repository", REPOSITORY, *extra])


def verbs(calls):
    """Each call as its command words, e.g. 'az ad app create' (names and options left out)."""
    return [" ".join(itertools.takewhile(lambda word: re.fullmatch("[a-z][a-z-]*", word),
                                         call["argv"])) for call in calls]


def test_first_run_sets_up_everything(cloud, config):
    assert run_setup() == 0

    state = cloud.state()
    assert state["resource_groups"] == {config["resource_group"]: config["location"]}
    [app] = state["applications"]
    assert app["displayName"] == config["application"]
    assert {item["name"]: item["subject"] for item in app["credentials"]} == \
        setup_script.federated_subjects(config, REPOSITORY)
    assert {item["issuer"] for item in app["credentials"]} == {setup_script.GITHUB_ISSUER}
    assert state["role_assignments"] == [{
        "appId": app["appId"], "role": "Contributor",
        "scope": f"/subscriptions/sub-id/resourceGroups/{config['resource_group']}"}]
    assert state["variables"][REPOSITORY] == {
        "AZURE_CLIENT_ID": app["appId"], "AZURE_TENANT_ID": "tenant-id",
        "AZURE_SUBSCRIPTION_ID": "sub-id", **config["variables"]}
    assert sorted(state["environments"]) == sorted(config["environments"])
    for name, environment in state["environments"].items():
        assert environment["branch_policies"] == [{"name": "main", "type": "branch"}]
        reviewed = name in config["reviewed_environments"]
        assert environment.get("reviewers") == ([{"type": "User", "id": 42}] if reviewed
                                                else None)
    if "terraform_state" in config:
        storage = config["terraform_state"]
        assert [item["name"] for item in state["storage_accounts"]] == [storage["storage_account"]]
        assert state["containers"] == [f"{storage['storage_account']}/{storage['container']}"]


def test_subjects_are_main_pull_requests_and_each_environment(config):
    subjects = setup_script.federated_subjects(config, "contoso/repo")

    assert sorted(subjects.values()) == sorted(
        ["repo:contoso/repo:ref:refs/heads/main", "repo:contoso/repo:pull_request"]
        + [f"repo:contoso/repo:environment:{name}" for name in config["environments"]])


def test_second_run_creates_nothing_and_changes_nothing(cloud):
    assert run_setup() == 0
    after_first = cloud.state()
    cloud.forget_calls()

    assert run_setup() == 0

    assert cloud.state() == after_first
    second = verbs(cloud.calls())
    assert not [verb for verb in second if verb.endswith(("create", "update", "set"))], second


def test_rerun_repairs_a_changed_variable_and_a_changed_credential(cloud, config):
    assert run_setup() == 0
    state = cloud.state()
    state["variables"][REPOSITORY]["BASE_NAME"] = "someoneelse"
    state["applications"][0]["credentials"][0]["subject"] = "repo:someone/else:pull_request"
    cloud.set_state(state)
    cloud.forget_calls()

    assert run_setup() == 0

    state = cloud.state()
    assert state["variables"][REPOSITORY]["BASE_NAME"] == config["variables"]["BASE_NAME"]
    assert {item["name"]: item["subject"] for item in state["applications"][0]["credentials"]} \
        == setup_script.federated_subjects(config, REPOSITORY)
    changes = [verb for verb in verbs(cloud.calls()) if verb.endswith(("create", "update", "set"))]
    assert changes == ["az ad app federated-credential update", "gh variable set"]


def test_rerun_deletes_a_credential_the_workflows_do_not_use(cloud, config):
    assert run_setup() == 0
    state = cloud.state()
    state["applications"][0]["credentials"].append(
        {"name": "any-branch", "issuer": setup_script.GITHUB_ISSUER,
         "subject": f"repo:{REPOSITORY}:ref:refs/heads/feature", "audiences": []})
    cloud.set_state(state)

    assert run_setup() == 0

    assert {item["name"]: item["subject"]
            for item in cloud.state()["applications"][0]["credentials"]} == \
        setup_script.federated_subjects(config, REPOSITORY)


def test_named_reviewers_guard_production(cloud, config):
    assert run_setup("--reviewer", "reviewer2") == 0

    environments = cloud.state()["environments"]
    for name in config["reviewed_environments"]:
        assert environments[name]["reviewers"] == [{"type": "User", "id": 77}]


def test_every_printed_command_is_a_call_and_the_other_way_round(cloud, capsys):
    assert run_setup() == 0

    printed = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("# ")]
    calls = cloud.calls()
    assert [shlex.split(line.split(" <<< ")[0]) for line in printed] == \
        [call["argv"] for call in calls]
    assert [shlex.split(line.split(" <<< ")[1])[0] if " <<< " in line else None
            for line in printed] == [call["stdin"] for call in calls]


@pytest.mark.parametrize("breakage, message", [
    ({"account": None}, "az login"),
    ({"github_user": None}, "gh auth login"),
])
def test_a_missing_sign_in_fails_with_one_line_before_any_change(cloud, capsys, breakage,
                                                                 message):
    cloud.set_state({**cloud.state(), **breakage})

    assert run_setup() == 1

    error = capsys.readouterr().err
    assert len(error.splitlines()) == 1 and message in error
    assert cloud.state()["resource_groups"] == {}, "changed something before failing"


def test_an_unknown_reviewer_fails_before_any_change(cloud, capsys):
    assert run_setup("--reviewer", "nobody-here") == 1

    assert "nobody-here" in capsys.readouterr().err
    assert cloud.state()["applications"] == []


def test_a_repository_that_is_not_on_github_fails_with_one_line(cloud, capsys):
    assert setup_script.main(["--repository", "https://dev.azure.com/org/_git/repo"]) == 1

    error = capsys.readouterr().err
    assert len(error.splitlines()) == 1 and "<owner>/<repo>" in error
    assert cloud.calls() == []


@pytest.mark.parametrize("tool", ["az", "gh"])
def test_without_a_cli_on_path_it_fails_with_one_line(cloud, tmp_path, monkeypatch, capsys,
                                                      tool):
    (tmp_path / "bin" / tool).unlink()

    assert run_setup() == 1

    error = capsys.readouterr().err
    assert len(error.splitlines()) == 1 and f"({tool}) is not on PATH" in error


def test_dry_run_calls_nothing_and_prints_every_create(monkeypatch, tmp_path, capsys, config):
    monkeypatch.setenv("PATH", str(tmp_path))

    assert run_setup("--dry-run") == 0

    printed = capsys.readouterr().out
    creates = [line for line in printed.splitlines() if " create " in line]
    assert len([line for line in creates if "federated-credential create" in line]) == \
        len(config["environments"]) + 2
    assert f"gh variable set BASE_NAME --body {config['variables']['BASE_NAME']}" in printed


@pytest.mark.parametrize("remote", [
    "https://github.com/contoso/repo.git", "git@github.com:contoso/repo.git",
    "ssh://git@github.com/contoso/repo", "https://github.com/contoso/repo/", "contoso/repo",
])
def test_github_remotes_become_owner_and_repository(remote):
    assert setup_script.github_repository(remote) == "contoso/repo"


@pytest.mark.parametrize("remote", ["https://dev.azure.com/org/_git/repo", "", "repo",
                                    "git@gitlab.com:contoso/repo.git"])
def test_other_remotes_are_not_github_repositories(remote):
    assert setup_script.github_repository(remote) is None
