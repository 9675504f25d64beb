"""Train the LightGBM claim model: the workshop's functions, free of Azure, and a command line.

``split_data``, ``train_model`` and ``get_model_metrics`` are the workshop's functions; the Azure
ML step (``train_aml.py``) and the command line below both use them:

    python -m {{ cookiecutter.project_name }}.training.train --data <csv> --output-dir outputs

``parameters.json`` (next to the ``training`` folder) holds the settings:
``training`` is passed to LightGBM unchanged (the workshop's Challenge 2 values), and ``rounds``
sets the number of boosting rounds: at most ``max_rounds``, stopping early once the validation AUC
has not improved for ``early_stopping_rounds`` rounds (LightGBM 4 takes this as a callback).
"""
import argparse
import json
import sys
from pathlib import Path

import joblib
import lightgbm
import numpy as np
import pandas as pd
from sklearn import metrics
from sklearn.model_selection import train_test_split

from .features import ID_COLUMN, TARGET_COLUMN, InvalidTrainingData, validate_training_frame
from .plots import save_feature_importance, save_roc_curve
from .settings import METRICS_FILE_NAME, MODEL_FILE_NAME, PARAMETERS_FILE, load_parameters

ROC_CURVE_FILE_NAME = "roc_curve.png"
FEATURE_IMPORTANCE_FILE_NAME = "feature_importance.png"


def read_training_csv(path):
    """The validated training frame in ``path``; InvalidTrainingData names what is wrong."""
    try:
        frame = pd.read_csv(path)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InvalidTrainingData(f"cannot read it as a CSV file ({error})") from error
    return validate_training_frame(frame)


def split_data(data_df):
    """80/20 train/validation LightGBM datasets of the features, without ``id`` and ``target``.

    The validation set keeps its raw data (``free_raw_data=False``): the metrics predict on it.
    """
    features = data_df.drop([TARGET_COLUMN, ID_COLUMN], axis=1)
    labels = np.array(data_df[TARGET_COLUMN])
    features_train, features_valid, labels_train, labels_valid = train_test_split(
        features, labels, test_size=0.2, random_state=0)
    train_data = lightgbm.Dataset(features_train, label=labels_train)
    valid_data = lightgbm.Dataset(features_valid, label=labels_valid, free_raw_data=False)
    return (train_data, valid_data)


def train_model(data, parameters, max_rounds=100, early_stopping_rounds=None):
    """A LightGBM booster trained on ``data[0]`` and validated on ``data[1]``.

    The defaults are LightGBM's own (100 rounds, no early stopping); the project's values come
    from the ``rounds`` section of ``parameters.json``.
    """
    callbacks = []
    if early_stopping_rounds:
        callbacks.append(lightgbm.early_stopping(early_stopping_rounds, verbose=False))
    return lightgbm.train(parameters, data[0], num_boost_round=max_rounds,
                          valid_sets=[data[1]], callbacks=callbacks)


def get_model_metrics(model, data):
    """``{"auc": ...}`` of ``model`` on the validation data ``data[1]``."""
    predictions = model.predict(data[1].data)
    false_positive_rate, true_positive_rate, _ = metrics.roc_curve(data[1].label, predictions)
    return {"auc": float(metrics.auc(false_positive_rate, true_positive_rate))}


def train_from_frame(frame, parameters):
    """Split, train and measure with the sections of ``parameters.json``: (model, data, metrics)."""
    data = split_data(frame)
    model = train_model(data, parameters["training"], **parameters.get("rounds", {}))
    return model, data, get_model_metrics(model, data)


def write_outputs(model, data, model_metrics, output_dir, model_file_name=MODEL_FILE_NAME):
    """Write the model, its metrics and both figures to ``output_dir``; return their paths."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "model": output_dir / model_file_name,
        "metrics": output_dir / METRICS_FILE_NAME,
        "roc_curve": output_dir / ROC_CURVE_FILE_NAME,
        "feature_importance": output_dir / FEATURE_IMPORTANCE_FILE_NAME,
    }
    joblib.dump(model, paths["model"])
    summary = {**model_metrics, "best_iteration": model.best_iteration,
               "train_rows": data[0].num_data(), "valid_rows": data[1].num_data()}
    paths["metrics"].write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    save_roc_curve(data[1].label, model.predict(data[1].data), paths["roc_curve"])
    save_feature_importance(model, paths["feature_importance"])
    return paths


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Train the model on a Porto Seguro CSV and write the model, its metrics "
                    "and two figures.")
    parser.add_argument("--data", type=Path, required=True,
                        help="CSV with id, target and the 57 features")
    parser.add_argument("--output-dir", type=Path, default=Path("outputs"),
                        help="folder for the model, metrics.json and the figures "
                             "(default: outputs)")
    parser.add_argument("--parameters", type=Path, default=PARAMETERS_FILE,
                        help="parameters.json to use (default: the project's)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        frame = read_training_csv(args.data)
    except InvalidTrainingData as error:
        sys.exit(f"error: {args.data}: {error}")
    model, data, model_metrics = train_from_frame(frame, load_parameters(args.parameters))
    paths = write_outputs(model, data, model_metrics, args.output_dir)
    print(f"Validation AUC {model_metrics['auc']:.4f} (best iteration {model.best_iteration}); "
          f"wrote {', '.join(path.name for path in paths.values())} to {args.output_dir}")


if __name__ == "__main__":
    main()
