import pandas as pd
import pytest

from {{ cookiecutter.project_name }}.training import synthetic_data
from {{ cookiecutter.project_name }}.training.features import (
    FEATURE_DTYPES, FEATURE_NAMES, MISSING_VALUE, TRAINING_COLUMNS, validate_training_frame)
from {{ cookiecutter.project_name }}.training.synthetic_data import (
    VALUE_RANGES, make_synthetic_frame)


@pytest.fixture(scope="module")
def large_frame():
    return make_synthetic_frame(20000, seed=3)


def test_every_feature_has_a_value_range():
    assert list(VALUE_RANGES) == list(FEATURE_NAMES)


def test_frame_has_the_training_schema(large_frame):
    assert tuple(large_frame.columns) == TRAINING_COLUMNS
    assert dict(large_frame[list(FEATURE_NAMES)].dtypes.astype(str)) == FEATURE_DTYPES
    pd.testing.assert_frame_equal(validate_training_frame(large_frame), large_frame)


def test_values_stay_in_range_with_minus_one_for_missing(large_frame):
    for name, (low, high, _, missing_share) in VALUE_RANGES.items():
        present = large_frame[name][large_frame[name] != MISSING_VALUE]
        assert present.between(low - 1e-9, high + 1e-9).all(), name
        share = (large_frame[name] == MISSING_VALUE).mean()
        assert share == pytest.approx(missing_share, abs=0.02), name


def test_positive_rate_is_close_to_the_real_data(large_frame):
    assert large_frame["target"].mean() == pytest.approx(synthetic_data.POSITIVE_RATE, abs=0.005)


def test_same_seed_same_frame_other_seed_other_frame():
    pd.testing.assert_frame_equal(make_synthetic_frame(200, seed=5),
                                  make_synthetic_frame(200, seed=5))
    assert not make_synthetic_frame(200, seed=5).equals(make_synthetic_frame(200, seed=6))


def test_command_line_writes_a_csv(tmp_path):
    output = tmp_path / "nested" / "synthetic.csv"
    synthetic_data.main(["--rows", "150", "--seed", "2", "--output", str(output)])
    frame = pd.read_csv(output)
    assert len(frame) == 150
    pd.testing.assert_frame_equal(frame, make_synthetic_frame(150, seed=2))


def test_command_line_rejects_a_row_count_below_one(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        synthetic_data.main(["--rows", "0", "--output", str(tmp_path / "x.csv")])
    assert exit_info.value.code == 2
    assert "--rows must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
