import json
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.project_name }}.training.features import (
    FEATURE_DTYPES, FEATURE_NAMES, TRAINING_COLUMNS, InvalidTrainingData, validate_training_frame)

SAMPLE_REQUEST = Path(__file__).resolve().parents[1] / "scoring" / "sample_request.json"


def test_schema_has_the_57_porto_seguro_features_in_order():
    assert len(FEATURE_NAMES) == len(set(FEATURE_NAMES)) == 57
    assert (FEATURE_NAMES[0], FEATURE_NAMES[20], FEATURE_NAMES[-1]) == (
        "ps_ind_01", "ps_reg_03", "ps_calc_20_bin")
    floats = [name for name, dtype in FEATURE_DTYPES.items() if dtype == "float64"]
    assert len(floats) == 10 and "ps_car_13" in floats


def test_sample_request_rows_have_one_value_per_feature():
    rows = json.loads(SAMPLE_REQUEST.read_text(encoding="utf-8"))["data"]
    assert [len(row) for row in rows] == [len(FEATURE_NAMES)] * 2


def test_valid_frame_comes_back_in_schema_order_and_dtypes(synthetic_frame):
    shuffled = synthetic_frame[list(reversed(synthetic_frame.columns))].astype(str)
    frame = validate_training_frame(shuffled)
    assert tuple(frame.columns) == TRAINING_COLUMNS
    assert frame["ps_car_13"].dtype == "float64" and frame["ps_ind_01"].dtype == "int64"
    pd.testing.assert_frame_equal(frame, synthetic_frame)


def test_missing_and_extra_columns_are_named(synthetic_frame):
    frame = synthetic_frame.drop(columns=["ps_car_13", "target"]).assign(colour=1)
    with pytest.raises(InvalidTrainingData) as error:
        validate_training_frame(frame)
    assert "missing columns: target, ps_car_13" in str(error.value)
    assert "unexpected columns: colour" in str(error.value)


def test_long_lists_of_columns_are_cut_short():
    with pytest.raises(InvalidTrainingData, match=r"missing columns: id, target, .* and 51 more"):
        validate_training_frame(pd.DataFrame({"AGE": [1]}))


@pytest.mark.parametrize("column, value, message", [
    ("target", 2, "target values other than 0 and 1: 2"),
    ("target", -1, "target values other than 0 and 1: -1"),
    ("ps_reg_01", "high", "non-numeric values in: ps_reg_01"),
    ("ps_car_13", None, "non-numeric values in: ps_car_13"),
])
def test_bad_values_are_named(synthetic_frame, column, value, message):
    frame = synthetic_frame.head(10).astype(object)
    frame.loc[3, column] = value
    with pytest.raises(InvalidTrainingData, match=message):
        validate_training_frame(frame)


def test_a_frame_without_rows_is_rejected(synthetic_frame):
    with pytest.raises(InvalidTrainingData, match="no rows"):
        validate_training_frame(synthetic_frame.head(0))
