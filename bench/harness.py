"""What the benchmarks share with the template's tests: one way to bake, to find the workshop
sample, and to serve a model (``tests/conftest.py`` and ``tests/local_server.py``)."""
import importlib
import sys
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parents[1]


def test_module(name):
    """A helper module of the template's tests, imported by name."""
    tests_dir = str(TEMPLATE_DIR / "tests")
    if tests_dir not in sys.path:
        sys.path.insert(0, tests_dir)
    return importlib.import_module(name)
