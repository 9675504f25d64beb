"""The GitHub set-up script against the stand-in ``az`` and ``gh``: first run, re-run, drift,
every kind of repository and plan, errors.

The Azure CLI and the GitHub CLI need the network and an account, so the boundary is the tests'
stand-in (``ml_service/tests/stand_in_cli.py``) as both, with the plug-in ``github_stand_in.py``
beside this file: it records each call's arguments and standard input and answers from a state
the way the real commands do (lists, creates that refuse duplicates, updates, idempotent PUTs,
and GitHub's refusals). Everything else (the configuration, command building, the runner,
subprocess calls) is the real code.
"""
import itertools
import json
import re
import shlex
from pathlib import Path

import pytest

from environment_setup import github_setup as setup_script
from ml_service.tests.stand_in_cli import StandInCli

GITHUB = Path(__file__).with_name("github_stand_in.py")
REPOSITORY = "contoso/my-mlops-repo"
BY_IDS = "repo:contoso@123/my-mlops-repo@456"
BY_NAMES = "repo:contoso/my-mlops-repo"
# What GitHub's subject template answers for each kind of repository.
NEW_REPOSITORY = {"use_default": True, "use_immutable_subject": False,
                  "sub_claim_prefix": BY_IDS}
OLD_REPOSITORY = {"use_default": True, "use_immutable_subject": False,
                  "sub_claim_prefix": BY_NAMES}
# Built-in roles that only read (Azure built-in roles: Reader `*/read`; Storage Blob Data Reader
# reads blobs and lists containers).
READ_ONLY_BUILT_IN_ROLES = {"Reader", "Storage Blob Data Reader"}
PREVIEW_ACTIONS = {"Microsoft.Resources/deployments/whatIf/action",
                   "Microsoft.Resources/deployments/validate/action"}


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
    repository, and their calls."""
    cloud = StandInCli(tmp_path / "cloud", names=("az", "gh"), plugin=GITHUB, state=new_state())
    monkeypatch.setenv("PATH", str(cloud.bin))
    return cloud


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
