"""Settings for ml_service tests: the values of .env.example, the one list of them."""
from pathlib import Path

import pytest

from ml_service.util.env_variables import env_from_mapping

REPO_ROOT = Path(__file__).resolve().parents[2]


def env_example():
    """``KEY=value`` pairs of the repository's .env.example."""
    values = {}
    for line in (REPO_ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def complete_environ(**overrides):
    """.env.example plus a subscription id (the one value a team fills in), then overrides."""
    return {**env_example(), "SUBSCRIPTION_ID": "00000000-0000-0000-0000-000000000000",
            **overrides}


@pytest.fixture
def make_env():
    """Build typed settings from .env.example with some variables replaced."""
    return lambda **overrides: env_from_mapping(complete_environ(**overrides))
