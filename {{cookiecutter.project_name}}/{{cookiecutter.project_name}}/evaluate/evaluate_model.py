"""The Azure ML pipeline's evaluation step: keep the new model only if it beats production.

"Production" is the latest registered model of the same name from the same experiment. The metric
and its direction come from the ``evaluation`` section of ``parameters.json`` (AUC: higher is
better). When the new model is not better and ``--allow_run_cancel`` is true, the pipeline run is
cancelled, so the register step does not run.
"""
import argparse
import sys

from azureml.core import Run
from azureml.core.model import Model

from training.settings import MODEL_FILE_NAME, load_parameters


def is_new_model_better(new_value, production_value, higher_is_better=True):
    """Whether the new model's metric beats production's; with no production model, it does.

    A tie is not better: retraining on the same data gives the same model, which need not be
    registered again.
    """
    if production_value is None:
        return True
    if higher_is_better:
        return new_value > production_value
    return new_value < production_value


def last_logged(value):
    """A run metric's value; a metric logged more than once comes back as a list."""
    return value[-1] if isinstance(value, list) else value


def metric_from_tags(tags, metric):
    """The model's ``metric`` tag as a number, or None when the model has no such tag."""
    value = (tags or {}).get(metric)
    return None if value is None else float(value)


def decision_message(metric, new_value, production_value, better):
    if production_value is None:
        return (f"No production model with a {metric} tag: the new model "
                f"({metric} {new_value:.4f}) will be registered.")
    verdict = "better than" if better else "not better than"
    return f"New model {metric} {new_value:.4f} is {verdict} production's {production_value:.4f}."


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
    settings = load_parameters()["evaluation"]
    metric, higher_is_better = settings["metric"], settings["higher_is_better"]
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
