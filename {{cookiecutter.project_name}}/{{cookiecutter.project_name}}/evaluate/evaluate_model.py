"""The Azure ML pipeline's evaluation step: keep the new model only if it beats production.

"Production" is the latest registered model of the same name from the same experiment; the
decision itself is ``decision.py``'s. When the new model is not better and ``--allow_run_cancel``
is true, the pipeline run is cancelled, so the register step does not run.
"""
import argparse
import sys

from azureml.core import Run
from azureml.core.model import Model

from evaluate.decision import (decision_message, evaluation_settings, is_new_model_better,
                               metric_from_tags)
from training.settings import MODEL_FILE_NAME


def last_logged(value):
    """A run metric's value; a metric logged more than once comes back as a list."""
    return value[-1] if isinstance(value, list) else value


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Azure ML step: compare with production.")
    parser.add_argument("--model_name", default=MODEL_FILE_NAME,
                        help="registered model name (default %(default)s)")
    parser.add_argument("--allow_run_cancel",
                        default="{{ cookiecutter.__pipeline_variables.ALLOW_RUN_CANCEL }}",
                        choices=["true", "false"],
                        type=str.lower,
                        help="cancel the pipeline run when the new model is not better")
    return parser.parse_args(argv)


def production_model(workspace, model_name, experiment_name):
    """The latest model named ``model_name`` registered by ``experiment_name``, or None."""
    models = Model.list(workspace, name=model_name, tags=[["experiment_name", experiment_name]],
                        latest=True)
    return models[0] if models else None


def main(argv=None):
    args = parse_args(argv)
    metric, higher_is_better = evaluation_settings()
    run = Run.get_context()
    parent = run.parent
    new_value = last_logged(parent.get_metrics().get(metric))
    if new_value is None:
        sys.exit(f"error: the training step logged no {metric!r} metric to the pipeline run "
                 f"{parent.id}; nothing to compare")
    experiment = run.experiment
    production = production_model(experiment.workspace, args.model_name, experiment.name)
    production_value = metric_from_tags(production.tags if production else None, metric)
    better = is_new_model_better(float(new_value), production_value, higher_is_better)
    print(decision_message(metric, float(new_value), production_value, better))
    if not better and args.allow_run_cancel == "true":
        print("Cancelling the pipeline run: the model will not be registered.")
        parent.cancel()


if __name__ == "__main__":
    main()
