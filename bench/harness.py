"""Imported first by every benchmark that uses the template's own code: run as
``python bench/<name>.py``, Python puts ``bench/`` on ``sys.path``, not the template checkout, so
this puts the checkout first. The benchmarks then import the test helpers (``tests.support``: one
way to bake, to find the workshop sample, to serve a model) by name, as pytest does with
setup.cfg's ``pythonpath = .``; first, ahead of site-packages, where an installed distribution may
ship a top-level ``tests`` package of its own."""
import sys
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TEMPLATE_DIR))
