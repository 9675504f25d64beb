"""Fixtures shared by the project's tests: small synthetic data and a tiny, real trained model."""
import json

import joblib
import pytest

from {{ cookiecutter.project_name }}.training.synthetic_data import make_synthetic_frame
from {{ cookiecutter.project_name }}.training.settings import MODEL_FILE_NAME, load_parameters
from {{ cookiecutter.project_name }}.training.train import split_data, train_model

# Tests share small CI agents (one thread avoids OpenMP contention), and LightGBM warns a lot
# about tiny data sets that a real run never sees.
TEST_LIGHTGBM_SETTINGS = {"num_threads": 1, "verbose": -1}


@pytest.fixture(scope="session")
def parameters():
    """parameters.json with the test settings added to its LightGBM parameters."""
    parameters = load_parameters()
    parameters["training"] = {**parameters["training"], **TEST_LIGHTGBM_SETTINGS}
    return parameters


@pytest.fixture(scope="session")
def parameters_file(tmp_path_factory, parameters):
    path = tmp_path_factory.mktemp("parameters") / "parameters.json"
    path.write_text(json.dumps(parameters), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def synthetic_frame():
    """3,000 synthetic rows, with more positives than the real data so that tests learn fast."""
    return make_synthetic_frame(3000, seed=7, positive_rate=0.2)


@pytest.fixture(scope="session")
def synthetic_csv(tmp_path_factory, synthetic_frame):
    path = tmp_path_factory.mktemp("data") / "synthetic.csv"
    synthetic_frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def trained_model(synthetic_frame, parameters):
    """A real LightGBM booster trained on the synthetic rows, in a few rounds."""
    return train_model(split_data(synthetic_frame), parameters["training"],
                       max_rounds=30, early_stopping_rounds=10)


@pytest.fixture
def model_dir(tmp_path, trained_model):
    """A folder holding the trained model as the training step saves it."""
    joblib.dump(trained_model, tmp_path / MODEL_FILE_NAME)
    return tmp_path


@pytest.fixture
def local_mlflow(tmp_path, monkeypatch):
    """MLflow logging to a folder, as the Azure ML jobs' scripts log outside Azure ML.

    MLflow 3 defaults to a SQLite store (SQLAlchemy is not installed) and refuses a file store
    unless told: both variables are needed.
    """
    store = tmp_path / "mlruns"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store.as_uri())
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    return store
