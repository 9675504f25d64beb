"""The Azure ML (v2) training job: train through train.py, log to MLflow, write the model out.

Azure ML runs it in the ``{{ cookiecutter.project_name }}`` folder (the component's code) as

    python -m training.train_step --training_data <csv> --model_output <folder>

``--training_data`` is the data asset's file, mounted; ``--model_output`` is the job's output
folder, which the evaluation and registration jobs receive. Inside a job MLflow already logs to
the workspace; elsewhere it logs where ``MLFLOW_TRACKING_URI`` points.
"""
import argparse
import sys

import mlflow

from training.features import InvalidTrainingData
from training.settings import MODEL_FILE_NAME, load_parameters
from training.train import read_training_csv, train_from_frame, write_outputs

FIGURES = ("roc_curve", "feature_importance")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Azure ML job: train the model.")
    parser.add_argument("--training_data", required=True,
                        help="CSV with id, target and the 57 features")
    parser.add_argument("--model_output", required=True,
                        help="folder for the model, metrics.json and the figures")
    parser.add_argument("--model_name", default=MODEL_FILE_NAME,
                        help="file name of the model (default %(default)s)")
    return parser.parse_args(argv)


def log_training(parameters, model_metrics, paths):
    """Parameters, metrics and both figures, to the active MLflow run."""
    mlflow.log_params({**parameters["training"], **parameters.get("rounds", {})})
    mlflow.log_metrics(model_metrics)
    for name in FIGURES:
        mlflow.log_artifact(str(paths[name]), artifact_path="figures")
    mlflow.set_tag("run_type", "train")


def main(argv=None):
    args = parse_args(argv)
    parameters = load_parameters()
    try:
        frame = read_training_csv(args.training_data)
    except InvalidTrainingData as error:
        sys.exit(f"error: training data {args.training_data}: {error}")
    model, data, model_metrics = train_from_frame(frame, parameters)
    paths = write_outputs(model, data, model_metrics, args.model_output, args.model_name)
    with mlflow.start_run():
        log_training(parameters, model_metrics, paths)
    print(f"Validation AUC {model_metrics['auc']:.4f}; model saved as {paths['model']}")


if __name__ == "__main__":
    main()
