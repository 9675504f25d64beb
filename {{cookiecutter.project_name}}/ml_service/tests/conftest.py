"""Settings for ml_service tests: the values of .env.example, the one list of them."""
from pathlib import Path

import pytest
from dotenv import dotenv_values

from ml_service.util.env_variables import env_from_mapping

REPO_ROOT = Path(__file__).resolve().parents[2]


def env_example():
    """The variables of the repository's .env.example, read as python-dotenv reads .env."""
    return dotenv_values(REPO_ROOT / ".env.example")


def complete_environ(**overrides):
    """.env.example plus a subscription id (the one value a team fills in), then overrides."""
    return {**env_example(), "SUBSCRIPTION_ID": "00000000-0000-0000-0000-000000000000",
            **overrides}


@pytest.fixture
def make_env():
    """Build typed settings from .env.example with some variables replaced."""
    return lambda **overrides: env_from_mapping(complete_environ(**overrides))
