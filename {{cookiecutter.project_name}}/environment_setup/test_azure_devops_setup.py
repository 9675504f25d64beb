"""The Azure DevOps set-up script against the stand-in ``az``: first run, re-run, drift, errors.

The Azure CLI and its azure-devops extension need the network to install, so the boundary is the
tests' stand-in ``az`` (``ml_service/tests/stand_in_cli.py``) with its Azure DevOps plug-in
(``az_stand_in.py`` beside this file): it records every call and answers from a state the way
the real commands do (lists, creates that refuse duplicates, updates). Everything else (the
configuration, command building, the runner, subprocess calls) is the real code.
"""
import json
import os
import shlex
from pathlib import Path

import pytest

from environment_setup import azure_devops_setup as setup_script
from ml_service.tests.stand_in_cli import StandInCli

REPOSITORY_URL = "https://github.com/contoso/my-mlops-repo"
SERVICE_PRINCIPAL_ID = "11111111-2222-3333-4444-555555555555"
AZURE_DEVOPS = Path(__file__).with_name("az_stand_in.py")
DEFAULT_ORGANIZATION = "https://dev.azure.com/contoso"


pytestmark = pytest.mark.skipif(os.name == "nt", reason="the stand-in az is a POSIX script")


@pytest.fixture
def config():
    return setup_script.load_config()


@pytest.fixture
def azure(tmp_path, monkeypatch):
    """A PATH holding only the stand-in ``az``, with an empty project, and its calls."""
    state = {
        "extensions": ["azure-devops"],
        "account": {"id": "sub-id", "name": "Workshop subscription", "tenantId": "tenant-id"},
        # A fresh subscription: few providers registered.
        "providers": {"Microsoft.Storage": "Registered", "Microsoft.KeyVault": "Registering"},
        # As after 'az devops configure --defaults organization=...'.
        "devops_defaults": {"organization": DEFAULT_ORGANIZATION},
        "variable_groups": [],
        "service_connections": [{"id": "github-1", "name": "github-contoso", "type": "GitHub"}],
        "pipelines": [],
    }
    azure = StandInCli(tmp_path / "az", plugin=AZURE_DEVOPS, state=state)
    monkeypatch.setenv("PATH", str(azure.bin))
    monkeypatch.setenv(setup_script.SERVICE_PRINCIPAL_KEY_VARIABLE, "not-a-real-secret")
    return azure


def az_calls(azure):
    """The arguments of each az call so far (without ``az``)."""
    return [call["argv"][1:] for call in azure.calls()]


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

    creates = [verb for verb in verbs(az_calls(azure)) if verb.endswith("create")]
    assert creates == ["pipelines variable-group create", "devops service-endpoint azurerm create",
                       "pipelines create", "pipelines create", "pipelines create"]


def test_second_run_creates_nothing_and_changes_nothing(azure):
    assert run_setup("--service-principal-id", SERVICE_PRINCIPAL_ID) == 0
    after_first = azure.state()
    azure.forget_calls()

    assert run_setup("--service-principal-id", SERVICE_PRINCIPAL_ID) == 0

    assert azure.state() == after_first
    second = verbs(az_calls(azure))
    assert not [verb for verb in second if "create" in verb], second
    assert second.count("pipelines update") == 3


def test_the_resource_providers_are_registered_once_and_first(azure, config):
    assert run_setup() == 0

    assert azure.state()["providers"] == dict.fromkeys(config["resource_providers"],
                                                       "Registered")
    calls = az_calls(azure)
    registered = [call[call.index("--namespace") + 1] for call in calls
                  if call[:2] == ["provider", "register"]]
    # Only those not registered yet (one still registering is waited for), in the file's order.
    assert registered == [namespace for namespace in config["resource_providers"]
                          if namespace != "Microsoft.Storage"]
    assert all("--wait" in call for call in calls if call[:2] == ["provider", "register"])
    first_devops_call = next(index for index, call in enumerate(calls)
                             if call[0] in ("devops", "pipelines"))
    assert max(index for index, call in enumerate(calls) if call[0] == "provider") < \
        first_devops_call
    azure.forget_calls()

    assert run_setup() == 0

    assert not [call for call in az_calls(azure) if call[:2] == ["provider", "register"]]


def test_a_provider_that_may_not_be_registered_fails_with_one_line(azure, config, capsys):
    namespace = config["resource_providers"][0]
    azure.set_state({**azure.state(), "refused_providers": [namespace]})

    assert run_setup() == 1

    [error] = capsys.readouterr().err.splitlines()
    assert "AuthorizationFailed" in error
    assert f"'az provider register --namespace {namespace} --wait'" in error
    assert azure.state()["variable_groups"] == [], "changed Azure DevOps before failing"


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
    variable_calls = [call for call in az_calls(azure)
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
    assert [argv[1:] for argv in printed] == az_calls(azure)


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
    assert az_calls(azure) == []


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
    assert created[0] == setup_script.create_variable_group_command(
        {**config, "organization": setup_script.ORGANIZATION_PLACEHOLDER})
    assert [argv[argv.index("--yaml-path") + 1] for argv in created[1:]] == \
        [pipeline["yaml_path"] for pipeline in config["pipelines"]]
    assert all(argv[argv.index("--skip-first-run") + 1] == "true" for argv in created[1:])


def organizations_used(calls):
    return {call[call.index("--organization") + 1] for call in calls if "--organization" in call}


@pytest.mark.parametrize("option, in_file, expected", [
    (["--organization", "https://dev.azure.com/given"], "https://dev.azure.com/in-file",
     "https://dev.azure.com/given"),
    ([], "https://dev.azure.com/in-file", "https://dev.azure.com/in-file"),
    ([], "", DEFAULT_ORGANIZATION),
])
def test_the_organization_is_the_option_the_file_or_azs_default(
        azure, config, tmp_path, option, in_file, expected):
    config_file = tmp_path / "azure-devops.json"
    config_file.write_text(json.dumps({**config, "organization": in_file}), encoding="utf-8")

    assert run_setup("--config", str(config_file), *option) == 0

    assert organizations_used(az_calls(azure)) == {expected}


def test_without_an_organization_anywhere_it_fails_with_one_line(azure, config, tmp_path, capsys):
    azure.set_state({**azure.state(), "devops_defaults": {}})
    config_file = tmp_path / "azure-devops.json"
    config_file.write_text(json.dumps({**config, "organization": ""}), encoding="utf-8")

    assert run_setup("--config", str(config_file)) == 1

    [error] = capsys.readouterr().err.splitlines()
    assert error.startswith("ERROR: no Azure DevOps organization: pass --organization ")
    assert azure.state()["variable_groups"] == []


@pytest.mark.parametrize("remote", [
    "https://github.com/contoso/repo.git", "git@github.com:contoso/repo.git",
    "ssh://git@github.com/contoso/repo", "https://github.com/contoso/repo/",
])
def test_github_remotes_become_the_repository_url(remote):
    assert setup_script.github_repository_url(remote) == "https://github.com/contoso/repo"


def test_a_non_github_remote_is_not_a_repository_url():
    assert setup_script.github_repository_url("https://dev.azure.com/org/_git/repo") is None
