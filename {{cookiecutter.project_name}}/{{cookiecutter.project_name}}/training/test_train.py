import json
import struct

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.project_name }}.training import train
from {{ cookiecutter.project_name }}.training.train import (
    get_model_metrics, split_data, train_from_frame, train_model)


class ConstantModel:
    def predict(self, data):
        return np.zeros(len(data))


def two_row_validation_set():
    return train.lightgbm.Dataset(pd.DataFrame({"x": [1, 2]}), label=[0, 1], free_raw_data=False)


def png_size(path):
    """(width, height) of a PNG file, read from its header; fails if it is not a PNG."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_parameters_json_has_what_each_step_reads(parameters):
    # Structure only: the values are the team's to tune (the README invites it).
    assert isinstance(parameters["training"], dict) and parameters["training"]
    rounds = parameters["rounds"]
    assert set(rounds) <= {"max_rounds", "early_stopping_rounds"}
    assert all(isinstance(value, int) and value > 0 for value in rounds.values())
    assert set(parameters["evaluation"]) == {"metric", "higher_is_better"}
    assert isinstance(parameters["evaluation"]["higher_is_better"], bool)
    # Evaluation and registration read metrics that training reports.
    reported = set(get_model_metrics(ConstantModel(), (None, two_row_validation_set())))
    assert parameters["evaluation"]["metric"] in reported
    assert set(parameters["registration"]["tags"]) <= reported


def test_split_data_drops_id_and_target_and_keeps_validation_data():
    data_df = pd.DataFrame({"id": [0, 1, 2, 3, 4], "target": [0, 0, 1, 0, 1],
                            "col1": [1, 2, 3, 4, 5], "col2": [2, 1, 1, 2, 1]})
    train_data, valid_data = split_data(data_df)
    assert "target" not in train_data.data.columns and "id" not in train_data.data.columns
    assert "col1" in train_data.data.columns
    assert train_data.data.shape == (4, 2) and valid_data.data.shape == (1, 2)
    assert not valid_data.free_raw_data


def test_split_is_80_20_and_the_same_every_time(synthetic_frame):
    first, second = split_data(synthetic_frame), split_data(synthetic_frame)
    assert (len(first[0].data), len(first[1].data)) == (2400, 600)
    pd.testing.assert_frame_equal(first[1].data, second[1].data)


def test_train_model_passes_the_parameters_to_lightgbm():
    features = pd.DataFrame({"x": [1, 2, 3, 4, 5, 6]})
    data = (train.lightgbm.Dataset(features, label=[1, 1, 0, 1, 0, 1]),
            train.lightgbm.Dataset(pd.DataFrame({"x": [7, 8]}), label=[0, 1]))
    parameters = {"learning_rate": 0.05, "metric": "auc", "min_data": 1, "num_threads": 1,
                  "verbose": -1}
    model = train_model(data, parameters, max_rounds=5)
    for name, value in parameters.items():
        assert model.params[name] == value


def test_early_stopping_keeps_the_best_iteration(synthetic_frame, parameters):
    data = split_data(synthetic_frame)
    model = train_model(data, parameters["training"], max_rounds=300, early_stopping_rounds=5)
    assert 0 < model.best_iteration < 300


def test_auc_of_a_constant_model_is_one_half():
    assert get_model_metrics(ConstantModel(), (None, two_row_validation_set())) == {"auc": 0.5}


def test_model_learns_the_synthetic_signal(synthetic_frame, parameters):
    _, _, model_metrics = train_from_frame(synthetic_frame, parameters)
    assert model_metrics["auc"] > 0.6


def test_command_line_writes_model_metrics_and_figures(tmp_path, synthetic_csv,
                                                       parameters_file, capsys):
    output_dir = tmp_path / "outputs"
    train.main(["--data", str(synthetic_csv), "--output-dir", str(output_dir),
                "--parameters", str(parameters_file)])
    metrics = json.loads((output_dir / "metrics.json").read_text(encoding="utf-8"))
    assert 0.6 < metrics["auc"] <= 1
    assert (metrics["train_rows"], metrics["valid_rows"]) == (2400, 600)
    model = train.joblib.load(output_dir / train.MODEL_FILE_NAME)
    assert model.num_feature() == 57
    for name in (train.ROC_CURVE_FILE_NAME, train.FEATURE_IMPORTANCE_FILE_NAME):
        assert min(png_size(output_dir / name)) > 200
    assert f"Validation AUC {metrics['auc']:.4f}" in capsys.readouterr().out


@pytest.mark.parametrize("change, message", [
    (lambda frame: frame.drop(columns=["ps_car_13"]), "missing columns: ps_car_13"),
    (lambda frame: frame.assign(Y=1), "unexpected columns: Y"),
    (lambda frame: frame.assign(target=frame["target"] * 3), "target values other than 0 and 1: 3"),
])
def test_command_line_rejects_a_wrong_csv_and_writes_nothing(tmp_path, synthetic_frame, change,
                                                             message, parameters_file):
    csv = tmp_path / "wrong.csv"
    change(synthetic_frame.head(50)).to_csv(csv, index=False)
    output_dir = tmp_path / "outputs"
    with pytest.raises(SystemExit) as exit_info:
        train.main(["--data", str(csv), "--output-dir", str(output_dir),
                    "--parameters", str(parameters_file)])
    assert message in str(exit_info.value.code) and str(exit_info.value.code).startswith("error:")
    assert not output_dir.exists()


@pytest.mark.parametrize("content", [None, b"\x89PNG\r\n\x1a\n\x00\xff\xfe", b""])
def test_command_line_rejects_a_missing_or_unreadable_file(tmp_path, content):
    csv = tmp_path / "data.csv"
    if content is not None:
        csv.write_bytes(content)
    with pytest.raises(SystemExit) as exit_info:
        train.main(["--data", str(csv), "--output-dir", str(tmp_path / "outputs")])
    assert str(exit_info.value.code).startswith(f"error: {csv}: ")
    assert not (tmp_path / "outputs").exists()
