"""The Porto Seguro training schema: the one place naming the 57 features, their order and dtypes.

The model is trained on the features in this order, and the web service receives rows of numbers
in the same order (``scoring/sample_request.json``), so a CSV with its columns shuffled is put back
in this order before training. Missing values are coded as -1 in the data, and left as they are.
"""
import pandas as pd

ID_COLUMN = "id"
TARGET_COLUMN = "target"
MISSING_VALUE = -1

_FLOAT_FEATURES = frozenset({
    "ps_reg_01", "ps_reg_02", "ps_reg_03", "ps_car_12", "ps_car_13", "ps_car_14", "ps_car_15",
    "ps_calc_01", "ps_calc_02", "ps_calc_03",
})

FEATURE_NAMES = (
    "ps_ind_01", "ps_ind_02_cat", "ps_ind_03", "ps_ind_04_cat", "ps_ind_05_cat", "ps_ind_06_bin",
    "ps_ind_07_bin", "ps_ind_08_bin", "ps_ind_09_bin", "ps_ind_10_bin", "ps_ind_11_bin",
    "ps_ind_12_bin", "ps_ind_13_bin", "ps_ind_14", "ps_ind_15", "ps_ind_16_bin", "ps_ind_17_bin",
    "ps_ind_18_bin", "ps_reg_01", "ps_reg_02", "ps_reg_03", "ps_car_01_cat", "ps_car_02_cat",
    "ps_car_03_cat", "ps_car_04_cat", "ps_car_05_cat", "ps_car_06_cat", "ps_car_07_cat",
    "ps_car_08_cat", "ps_car_09_cat", "ps_car_10_cat", "ps_car_11_cat", "ps_car_11", "ps_car_12",
    "ps_car_13", "ps_car_14", "ps_car_15", "ps_calc_01", "ps_calc_02", "ps_calc_03", "ps_calc_04",
    "ps_calc_05", "ps_calc_06", "ps_calc_07", "ps_calc_08", "ps_calc_09", "ps_calc_10",
    "ps_calc_11", "ps_calc_12", "ps_calc_13", "ps_calc_14", "ps_calc_15_bin", "ps_calc_16_bin",
    "ps_calc_17_bin", "ps_calc_18_bin", "ps_calc_19_bin", "ps_calc_20_bin",
)

FEATURE_DTYPES = {name: "float64" if name in _FLOAT_FEATURES else "int64" for name in FEATURE_NAMES}
TRAINING_COLUMNS = (ID_COLUMN, TARGET_COLUMN, *FEATURE_NAMES)
# Long lists of column names are cut short in messages, so that an error stays one readable line.
_NAMES_SHOWN = 8


class InvalidTrainingData(ValueError):
    """The training data does not have the Porto Seguro schema; the message says what is wrong."""


def _name_list(names):
    shown = ", ".join(names[:_NAMES_SHOWN])
    more = len(names) - _NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def schema_problems(frame):
    """Every way ``frame`` differs from the training schema, one short phrase each."""
    problems = []
    missing = [name for name in TRAINING_COLUMNS if name not in frame.columns]
    extra = [str(name) for name in frame.columns if name not in TRAINING_COLUMNS]
    if missing:
        problems.append(f"missing columns: {_name_list(missing)}")
    if extra:
        problems.append(f"unexpected columns: {_name_list(extra)}")
    if missing or extra:
        return problems
    if frame.empty:
        return ["no rows"]
    not_numeric = [name for name in TRAINING_COLUMNS
                   if pd.to_numeric(frame[name], errors="coerce").isna().any()]
    if not_numeric:
        problems.append(f"empty or non-numeric values in: {_name_list(not_numeric)}")
    elif not pd.to_numeric(frame[TARGET_COLUMN]).isin([0, 1]).all():
        bad = sorted(set(pd.to_numeric(frame[TARGET_COLUMN])) - {0, 1})
        problems.append(
            f"target values other than 0 and 1: {_name_list([str(value) for value in bad])}")
    return problems


def validate_training_frame(frame):
    """``frame`` in the schema's column order and dtypes, or InvalidTrainingData saying why not."""
    problems = schema_problems(frame)
    if problems:
        raise InvalidTrainingData(
            "; ".join(problems) + f"; expected: {ID_COLUMN}, {TARGET_COLUMN} and the "
            f"{len(FEATURE_NAMES)} Porto Seguro features ({FEATURE_NAMES[0]} ... "
            f"{FEATURE_NAMES[-1]}), each a number, with target 0 or 1")
    dtypes = {ID_COLUMN: "int64", TARGET_COLUMN: "int64", **FEATURE_DTYPES}
    return pd.DataFrame({name: pd.to_numeric(frame[name]).astype(dtype)
                         for name, dtype in dtypes.items()})
