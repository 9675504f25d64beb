"""The Azure ML (v2) evaluation job: decide whether the new model replaces production.

v2 has no ``run.parent.cancel()``: the decision goes to an output, ``decision.json``, and the
registration job registers only when it says so. Azure ML runs it as

    python -m evaluate.evaluate_step --model_input <folder> --model_name <name> \\
        --run_evaluation true --decision_output <folder>

Production's metric is read from the registry when the job runs (not when it is submitted), so
the first model of a workspace is compared with nothing and registered.
"""
import argparse
import sys

import mlflow

from evaluate.decision import decide, evaluation_settings, write_decision
from register.registry import ml_client, production_metric
from register.tags import read_model_metrics
from training.settings import MODEL_FILE_NAME


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Azure ML job: compare with production.")
    parser.add_argument("--model_input", required=True,
                        help="the training job's output folder (metrics.json is read)")
    parser.add_argument("--model_name", default=MODEL_FILE_NAME,
                        help="registered model name (default %(default)s)")
    parser.add_argument("--run_evaluation", default="true", choices=["true", "false"],
                        type=str.lower, help="false: register every new model")
    parser.add_argument("--decision_output", required=True, help="folder for decision.json")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    metric, higher_is_better = evaluation_settings()
    new_value = read_model_metrics(args.model_input).get(metric)
    if new_value is None:
        sys.exit(f"error: no {metric!r} in the training job's metrics.json in {args.model_input}")
    compare = args.run_evaluation == "true"
    production_value = (production_metric(ml_client(), args.model_name, metric)
                        if compare else None)
    decision = decide(metric, float(new_value), production_value, higher_is_better, compare)
    write_decision(decision, args.decision_output)
    with mlflow.start_run():
        mlflow.log_dict(decision, "decision.json")
        mlflow.set_tag("register", str(decision["register"]).lower())
    print(decision["reason"])


if __name__ == "__main__":
    main()
