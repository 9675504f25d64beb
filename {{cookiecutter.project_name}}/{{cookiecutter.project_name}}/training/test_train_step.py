"""The v2 training job, run as Azure ML runs it: ``python -m training.train_step`` in the
package folder, on real data, logging to a local MLflow store."""
import json
import os
import subprocess
import sys
from pathlib import Path

import joblib

from {{ cookiecutter.project_name }}.training.settings import MODEL_FILE_NAME

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def run_step(args, **env):
    """The job's command in a clean environment: only PATH, one thread and ``env``."""
    return subprocess.run([sys.executable, "-m", "training.train_step", *map(str, args)],
                          cwd=PACKAGE_DIR, capture_output=True, text=True, timeout=300,
                          env={"PATH": os.environ["PATH"], "OMP_NUM_THREADS": "1", **env})


def test_the_job_trains_writes_its_output_and_logs_to_mlflow(synthetic_csv, tmp_path,
                                                             local_mlflow):
    output = tmp_path / "model_output"
    completed = run_step(["--training_data", synthetic_csv, "--model_output", output],
                         MLFLOW_TRACKING_URI=local_mlflow.as_uri(),
                         MLFLOW_ALLOW_FILE_STORE="true")
    assert completed.returncode == 0, completed.stderr
    assert sorted(path.name for path in output.iterdir()) == sorted(
        [MODEL_FILE_NAME, "metrics.json", "roc_curve.png", "feature_importance.png"])
    auc = json.loads((output / "metrics.json").read_text(encoding="utf-8"))["auc"]
    assert 0.5 < auc <= 1.0
    assert joblib.load(output / MODEL_FILE_NAME).num_feature() == 57
    logged = {path.name for path in local_mlflow.rglob("*") if path.is_file()}
    assert {"auc", "learning_rate", "num_leaves", "roc_curve.png",
            "feature_importance.png"} <= logged


def test_bad_training_data_is_one_clear_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    completed = run_step(["--training_data", bad, "--model_output", tmp_path / "out"])
    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines()[-1].startswith(f"error: training data {bad}")
