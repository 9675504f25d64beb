"""What the pipeline steps share: the model's file name, ``parameters.json`` and ``metrics.json``.

One place for each, read by training, evaluation and registration (``scoring/score.py`` keeps its
own copy of the model file name on purpose: it is deployed alone). It lives in ``training`` so
that every step can import it both ways it runs: Azure ML runs each step with this package's
folder as the snapshot root (``training.settings``), and ``train.py`` also runs as
``{{ cookiecutter.project_name }}.training.train`` on a laptop (a relative import).
"""
import json
from pathlib import Path

PARAMETERS_FILE = Path(__file__).resolve().parents[1] / "parameters.json"
MODEL_FILE_NAME = "{{ cookiecutter.__model_name }}"
METRICS_FILE_NAME = "metrics.json"


def load_parameters(path=PARAMETERS_FILE):
    """All sections of ``parameters.json``."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
