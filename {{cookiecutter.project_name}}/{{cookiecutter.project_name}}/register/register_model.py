"""The Azure ML pipeline's registration step: register the trained model with its tags and data.

The tags are ``tags.py``'s (metrics, build, project, experiment, pipeline run). A pipeline
started by hand has no build tags and a model trained from a local file has no dataset: both are
left out rather than failing the step.
"""
import argparse
import sys
from pathlib import Path

from azureml.core import Dataset, Run
from azureml.core.model import Model

from register.tags import (METRICS_FILE_NAME, build_model_tags, missing_metrics,
                           read_model_metrics, registration_metric_names)
from training.settings import MODEL_FILE_NAME


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Azure ML step: register the model.")
    parser.add_argument("--model_name", default=MODEL_FILE_NAME,
                        help="model file name, also the registered name (default %(default)s)")
    parser.add_argument("--step_input", required=True,
                        help="folder where the training step saved the model")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    model_path = Path(args.step_input) / args.model_name
    if not model_path.is_file():
        sys.exit(f"error: no model file {model_path}: the training step saves it there "
                 "under --model_name")
    metric_names = registration_metric_names()
    run = Run.get_context()
    parent = run.parent
    workspace = run.experiment.workspace
    parent_tags = parent.get_tags()
    tags = build_model_tags(metric_names, read_model_metrics(args.step_input), parent_tags,
                            run.experiment.name, parent.id)
    for name in missing_metrics(metric_names, tags):
        print(f"warning: no {name!r} in {METRICS_FILE_NAME} of the training step: the model gets "
              f"no {name} tag, and the next evaluation will treat it as having none")
    dataset_id = parent_tags.get("dataset_id")
    datasets = [("training data", Dataset.get_by_id(workspace, dataset_id))] if dataset_id else None
    model = Model.register(workspace=workspace, model_name=args.model_name,
                           model_path=str(model_path), tags=tags, datasets=datasets)
    print(f"Registered {model.name} version {model.version} with tags {tags}")


if __name__ == "__main__":
    main()
