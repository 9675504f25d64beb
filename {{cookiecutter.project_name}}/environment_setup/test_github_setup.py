"""The GitHub set-up script against stand-in ``az`` and ``gh``: first run, re-run, drift, every
kind of repository and plan, errors.

The Azure CLI and the GitHub CLI need the network and an account, so the boundary is a pair of
stand-in executables (``STAND_IN``, one script answering as either): each records its argv and
standard input and answers from a JSON state file the way the real commands do (lists, creates
that refuse duplicates, updates, idempotent PUTs, and GitHub's refusals: ``gh api`` prints the
response body and "gh: <message> (HTTP <status>)"). Everything else (the configuration, command
building, the runner, subprocess calls) is the real code.
"""
import itertools
import json
import re
import shlex
import sys

import pytest

from environment_setup import github_setup as setup_script

REPOSITORY = "contoso/my-mlops-repo"
BY_IDS = "repo:contoso@123/my-mlops-repo@456"
BY_NAMES = "repo:contoso/my-mlops-repo"
# What GitHub's subject template answers for each kind of repository.
NEW_REPOSITORY = {"use_default": True, "use_immutable_subject": False,
                  "sub_claim_prefix": BY_IDS}
OLD_REPOSITORY = {"use_default": True, "use_immutable_subject": False,
                  "sub_claim_prefix": BY_NAMES}
REVIEWERS_REFUSED = ("Failed to create the environment protection rule. Please ensure the "
                     "billing plan supports the required reviewers protection rule.")
# Built-in roles that only read (Azure built-in roles: Reader `*/read`; Storage Blob Data Reader
# reads blobs and lists containers).
READ_ONLY_BUILT_IN_ROLES = {"Reader", "Storage Blob Data Reader"}
PREVIEW_ACTIONS = {"Microsoft.Resources/deployments/whatIf/action",
                   "Microsoft.Resources/deployments/validate/action"}

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


def refuse(status, message):
    """As gh api does: the response body on stdout, the message and status on stderr."""
    print(json.dumps({"message": message, "status": str(status)}))
    print(f"gh: {message} (HTTP {status})", file=sys.stderr)
    sys.exit(1)


if TOOL == "az" and state["account"] is None:
    fail("Please run 'az login' to setup account.")
if TOOL == "gh" and state["github_user"] is None:
    fail("To get started with GitHub CLI, please run:  gh auth login")
if command == "az account show":
    answer(state["account"])
if command == "az provider list":
    answer(state["registered_providers"])
if command == "az provider register":
    state["registered_providers"].append(option["namespace"])
    answer()
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
if command == "az role definition list":
    answer([role for role in state["role_definitions"] if role["roleName"] == option["name"]])
if command in ("az role definition create", "az role definition update"):
    wanted = json.loads(option["role-definition"])
    named = [role for role in state["role_definitions"] if role["roleName"] == wanted["Name"]]
    if (words[-1] == "create") == bool(named):
        fail(f"cannot {words[-1]} role {wanted['Name']}")
    role = {"roleName": wanted["Name"], "assignableScopes": wanted["AssignableScopes"],
            "permissions": [{"actions": wanted["Actions"], "dataActions": wanted["DataActions"]}]}
    state["role_definitions"] = [item for item in state["role_definitions"]
                                 if item["roleName"] != wanted["Name"]] + [role]
    answer(role)
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
    if len(app["credentials"]) == 20:
        fail("The number of federated identity credentials exceeds the limit of 20.")
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
        refuse(404, "Not Found")
    answer({"login": login, "id": state["github_users"][login]})
if command.startswith("gh api repos/") and words[-1].endswith("/actions/oidc/customization/sub"):
    template = state["subject_template"]
    answer(template) if template else refuse(404, "Not Found")
if command.startswith("gh api repos/") and words[-1].count("/") == 2:
    if words[-1].removeprefix("repos/") != state["repository"]["full_name"]:
        refuse(404, "Not Found")
    answer(state["repository"])
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
    body = json.loads(stdin)
    if state["plan"] == "free-private":
        refuse(404, "Not Found")
    if state["plan"] == "broken":
        refuse(422, "Validation Failed")
    if state["plan"] == "team-private" and body.get("reviewers"):
        refuse(422, REVIEWERS_REFUSED)
    previous = state["environments"].get(environment, {"branch_policies": []})
    state["environments"][environment] = {**body, "branch_policies": previous["branch_policies"]}
    answer({"name": environment})
fail(f"stand-in does not know: {command}")
'''.replace("REVIEWERS_REFUSED", repr(REVIEWERS_REFUSED))


@pytest.fixture
def config():
    return setup_script.load_config()


def new_state(**changes):
    """An empty subscription, and a new public repository of user contoso (ids 123 and 456)."""
    return {
        "account": {"id": "sub-id", "name": "Workshop subscription", "tenantId": "tenant-id"},
        "github_user": {"login": "octo", "id": 42}, "github_users": {"reviewer2": 77},
        "repository": {"full_name": REPOSITORY, "name": "my-mlops-repo", "id": 456,
                       "owner": {"login": "contoso", "id": 123}, "private": False},
        "subject_template": NEW_REPOSITORY, "plan": "public",
        "registered_providers": ["Microsoft.Resources"], "resource_groups": {},
        "storage_accounts": [], "containers": [], "role_definitions": [], "applications": [],
        "service_principals": [], "role_assignments": [], "variables": {}, "environments": {},
        **changes,
    }


@pytest.fixture
def cloud(tmp_path, monkeypatch):
    """A PATH holding only the stand-in ``az`` and ``gh``, an empty subscription, a new
    repository, and the call log."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("az", "gh"):
        stand_in = bin_dir / tool
        stand_in.write_text(f"#!{sys.executable}\n{STAND_IN}", encoding="utf-8")
        stand_in.chmod(0o755)
    state_path, calls_path = tmp_path / "state.json", tmp_path / "calls.jsonl"
    state_path.write_text(json.dumps(new_state()), encoding="utf-8")
    calls_path.write_text("", encoding="utf-8")
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("STAND_IN_STATE", str(state_path))
    monkeypatch.setenv("STAND_IN_CALLS", str(calls_path))

    class Cloud:
        bin = bin_dir

        def state(self):
            return json.loads(state_path.read_text(encoding="utf-8"))

        def set_state(self, new_state):
            state_path.write_text(json.dumps(new_state), encoding="utf-8")

        def change(self, **changes):
            self.set_state({**self.state(), **changes})

        def calls(self):
            return [json.loads(line) for line in calls_path.read_text().splitlines()]

        def forget_calls(self):
            calls_path.write_text("", encoding="utf-8")

    return Cloud()


def run_setup(*extra):
    return setup_script.main(["--repository", REPOSITORY, *extra])


def with_config(tmp_path, config, **changes):
    """``--config`` of a copy of github.json with ``changes``."""
    path = tmp_path / "github.json"
    path.write_text(json.dumps({**config, **changes}), encoding="utf-8")
    return ["--config", str(path)]


def verbs(calls):
    """Each call as its command words, e.g. 'az ad app create' (names and options left out)."""
    return [" ".join(itertools.takewhile(lambda word: re.fullmatch("[a-z][a-z-]*", word),
                                         call["argv"])) for call in calls]


def changes_in(calls):
    return [verb for verb in verbs(calls)
            if verb.endswith(("create", "update", "set", "delete", "register"))]


def application(state, config, index):
    name = config["identities"][index]["application"]
    return next(app for app in state["applications"] if app["displayName"] == name)


def trusted(app):
    return {item["name"]: item["subject"] for item in app["credentials"]}


def expected_subjects(config, index, prefixes):
    return {f"{prefix}:{context}" for context in config["identities"][index]["subjects"]
            for prefix in prefixes}


def scope(config, name):
    group = f"/subscriptions/sub-id/resourceGroups/{config['resource_group']}"
    if name == "resource_group":
        return group
    state = config["terraform_state"]
    return (f"{group}/providers/Microsoft.Storage/storageAccounts/{state['storage_account']}"
            f"/blobServices/default/containers/{state['container']}")


def test_first_run_sets_up_everything(cloud, config):
    assert run_setup() == 0

    state = cloud.state()
    assert state["resource_groups"] == {config["resource_group"]: config["location"]}
    apps = [application(state, config, index) for index in range(len(config["identities"]))]
    for index, (identity, app) in enumerate(zip(config["identities"], apps)):
        assert set(trusted(app).values()) == expected_subjects(config, index, [BY_IDS])
        assert {item["issuer"] for item in app["credentials"]} == {setup_script.GITHUB_ISSUER}
        assert sorted((item["role"], item["scope"]) for item in state["role_assignments"]
                      if item["appId"] == app["appId"]) == sorted(
            (role["role"], scope(config, role["scope"])) for role in identity["roles"])
    assert state["variables"][REPOSITORY] == {
        **{identity["client_id_variable"]: app["appId"]
           for identity, app in zip(config["identities"], apps)},
        "AZURE_TENANT_ID": "tenant-id", "AZURE_SUBSCRIPTION_ID": "sub-id", **config["variables"]}
    assert sorted(state["environments"]) == sorted(config["environments"])
    for name, environment in state["environments"].items():
        assert environment["branch_policies"] == [{"name": "main", "type": "branch"}]
        reviewed = name in config["reviewed_environments"]
        assert environment.get("reviewers") == ([{"type": "User", "id": 42}] if reviewed
                                                else None)
    assert [role["roleName"] for role in state["role_definitions"]] == [
        role["name"] for role in config.get("custom_roles", [])]
    if "terraform_state" in config:
        storage = config["terraform_state"]
        assert [item["name"] for item in state["storage_accounts"]] == [storage["storage_account"]]
        assert state["containers"] == [f"{storage['storage_account']}/{storage['container']}"]


@pytest.mark.parametrize("template, prefixes", [
    (NEW_REPOSITORY, [BY_IDS]),
    (OLD_REPOSITORY, [BY_NAMES]),
    (None, [BY_IDS, BY_NAMES]),  # the template cannot be read: both forms
    ({"use_default": True}, [BY_IDS, BY_NAMES]),  # GitHub does not say which it sends
], ids=["new-repository", "older-repository", "no-template", "template-without-prefix"])
def test_each_kind_of_repository_gets_the_subjects_github_sends(cloud, config, capsys,
                                                                template, prefixes):
    cloud.change(subject_template=template)

    assert run_setup() == 0

    state = cloud.state()
    for index in range(len(config["identities"])):
        assert set(trusted(application(state, config, index)).values()) == \
            expected_subjects(config, index, prefixes)
    opt_in_advice = "opting in to immutable" in capsys.readouterr().out
    assert opt_in_advice == (prefixes == [BY_NAMES])


def test_a_customised_subject_template_fails_before_any_change(cloud, capsys):
    cloud.change(subject_template={"use_default": False,
                                   "include_claim_keys": ["repo", "context", "job_workflow_ref"]})

    assert run_setup() == 1

    error = capsys.readouterr().err
    assert len(error.splitlines()) == 1
    assert "repo, context, job_workflow_ref" in error and "use_default=true" in error
    assert changes_in(cloud.calls()) == []


def test_second_run_creates_nothing_and_changes_nothing(cloud):
    assert run_setup() == 0
    after_first = cloud.state()
    cloud.forget_calls()

    assert run_setup() == 0

    assert cloud.state() == after_first
    assert changes_in(cloud.calls()) == []


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
    assert set(trusted(application(state, config, 0)).values()) == \
        expected_subjects(config, 0, [BY_IDS])
    assert changes_in(cloud.calls()) == ["az ad app federated-credential update",
                                         "gh variable set"]


def test_rerun_replaces_stale_subjects(cloud, config):
    """Credentials of an earlier set-up (name-only, other names) and of an older form go; the
    repository was renamed into the immutable form since."""
    cloud.change(subject_template=OLD_REPOSITORY)
    assert run_setup() == 0
    state = cloud.state()
    state["applications"][0]["credentials"].append(
        {"name": "any-branch", "issuer": setup_script.GITHUB_ISSUER,
         "subject": f"repo:{REPOSITORY}:ref:refs/heads/feature", "audiences": []})
    state["subject_template"] = NEW_REPOSITORY
    cloud.set_state(state)

    assert run_setup() == 0

    state = cloud.state()
    for index in range(len(config["identities"])):
        assert set(trusted(application(state, config, index)).values()) == \
            expected_subjects(config, index, [BY_IDS])


def test_credentials_are_counted_against_the_limit_before_any_change(cloud, tmp_path, config,
                                                                     capsys):
    many = [{**config["identities"][0],
             "subjects": [f"environment:e{number}" for number in range(11)]}]
    cloud.change(subject_template=None)  # both forms: 22 credentials

    assert run_setup(*with_config(tmp_path, config, identities=many)) == 1

    assert "22 federated credentials; Entra ID allows 20" in capsys.readouterr().err
    assert changes_in(cloud.calls()) == []


@pytest.mark.parametrize("plan, missing", [
    ("free-private", "GitHub refused environments (gh api failed: Not Found (HTTP 404))"),
    ("team-private", "has no required reviewers"),
])
def test_a_plan_without_environments_or_reviewers_still_finishes(cloud, config, capsys, plan,
                                                                 missing):
    cloud.change(plan=plan)

    assert run_setup() == 0

    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if line.startswith("# Not protected: ")]
    assert missing in line
    state = cloud.state()
    assert set(state["variables"][REPOSITORY]) == set(
        setup_script.repository_variable_names(config))
    if plan == "free-private":
        assert state["environments"] == {}
    else:
        # Every environment, main only, none reviewed: what the plan allows.
        assert sorted(state["environments"]) == sorted(config["environments"])
        for environment in state["environments"].values():
            assert environment["branch_policies"] == [{"name": "main", "type": "branch"}]
            assert "reviewers" not in environment
        assert ", ".join(config["reviewed_environments"]) in line


def test_another_refusal_of_an_environment_stops_with_one_line(cloud, capsys):
    """Only the plan's refusals are expected; any other is an error to fix."""
    cloud.change(plan="broken")

    assert run_setup() == 1

    assert capsys.readouterr().err.splitlines() == [
        "ERROR: gh api failed: Validation Failed (HTTP 422)"]


def test_missing_resource_providers_are_registered(cloud, tmp_path, config):
    providers = ["Microsoft.Resources", "Microsoft.MachineLearningServices", "Microsoft.Storage"]

    assert run_setup(*with_config(tmp_path, config, resource_providers=providers)) == 0

    registered = [call["argv"] for call in cloud.calls() if call["argv"][1:3] == ["provider",
                                                                                  "register"]]
    assert registered == [["az", "provider", "register", "--namespace", namespace, "--wait"]
                          for namespace in providers[1:]]
    cloud.forget_calls()
    assert run_setup(*with_config(tmp_path, config, resource_providers=providers)) == 0
    assert changes_in(cloud.calls()) == []


WHAT_IF_ROLE = {"name": "team what-if", "description": "reads and previews",
                "actions": ["*/read", "Microsoft.Resources/deployments/whatIf/action"]}


def test_a_custom_role_is_created_then_corrected(cloud, tmp_path, config):
    options = with_config(tmp_path, config, custom_roles=[WHAT_IF_ROLE])
    assert run_setup(*options) == 0
    state = cloud.state()
    [role] = state["role_definitions"]
    role["permissions"][0]["actions"].append("Microsoft.Resources/deployments/write")
    cloud.set_state(state)
    cloud.forget_calls()

    assert run_setup(*options) == 0

    assert changes_in(cloud.calls()) == ["az role definition update"]
    [role] = cloud.state()["role_definitions"]
    assert role["permissions"][0]["actions"] == WHAT_IF_ROLE["actions"]
    assert role["assignableScopes"] == [scope(config, "resource_group")]


def test_the_pull_request_identity_cannot_change_azure(cloud):
    """Every role of the identity that trusts pull requests only reads: a built-in read role, or
    a custom role of reads, what-if and validation."""
    assert run_setup() == 0

    state = cloud.state()
    [holder] = [app for app in state["applications"]
                if f"{BY_IDS}:pull_request" in trusted(app).values()]
    custom = {role["roleName"]: role["permissions"][0] for role in state["role_definitions"]}
    held = [item["role"] for item in state["role_assignments"] if item["appId"] == holder["appId"]]
    assert held
    for role in held:
        if role in custom:
            actions = custom[role]["actions"] + custom[role]["dataActions"]
            assert [action for action in actions if not action.endswith("/read")
                    and action not in PREVIEW_ACTIONS] == [], role
        else:
            assert role in READ_ONLY_BUILT_IN_ROLES


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
    ({"repository": {"full_name": "someone/else"}}, "check --repository"),
])
def test_a_missing_sign_in_or_repository_fails_with_one_line_before_any_change(
        cloud, capsys, breakage, message):
    cloud.change(**breakage)

    assert run_setup() == 1

    error = capsys.readouterr().err
    assert len(error.splitlines()) == 1 and message in error
    assert changes_in(cloud.calls()) == []


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
def test_without_a_cli_on_path_it_fails_with_one_line(cloud, monkeypatch, capsys, tool):
    (cloud.bin / tool).unlink()

    assert run_setup() == 1

    error = capsys.readouterr().err
    assert len(error.splitlines()) == 1 and f"({tool}) is not on PATH" in error


def test_dry_run_calls_nothing_and_prints_every_create(monkeypatch, tmp_path, capsys, config):
    monkeypatch.setenv("PATH", str(tmp_path))

    assert run_setup("--dry-run") == 0

    printed = capsys.readouterr().out
    credentials = [line for line in printed.splitlines() if "federated-credential create" in line]
    # Without gh, the ids are unknown: both forms of every subject, with placeholders.
    assert len(credentials) == 2 * sum(len(item["subjects"]) for item in config["identities"])
    assert "repo:contoso@<owner-id>/my-mlops-repo@<repo-id>:pull_request" in printed
    assert f"gh variable set BASE_NAME --body {config['variables']['BASE_NAME']}" in printed


def test_dry_run_reads_the_repository_from_github_and_changes_nothing(cloud, capsys, config):
    (cloud.bin / "az").unlink()

    assert run_setup("--dry-run") == 0

    assert [call["argv"][2] for call in cloud.calls()] == [
        f"repos/{REPOSITORY}", f"repos/{REPOSITORY}/actions/oidc/customization/sub"]
    subjects = {json.loads(shlex.split(line)[-3])["subject"]
                for line in capsys.readouterr().out.splitlines()
                if "federated-credential create" in line}
    assert subjects == {f"{BY_IDS}:{context}" for identity in config["identities"]
                        for context in identity["subjects"]}
    assert cloud.state() == new_state()


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
