"""Whether a new model replaces production: the evaluation's decision, free of Azure.

The metric and its direction come from the ``evaluation`` section of ``parameters.json`` (AUC:
higher is better). Both Azure ML layers use these functions: v1's evaluation step, and v2's,
which writes its decision to an output instead of cancelling the pipeline.
"""
import json
from pathlib import Path

from training.settings import load_parameters

# What v2's evaluation job writes to its output and the registration job reads.
DECISION_FILE_NAME = "decision.json"


def evaluation_settings():
    """``(metric, higher_is_better)`` from the ``evaluation`` section of ``parameters.json``."""
    settings = load_parameters()["evaluation"]
    return settings["metric"], settings["higher_is_better"]


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


def decide(metric, new_value, production_value, higher_is_better=True, compare=True):
    """The decision as data: ``register`` (bool), ``reason`` and the values compared.

    With ``compare`` false (RUN_EVALUATION=false) every new model is registered.
    """
    if not compare:
        return {"register": True, "reason": "Evaluation is off: the new model will be registered.",
                "metric": metric, "new": new_value, "production": None}
    better = is_new_model_better(new_value, production_value, higher_is_better)
    return {"register": better,
            "reason": decision_message(metric, new_value, production_value, better),
            "metric": metric, "new": new_value, "production": production_value}


def write_decision(decision, folder):
    """Write ``decision`` as ``decision.json`` into ``folder``; return the file's path."""
    path = Path(folder) / DECISION_FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(decision, indent=2) + "\n", encoding="utf-8")
    return path


def read_decision(folder):
    """The decision in ``folder``; ValueError when there is none or it has no ``register``."""
    path = Path(folder) / DECISION_FILE_NAME
    try:
        decision = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"no readable {DECISION_FILE_NAME} in {folder} ({error})") from None
    if not isinstance(decision, dict) or not isinstance(decision.get("register"), bool):
        raise ValueError(f"{path} does not say whether to register (a boolean 'register')")
    return decision
