"""Seeded synthetic training data with the Porto Seguro schema, for tests and local runs.

The competition data cannot be committed (its licence forbids it), so local work and the tests
generate a stand-in: the same 57 columns, dtypes and value ranges, -1 for missing at about the
rates of the real data, about 3.6 % positives, and a target that depends on a few features so
that a model has something real to learn (validation AUC well above 0.5).

    python -m {{ cookiecutter.project_name }}.training.synthetic_data \\
        --rows 20000 --output synthetic.csv
"""
import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .features import FEATURE_DTYPES, FEATURE_NAMES, ID_COLUMN, MISSING_VALUE, TARGET_COLUMN

POSITIVE_RATE = 0.036

# Per feature: (lowest value, highest value, step between values, share of rows coded -1).
# Step 0 means any value in the range. Ranges and missing shares follow the real data.
VALUE_RANGES = {
    "ps_ind_01": (0, 7, 1, 0.0), "ps_ind_02_cat": (1, 4, 1, 0.0004), "ps_ind_03": (0, 11, 1, 0.0),
    "ps_ind_04_cat": (0, 1, 1, 0.0002), "ps_ind_05_cat": (0, 6, 1, 0.0094),
    "ps_ind_06_bin": (0, 1, 1, 0.0), "ps_ind_07_bin": (0, 1, 1, 0.0),
    "ps_ind_08_bin": (0, 1, 1, 0.0), "ps_ind_09_bin": (0, 1, 1, 0.0),
    "ps_ind_10_bin": (0, 1, 1, 0.0), "ps_ind_11_bin": (0, 1, 1, 0.0),
    "ps_ind_12_bin": (0, 1, 1, 0.0), "ps_ind_13_bin": (0, 1, 1, 0.0),
    "ps_ind_14": (0, 3, 1, 0.0), "ps_ind_15": (0, 13, 1, 0.0),
    "ps_ind_16_bin": (0, 1, 1, 0.0), "ps_ind_17_bin": (0, 1, 1, 0.0),
    "ps_ind_18_bin": (0, 1, 1, 0.0), "ps_reg_01": (0.0, 0.9, 0.1, 0.0),
    "ps_reg_02": (0.0, 1.8, 0.1, 0.0), "ps_reg_03": (0.06, 2.95, 0, 0.181),
    "ps_car_01_cat": (0, 11, 1, 0.0002), "ps_car_02_cat": (0, 1, 1, 0.0),
    "ps_car_03_cat": (0, 1, 1, 0.688), "ps_car_04_cat": (0, 9, 1, 0.0),
    "ps_car_05_cat": (0, 1, 1, 0.443), "ps_car_06_cat": (0, 17, 1, 0.0),
    "ps_car_07_cat": (0, 1, 1, 0.018), "ps_car_08_cat": (0, 1, 1, 0.0),
    "ps_car_09_cat": (0, 4, 1, 0.0014), "ps_car_10_cat": (0, 2, 1, 0.0),
    "ps_car_11_cat": (1, 104, 1, 0.0), "ps_car_11": (0, 3, 1, 0.0),
    "ps_car_12": (0.14, 1.26, 0, 0.0), "ps_car_13": (0.31, 2.71, 0, 0.0),
    "ps_car_14": (0.11, 0.59, 0, 0.072), "ps_car_15": (0.0, 3.74, 0, 0.0),
    "ps_calc_01": (0.0, 0.9, 0.1, 0.0), "ps_calc_02": (0.0, 0.9, 0.1, 0.0),
    "ps_calc_03": (0.0, 0.9, 0.1, 0.0), "ps_calc_04": (0, 5, 1, 0.0),
    "ps_calc_05": (0, 6, 1, 0.0), "ps_calc_06": (2, 10, 1, 0.0), "ps_calc_07": (0, 8, 1, 0.0),
    "ps_calc_08": (3, 12, 1, 0.0), "ps_calc_09": (0, 7, 1, 0.0), "ps_calc_10": (0, 22, 1, 0.0),
    "ps_calc_11": (0, 16, 1, 0.0), "ps_calc_12": (0, 8, 1, 0.0), "ps_calc_13": (0, 11, 1, 0.0),
    "ps_calc_14": (0, 22, 1, 0.0), "ps_calc_15_bin": (0, 1, 1, 0.0),
    "ps_calc_16_bin": (0, 1, 1, 0.0), "ps_calc_17_bin": (0, 1, 1, 0.0),
    "ps_calc_18_bin": (0, 1, 1, 0.0), "ps_calc_19_bin": (0, 1, 1, 0.0),
    "ps_calc_20_bin": (0, 1, 1, 0.0),
}

# The signal: each feature's weight on the log-odds of a claim, per unit of its range.
# A missing value (-1) counts as its own effect through MISSING_WEIGHTS.
SIGNAL_WEIGHTS = {
    "ps_car_13": 2.0, "ps_ind_17_bin": 0.8, "ps_ind_05_cat": 1.0, "ps_reg_02": 0.9,
    "ps_ind_15": -0.9, "ps_car_11_cat": 0.5,
}
MISSING_WEIGHTS = {"ps_reg_03": 0.4, "ps_car_07_cat": 1.0}


def _column(rng, rows, low, high, step, missing_share):
    if step:
        values = low + step * rng.integers(0, round((high - low) / step) + 1, rows)
    else:
        values = rng.uniform(low, high, rows)
    return np.where(rng.random(rows) < missing_share, MISSING_VALUE, values)


def _intercept_for_rate(score, rate):
    """The intercept that makes the mean claim probability ``rate`` (bisection on log-odds)."""
    low, high = -20.0, 20.0
    for _ in range(60):
        middle = (low + high) / 2
        if np.mean(1 / (1 + np.exp(-(middle + score)))) < rate:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def make_synthetic_frame(rows, seed=0, positive_rate=POSITIVE_RATE):
    """A DataFrame with ``id``, ``target`` and the 57 features, the same for the same seed."""
    if rows < 1:
        raise ValueError(f"rows must be at least 1, got {rows}")
    rng = np.random.default_rng(seed)
    features = {name: _column(rng, rows, *VALUE_RANGES[name]) for name in FEATURE_NAMES}
    score = np.zeros(rows)
    for name, weight in SIGNAL_WEIGHTS.items():
        low, high = VALUE_RANGES[name][:2]
        present = features[name] != MISSING_VALUE
        score += np.where(present, weight * (features[name] - low) / (high - low), 0.0)
    for name, weight in MISSING_WEIGHTS.items():
        score += weight * (features[name] == MISSING_VALUE)
    probability = 1 / (1 + np.exp(-(_intercept_for_rate(score, positive_rate) + score)))
    columns = {
        ID_COLUMN: np.arange(1, rows + 1, dtype="int64"),
        TARGET_COLUMN: (rng.random(rows) < probability).astype("int64"),
    }
    for name in FEATURE_NAMES:
        # Rounding keeps the stepped values (0.1, 0.2, ...) exact in the CSV.
        values = features[name].round(6) if FEATURE_DTYPES[name] == "float64" else features[name]
        columns[name] = values.astype(FEATURE_DTYPES[name])
    return pd.DataFrame(columns)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000, help="number of rows (default 20000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--output", type=Path, required=True, help="CSV file to write")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error(f"--rows must be at least 1, got {args.rows}")
    return args


def main(argv=None):
    args = parse_args(argv)
    frame = make_synthetic_frame(args.rows, seed=args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.output, index=False)
    positive_percent = 100 * frame[TARGET_COLUMN].mean()
    print(f"Wrote {len(frame)} rows ({positive_percent:.1f} percent positive) to {args.output}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
