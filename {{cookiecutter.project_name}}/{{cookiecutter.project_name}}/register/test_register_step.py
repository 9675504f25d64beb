"""The v2 registration job with the registry cut at ``register.registry``."""
import json
from types import SimpleNamespace
from unittest import mock

import pytest

from evaluate.decision import decide, write_decision
from register import register_step, registry


@pytest.fixture
def model_input(tmp_path):
    folder = tmp_path / "model_output"
    folder.mkdir()
    (folder / "m.pkl").write_bytes(b"model")
    (folder / "metrics.json").write_text(json.dumps({"auc": 0.63}), encoding="utf-8")
    return folder


def run_step(model_input, decision_folder, *extra):
    registered = SimpleNamespace(name="m.pkl", version="3")
    with mock.patch.object(register_step, "ml_client", return_value="client"), \
            mock.patch.object(register_step, "register_model",
                              return_value=registered) as register:
        register_step.main(["--model_input", str(model_input), "--decision_input",
                            str(decision_folder), "--model_name", "m.pkl", *extra])
    return register


def test_a_better_model_is_registered_with_its_tags(model_input, tmp_path, local_mlflow):
    write_decision(decide("auc", 0.63, 0.62), tmp_path / "decision")
    register = run_step(model_input, tmp_path / "decision", "--build_id", "42",
                        "--build_uri", "https://dev.azure.com/x/42")
    client, name, model_file, tags, description = register.call_args.args
    assert (client, name, model_file) == ("client", "m.pkl", model_input / "m.pkl")
    assert tags["auc"] == "0.63" and tags["BuildId"] == "42" and tags["run_id"]
    assert tags["area"] == "{{ cookiecutter.project_name }}"
    assert "better than" in description


def test_a_model_that_is_not_better_is_not_registered(model_input, tmp_path, capsys):
    write_decision(decide("auc", 0.60, 0.62), tmp_path / "decision")
    assert not run_step(model_input, tmp_path / "decision").called
    assert capsys.readouterr().out.startswith("Not registered: New model auc 0.6000")


def test_a_job_started_by_hand_has_no_build_tags(model_input, tmp_path, local_mlflow):
    write_decision(decide("auc", 0.63, None), tmp_path / "decision")
    tags = run_step(model_input, tmp_path / "decision").call_args.args[3]
    assert "BuildId" not in tags and "BuildUri" not in tags


def test_no_decision_is_one_clear_error(model_input, tmp_path):
    with pytest.raises(SystemExit, match="error: no readable decision.json"):
        run_step(model_input, tmp_path / "nowhere")


def test_production_is_the_newest_version_with_the_metric():
    def version(number, **tags):
        return SimpleNamespace(version=str(number), tags=tags)
    client = mock.Mock()
    client.models.list.return_value = [version(1, auc="0.6"), version(10, BuildId="7"),
                                       version(2, auc="0.61")]
    assert registry.production_metric(client, "m.pkl", "auc") == 0.61
    client.models.list.return_value = []
    assert registry.production_metric(client, "m.pkl", "auc") is None


def test_the_client_is_made_only_inside_an_azure_ml_job():
    with pytest.raises(registry.RegistryError, match="AZUREML_ARM_SUBSCRIPTION"):
        registry.ml_client({})
    client = registry.ml_client({"AZUREML_ARM_SUBSCRIPTION": "00000000-0000-0000-0000-000000000000",
                                 "AZUREML_ARM_RESOURCEGROUP": "rg",
                                 "AZUREML_ARM_WORKSPACE_NAME": "ws"})
    assert client.workspace_name == "ws"
