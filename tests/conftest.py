"""The fixtures several test modules share; the helpers they share live in ``tests.support``."""
import pytest

from tests.support.bakes import bake_once, rendered_answers
from tests.support.organiser import use_stand_in_gh


@pytest.fixture(scope="session")
def default_project():
    """What ``cookiecutter . --no-input`` generates (``driver_training/``), baked once."""
    return bake_once()


@pytest.fixture(scope="session")
def default_context():
    """The rendered answers, derived names included, of the default bake."""
    return rendered_answers()


@pytest.fixture
def stand_in_gh(tmp_path, monkeypatch):
    """``gh`` on PATH as the stand-in, with a GitHub of its own, in a sandbox HOME."""
    return use_stand_in_gh(tmp_path, monkeypatch)
