"""train_aml.py as Azure ML runs it: a script, with the package folder on the Python path.

With no Azure ML run around it, ``Run.get_context()`` gives a real offline run, so these tests
run the step for real on a local CSV.
"""
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import joblib
import pytest

from {{ cookiecutter.project_name }}.training.settings import load_parameters

PACKAGE_DIR = Path(__file__).resolve().parents[1]
SCRIPT = PACKAGE_DIR / "training" / "train_aml.py"
MODEL_NAME = "test_model.pkl"


@pytest.fixture
def train_aml(monkeypatch):
    """The step module, imported the way Azure ML's Python path allows."""
    monkeypatch.syspath_prepend(str(PACKAGE_DIR))
    return importlib.import_module("training.train_aml")


def run_step(arguments, cwd):
    environment = {**os.environ, "PYTHONPATH": str(PACKAGE_DIR), "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, str(SCRIPT), *arguments], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_offline_step_trains_logs_and_hands_the_model_on(tmp_path, synthetic_csv):
    completed = run_step(["--model_name", MODEL_NAME, "--step_output", "step_output",
                          "--data_file_path", str(synthetic_csv), "--dataset_name", "unused",
                          "--caller_run_id", "caller-1"], tmp_path)
    assert completed.returncode == 0, completed.stderr
    for folder in ("outputs", "step_output"):
        model = joblib.load(tmp_path / folder / MODEL_NAME)
        assert model.num_feature() == 57
    auc = json.loads((tmp_path / "step_output" / "metrics.json").read_text())["auc"]
    assert auc > 0.6
    assert {path.name for path in (tmp_path / "outputs").iterdir()} == {
        MODEL_NAME, "metrics.json", "roc_curve.png", "feature_importance.png"}
    # The offline run prints what it would have logged to Azure ML.
    assert f"Attempted to log scalar metric auc:\n{auc}" in completed.stdout
    # ... and the numeric settings of parameters.json it trained with, whatever their values.
    parameters = load_parameters()
    for name, value in {**parameters["training"], **parameters["rounds"]}.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            assert f"Attempted to log scalar metric {name}:\n{value}" in completed.stdout
    assert "Attempted to log image metric ROC curve" in completed.stdout
    assert "Attempted to add tag caller_run_id with value caller-1" in completed.stdout


def test_offline_step_without_a_csv_says_so(train_aml, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        train_aml.main(["--step_output", str(tmp_path / "step_output")])
    assert exit_info.value.code == ("error: training data: an offline run needs "
                                    "--data_file_path, a local CSV file")
    assert not (tmp_path / "step_output").exists()


def test_offline_step_rejects_a_wrong_csv(train_aml, tmp_path, synthetic_frame):
    csv = tmp_path / "wrong.csv"
    synthetic_frame.drop(columns=["id"]).head(20).to_csv(csv, index=False)
    with pytest.raises(SystemExit) as exit_info:
        train_aml.main(["--step_output", str(tmp_path / "out"), "--data_file_path", str(csv)])
    assert "missing columns: id" in exit_info.value.code


@pytest.mark.parametrize("arguments, message", [
    (["--data_file_path", "new/data.csv"], "no --dataset_name given"),
    (["--dataset_name", "ds", "--data_file_path", "new/data.csv"], "needs DATASTORE_NAME"),
])
def test_an_online_run_needs_a_dataset_and_a_datastore(train_aml, monkeypatch, arguments,
                                                       message):
    monkeypatch.delenv("DATASTORE_NAME", raising=False)
    online_run = RecordingRun()
    online_run.id = "train_step_run_1"
    args = train_aml.parse_args(["--step_output", "out", *arguments])
    with pytest.raises(train_aml.InvalidTrainingData, match=message):
        train_aml.load_frame(online_run, args)


class RecordingRun:
    """Stands in for an Azure ML run at the one point these tests need: what gets logged."""

    def __init__(self, parent=None):
        self.logged = {}
        if parent is not None:
            self.parent = parent

    def log(self, name, value):
        self.logged[name] = value


def test_values_go_to_the_pipeline_run_too_when_there_is_one(train_aml):
    parent = RecordingRun()
    step = RecordingRun(parent=parent)
    train_aml.log_to_run_and_parent(step, {"auc": 0.61, "num_leaves": 60})
    assert step.logged == parent.logged == {"auc": 0.61, "num_leaves": 60}


def test_a_run_without_a_parent_logs_only_to_itself(train_aml):
    step = RecordingRun()
    train_aml.log_to_run_and_parent(step, {"auc": 0.61})
    assert step.logged == {"auc": 0.61}
    assert train_aml.parent_of(step) is None
