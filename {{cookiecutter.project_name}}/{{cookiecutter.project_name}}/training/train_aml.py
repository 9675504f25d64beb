"""The Azure ML pipeline's training step: get the data, train through train.py, log, save the model.

Azure ML runs this file as a script with the ``{{ cookiecutter.project_name }}`` folder as the
snapshot root, which it puts on the Python path: hence ``from training.train import ...``. The
pipeline passes every argument below; ``DATASTORE_NAME`` arrives as an environment variable.

With no Azure ML run (``Run.get_context()`` gives an offline run), ``--data_file_path`` is a local
CSV and nothing is sent to Azure, which is how the tests run this file:

    PYTHONPATH={{ cookiecutter.project_name }} \\
        python {{ cookiecutter.project_name }}/training/train_aml.py \\
        --model_name {{ cookiecutter.__model_name }} \\
        --step_output step_output --data_file_path data.csv
"""
import argparse
import os
import shutil
import sys
from pathlib import Path

from azureml.core import Dataset, Datastore, Run

from training.features import InvalidTrainingData, validate_training_frame
from training.settings import MODEL_FILE_NAME, load_parameters
from training.train import read_training_csv, train_from_frame, write_outputs

# Azure ML uploads this folder of the working directory to the run when the step ends.
OUTPUTS_DIR = Path("outputs")
NO_VALUE = "none"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Azure ML step: train the model.")
    parser.add_argument("--model_name", default=MODEL_FILE_NAME,
                        help="file name of the model (default %(default)s)")
    parser.add_argument("--step_output", required=True,
                        help="folder passed on to the register step")
    parser.add_argument("--dataset_version",
                        default="{{ cookiecutter.__pipeline_variables.DATASET_VERSION }}",
                        help="version of the registered dataset (default %(default)s)")
    parser.add_argument("--data_file_path", default=NO_VALUE,
                        help="CSV to train on: a path on the datastore DATASTORE_NAME, registered "
                             "as a new dataset version; a local file when run offline")
    parser.add_argument("--caller_run_id", default=NO_VALUE,
                        help="id of the run that started this pipeline, if any")
    parser.add_argument("--dataset_name", default=NO_VALUE,
                        help="name of the registered training dataset")
    return parser.parse_args(argv)


def is_offline(run):
    return run.id.startswith("OfflineRun")


def parent_of(run):
    """The pipeline run this step belongs to; None offline (an offline run has no ``parent``)."""
    return getattr(run, "parent", None)


def log_to_run_and_parent(run, values):
    """Log each value to the step's run and, when there is one, to the pipeline run."""
    parent = parent_of(run)
    for name, value in values.items():
        run.log(name, value)
        if parent is not None:
            parent.log(name, value)


def get_dataset(run, dataset_name, dataset_version, data_file_path):
    """The registered dataset, or a new version of it made from a file on the datastore."""
    workspace = run.experiment.workspace
    if data_file_path == NO_VALUE:
        return Dataset.get_by_name(workspace, name=dataset_name, version=dataset_version)
    datastore = Datastore.get(workspace, os.environ["DATASTORE_NAME"])
    dataset = Dataset.Tabular.from_delimited_files(path=[(datastore, data_file_path)])
    return dataset.register(workspace, name=dataset_name, create_new_version=True)


def load_frame(run, args):
    """The validated training frame, and the dataset it came from (None for a local CSV)."""
    if is_offline(run):
        if args.data_file_path == NO_VALUE:
            raise InvalidTrainingData("an offline run needs --data_file_path, a local CSV file")
        return read_training_csv(args.data_file_path), None
    if args.dataset_name == NO_VALUE:
        raise InvalidTrainingData("no --dataset_name given")
    if args.data_file_path != NO_VALUE and not os.environ.get("DATASTORE_NAME"):
        raise InvalidTrainingData("--data_file_path needs DATASTORE_NAME, the datastore it is "
                                  "on, in the environment (the pipeline sets it)")
    dataset = get_dataset(run, args.dataset_name, args.dataset_version, args.data_file_path)
    return validate_training_frame(dataset.to_pandas_dataframe()), dataset


def main(argv=None):
    args = parse_args(argv)
    run = Run.get_context()
    parameters = load_parameters()
    log_to_run_and_parent(run, {**parameters["training"], **parameters.get("rounds", {})})
    try:
        frame, dataset = load_frame(run, args)
    except InvalidTrainingData as error:
        sys.exit(f"error: training data: {error}")
    parent = parent_of(run)
    if dataset is not None and parent is not None:
        # The register step reads this tag to link the model to its training data.
        parent.tag("dataset_id", dataset.id)
    if args.caller_run_id != NO_VALUE:
        run.tag("caller_run_id", args.caller_run_id)

    model, data, model_metrics = train_from_frame(frame, parameters)
    log_to_run_and_parent(run, model_metrics)
    paths = write_outputs(model, data, model_metrics, OUTPUTS_DIR, args.model_name)
    run.log_image("ROC curve", path=str(paths["roc_curve"]))
    run.log_image("Feature importance", path=str(paths["feature_importance"]))
    step_output = Path(args.step_output)
    step_output.mkdir(parents=True, exist_ok=True)
    # The register step tags the model with these metrics.
    for name in ("model", "metrics"):
        shutil.copy(paths[name], step_output / paths[name].name)
    run.tag("run_type", "train")
    print(f"Validation AUC {model_metrics['auc']:.4f}; model saved as "
          f"{step_output / args.model_name}")


if __name__ == "__main__":
    main()
