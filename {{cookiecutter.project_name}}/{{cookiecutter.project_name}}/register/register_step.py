"""The Azure ML (v2) registration job: register the model when the evaluation's decision says so.

Azure ML runs it as

    python -m register.register_step --model_input <folder> --decision_input <folder> \\
        --model_name <name> --build_id <id> --build_uri <url>

A model that is not better ends the job successfully without registering; the CI then finds no
model tagged with its build and says so. The tags are ``tags.py``'s.
"""
import argparse
import sys
from pathlib import Path

import mlflow

from evaluate.decision import read_decision
from register.registry import ml_client, register_model
from register.tags import (build_model_tags, missing_metrics, read_model_metrics,
                           registration_metric_names)
from training.settings import MODEL_FILE_NAME

# What a pipeline input holds when there is no value (a job started by hand has no build).
NO_VALUE = "none"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Azure ML job: register the model.")
    parser.add_argument("--model_input", required=True,
                        help="the training job's output folder")
    parser.add_argument("--decision_input", required=True,
                        help="the evaluation job's output folder (decision.json)")
    parser.add_argument("--model_name", default=MODEL_FILE_NAME,
                        help="model file name, also the registered name (default %(default)s)")
    parser.add_argument("--build_id", default=NO_VALUE, help="Azure DevOps build id")
    parser.add_argument("--build_uri", default=NO_VALUE, help="Azure DevOps build URL")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    model_file = Path(args.model_input) / args.model_name
    if not model_file.is_file():
        sys.exit(f"error: no model file {model_file}: the training job writes it there")
    try:
        decision = read_decision(args.decision_input)
    except ValueError as error:
        sys.exit(f"error: {error}")
    if not decision["register"]:
        print(f"Not registered: {decision['reason']}")
        return
    metric_names = registration_metric_names()
    builds = {"BuildId": args.build_id, "BuildUri": args.build_uri}
    with mlflow.start_run() as run:
        experiment = mlflow.get_experiment(run.info.experiment_id)
        tags = build_model_tags(
            metric_names, read_model_metrics(args.model_input),
            {name: value for name, value in builds.items() if value != NO_VALUE},
            experiment.name, run.info.run_id)
        for name in missing_metrics(metric_names, tags):
            print(f"warning: no {name!r} in the training job's metrics.json: the model gets no "
                  f"{name} tag, and the next evaluation will treat it as having none")
        model = register_model(ml_client(), args.model_name, model_file, tags,
                               decision["reason"])
        mlflow.set_tag("registered_model", f"{model.name}:{model.version}")
    print(f"Registered {model.name} version {model.version} with tags {tags}")


if __name__ == "__main__":
    main()
