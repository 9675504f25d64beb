"""The v2 evaluation job with the registry cut at ``register.registry``: the decision it writes."""
import json
from unittest import mock

import pytest

from evaluate import evaluate_step
from evaluate.decision import read_decision
from register.registry import RegistryError


@pytest.fixture
def model_input(tmp_path):
    folder = tmp_path / "model_output"
    folder.mkdir()
    (folder / "metrics.json").write_text(json.dumps({"auc": 0.63}), encoding="utf-8")
    return folder


@pytest.mark.parametrize("production_auc, registered",
                         [(0.62, True), (0.63, False), (0.70, False), (None, True)])
def test_the_decision_compares_with_production_at_run_time(model_input, tmp_path, local_mlflow,
                                                           production_auc, registered):
    with mock.patch.object(evaluate_step, "ml_client", return_value="client"), \
            mock.patch.object(evaluate_step, "production_metric",
                              return_value=production_auc) as production:
        evaluate_step.main(["--model_input", str(model_input), "--model_name", "m.pkl",
                            "--decision_output", str(tmp_path / "decision")])
    production.assert_called_once_with("client", "m.pkl", "auc")
    assert read_decision(tmp_path / "decision")["register"] is registered


def test_with_evaluation_off_the_registry_is_not_asked(model_input, tmp_path, local_mlflow):
    with mock.patch.object(evaluate_step, "ml_client") as client:
        evaluate_step.main(["--model_input", str(model_input), "--run_evaluation", "false",
                            "--decision_output", str(tmp_path / "decision")])
    assert not client.called
    assert read_decision(tmp_path / "decision")["register"] is True


def test_outside_azure_ml_the_job_stops_at_its_first_call_to_azure(model_input, tmp_path,
                                                                   monkeypatch):
    for name in ("AZUREML_ARM_SUBSCRIPTION", "AZUREML_ARM_RESOURCEGROUP",
                 "AZUREML_ARM_WORKSPACE_NAME"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RegistryError, match="AZUREML_ARM_SUBSCRIPTION"):
        evaluate_step.main(["--model_input", str(model_input),
                            "--decision_output", str(tmp_path / "decision")])


def test_training_without_the_metric_is_one_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="no 'auc' in the training job's metrics.json"):
        evaluate_step.main(["--model_input", str(tmp_path), "--decision_output", str(tmp_path)])
