"""The registered model's tags and the metrics they come from, free of Azure.

Tags say where a model came from: its metrics (``registration.tags`` in ``parameters.json``, read
from the ``metrics.json`` the training step saved with the model), the Azure DevOps build
(``BuildId``, ``BuildUri``, which the CI uses to find the model), the project (``area``), the
experiment and the run. Both Azure ML layers register with these tags.
"""
import json
from pathlib import Path

from training.settings import METRICS_FILE_NAME, load_parameters

PROJECT_NAME = "{{ cookiecutter.project_name }}"
BUILD_TAGS = ("BuildId", "BuildUri")


def registration_metric_names():
    """The metrics every registered model is tagged with (``registration.tags``)."""
    return load_parameters()["registration"]["tags"]


def build_model_tags(metric_names, model_metrics, run_tags, experiment_name, run_id,
                     area=PROJECT_NAME):
    """The registered model's tags, all strings, from its metrics and the pipeline run's tags.

    Metrics and build tags that are not there are left out.
    """
    tags = {"area": area, "experiment_name": experiment_name, "run_id": run_id}
    for name in metric_names:
        if model_metrics.get(name) is not None:
            tags[name] = str(model_metrics[name])
    for name in BUILD_TAGS:
        if run_tags.get(name):
            tags[name] = str(run_tags[name])
    return tags


def missing_metrics(metric_names, tags):
    return [name for name in metric_names if name not in tags]


def read_model_metrics(model_dir):
    """The metrics the training step saved next to the model; empty if it saved none."""
    path = Path(model_dir) / METRICS_FILE_NAME
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
