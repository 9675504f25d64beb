"""The Azure DevOps set-up script against a stand-in ``az``: first run, re-run, drift and errors.

The Azure CLI and its azure-devops extension need the network to install, so the boundary is a
stand-in ``az`` executable (``STAND_IN_AZ``): it records every argv and answers from a JSON state
file the way the real commands do (lists, creates that refuse duplicates, updates). Everything
else (the configuration, command building, the runner, subprocess calls) is the real code.
"""
import json
import os
import shlex
import sys

import pytest

from environment_setup import azure_devops_setup as setup_script

REPOSITORY_URL = "https://github.com/contoso/my-mlops-repo"
SERVICE_PRINCIPAL_ID = "11111111-2222-3333-4444-555555555555"

STAND_IN_AZ = r'''
"""Stand-in for the Azure CLI with the azure-devops extension: records argv, answers from state."""
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
    print(json.dumps(value))
    sys.exit(0)


def fail(message):
    print(f"ERROR: {message}", file=sys.stderr)
    sys.exit(1)


def named(kind, name):
    return [item for item in state[kind] if item["name"] == name]


def by_id(kind, identifier):
    return next(item for item in state[kind] if str(item["id"]) == identifier)


if command == "extension show":
    if option["name"] not in state["extensions"]:
        fail(f"The extension {option['name']} is not installed.")
    answer({"name": option["name"], "version": "1.0.1"})
if command == "account show":
    if state["account"] is None:
        fail("Please run 'az login' to setup account.")
    answer(state["account"])
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
    group = by_id("variable_groups", option["id"])
    group["authorized"] = option["authorize"] == "true"
    answer(group)
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
    connection = by_id("service_connections", option["id"])
    connection["authorized"] = option["enable-for-all"] == "true"
    answer(connection)
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
'''

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the stand-in az is a POSIX script")


@pytest.fixture
def config():
    return setup_script.load_config()


@pytest.fixture
def azure(tmp_path, monkeypatch):
    """A PATH holding only the stand-in ``az``, an empty project's state, and its call log."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stand_in = bin_dir / "az"
    stand_in.write_text(f"#!{sys.executable}\n{STAND_IN_AZ}", encoding="utf-8")
    stand_in.chmod(0o755)
    state = {
        "extensions": ["azure-devops"],
        "account": {"id": "sub-id", "name": "Workshop subscription", "tenantId": "tenant-id"},
        "variable_groups": [],
        "service_connections": [{"id": "github-1", "name": "github-contoso", "type": "GitHub"}],
        "pipelines": [],
    }
    state_path, calls_path = tmp_path / "state.json", tmp_path / "calls.jsonl"
    state_path.write_text(json.dumps(state), encoding="utf-8")
    calls_path.write_text("", encoding="utf-8")
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("AZ_STAND_IN_STATE", str(state_path))
    monkeypatch.setenv("AZ_STAND_IN_CALLS", str(calls_path))
    monkeypatch.setenv(setup_script.SERVICE_PRINCIPAL_KEY_VARIABLE, "not-a-real-secret")

    class Azure:
        def state(self):
            return json.loads(state_path.read_text(encoding="utf-8"))

        def set_state(self, new_state):
            state_path.write_text(json.dumps(new_state), encoding="utf-8")

        def calls(self):
            return [json.loads(line) for line in calls_path.read_text().splitlines()]

        def forget_calls(self):
            calls_path.write_text("", encoding="utf-8")

    return Azure()


def run_setup(*extra):
    return setup_script.main(["--repository", REPOSITORY_URL, *extra])


def verbs(calls):
    """Each call as its command words, e.g. 'pipelines variable-group create'."""
    return [" ".join(call[:next(i for i, word in enumerate(call) if word.startswith("--"))])
            for call in calls]


def test_first_run_creates_everything_in_order(azure, config):
    assert run_setup("--service-principal-id", SERVICE_PRINCIPAL_ID) == 0

    state = azure.state()
    [group] = state["variable_groups"]
    assert group["name"] == config["variable_group"]["name"] and group["authorized"]
    assert {name: variable["value"] for name, variable in group["variables"].items()} == \
        config["variable_group"]["variables"]
    azure_rm = setup_script.find_by_name(state["service_connections"],
                                         config["service_connections"]["azure_resource_manager"])
    assert azure_rm["authorized"] and azure_rm["principal"] == SERVICE_PRINCIPAL_ID
    assert azure_rm["subscription"] == "sub-id"
    assert [(p["name"], p["yaml_path"], p["runs"]) for p in state["pipelines"]] == \
        [(p["name"], p["yaml_path"], 0) for p in config["pipelines"]]
    assert {(p["repository"], p["branch"], p["connection"]) for p in state["pipelines"]} == \
        {(REPOSITORY_URL, "main", "github-1")}

    creates = [verb for verb in verbs(azure.calls()) if verb.endswith("create")]
    assert creates == ["pipelines variable-group create", "devops service-endpoint azurerm create",
                       "pipelines create", "pipelines create", "pipelines create"]


def test_second_run_creates_nothing_and_changes_nothing(azure):
    assert run_setup("--service-principal-id", SERVICE_PRINCIPAL_ID) == 0
    after_first = azure.state()
    azure.forget_calls()

    assert run_setup("--service-principal-id", SERVICE_PRINCIPAL_ID) == 0

    assert azure.state() == after_first
    second = verbs(azure.calls())
    assert not [verb for verb in second if "create" in verb], second
    assert second.count("pipelines update") == 3


def test_rerun_repairs_a_changed_and_a_deleted_variable(azure, config):
    assert run_setup() == 0
    state = azure.state()
    variables = state["variable_groups"][0]["variables"]
    variables["BASE_NAME"]["value"] = "someoneelse"
    del variables["WORKSPACE_NAME"]
    azure.set_state(state)
    azure.forget_calls()

    assert run_setup() == 0

    [group] = azure.state()["variable_groups"]
    assert {name: variable["value"] for name, variable in group["variables"].items()} == \
        config["variable_group"]["variables"]
    variable_calls = [call for call in azure.calls()
                      if call[:3] == ["pipelines", "variable-group", "variable"]]
    assert sorted((call[3], call[call.index("--name") + 1]) for call in variable_calls) == \
        [("create", "WORKSPACE_NAME"), ("update", "BASE_NAME")]


def test_without_a_service_principal_the_connections_are_manual_steps(azure, config, capsys):
    assert run_setup() == 0

    printed = capsys.readouterr().out
    assert not [c for c in azure.state()["service_connections"] if c["type"] == "azurerm"]
    notes = [line for line in printed.splitlines() if line.startswith("# ")]
    assert any(config["service_connections"]["azure_resource_manager"] in line for line in notes)
    workspace = config["service_connections"]["workspace"]
    assert any("Machine Learning Workspace" in line and workspace["workspace_name"] in line
               and workspace["resource_group"] in line for line in notes)


def test_an_existing_workspace_connection_is_opened_to_all_pipelines(azure, config, capsys):
    state = azure.state()
    workspace_name = config["service_connections"]["workspace"]["name"]
    state["service_connections"].append(
        {"id": "aml-1", "name": workspace_name, "type": "azurerm", "authorized": False})
    azure.set_state(state)

    assert run_setup() == 0

    assert setup_script.find_by_name(azure.state()["service_connections"],
                                     workspace_name)["authorized"]
    assert "Machine Learning Workspace" not in capsys.readouterr().out


def test_every_printed_command_is_a_call_and_the_other_way_round(azure, capsys):
    assert run_setup() == 0

    printed = [shlex.split(line) for line in capsys.readouterr().out.splitlines()
               if not line.startswith("# ")]
    assert [argv[1:] for argv in printed] == azure.calls()


@pytest.mark.parametrize("breakage, message", [
    ({"extensions": []}, "az extension add --name azure-devops"),
    ({"account": None}, "az login"),
    ({"service_connections": []}, "GitHub service connection"),
])
def test_a_missing_prerequisite_fails_with_one_line(azure, capsys, breakage, message):
    azure.set_state({**azure.state(), **breakage})

    assert run_setup() == 1

    error = capsys.readouterr().err
    assert len(error.splitlines()) == 1 and message in error
    assert azure.state()["variable_groups"] == [], "changed Azure DevOps before failing"


def test_a_service_principal_without_its_secret_fails_before_any_call(azure, monkeypatch, capsys):
    monkeypatch.delenv(setup_script.SERVICE_PRINCIPAL_KEY_VARIABLE)

    assert run_setup("--service-principal-id", SERVICE_PRINCIPAL_ID) == 1

    assert capsys.readouterr().err.splitlines() == [
        f"ERROR: --service-principal-id needs the principal's secret in "
        f"{setup_script.SERVICE_PRINCIPAL_KEY_VARIABLE}"]
    assert azure.calls() == []


def test_a_repository_that_is_not_on_github_fails_with_one_line(azure, capsys):
    assert setup_script.main(["--repository", "https://dev.azure.com/org/_git/repo"]) == 1

    error = capsys.readouterr().err
    assert len(error.splitlines()) == 1 and "https://github.com/<owner>/<repo>" in error
    assert azure.state()["variable_groups"] == []


def test_without_az_on_path_it_fails_with_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))

    assert run_setup() == 1

    error = capsys.readouterr().err
    assert len(error.splitlines()) == 1 and "Azure CLI (az) is not on PATH" in error


def test_dry_run_prints_a_first_run_without_any_az(monkeypatch, tmp_path, capsys, config):
    monkeypatch.setenv("PATH", str(tmp_path))

    assert run_setup("--dry-run") == 0

    commands = [shlex.split(line) for line in capsys.readouterr().out.splitlines()
                if not line.startswith("# ")]
    created = [argv for argv in commands if "create" in argv[:4]]
    assert created[0] == setup_script.create_variable_group_command(config)
    assert [argv[argv.index("--yaml-path") + 1] for argv in created[1:]] == \
        [pipeline["yaml_path"] for pipeline in config["pipelines"]]
    assert all(argv[argv.index("--skip-first-run") + 1] == "true" for argv in created[1:])


@pytest.mark.parametrize("remote", [
    "https://github.com/contoso/repo.git", "git@github.com:contoso/repo.git",
    "ssh://git@github.com/contoso/repo", "https://github.com/contoso/repo/",
])
def test_github_remotes_become_the_repository_url(remote):
    assert setup_script.github_repository_url(remote) == "https://github.com/contoso/repo"


def test_a_non_github_remote_is_not_a_repository_url():
    assert setup_script.github_repository_url("https://dev.azure.com/org/_git/repo") is None
