"""The generated repository's own ml_service suite, run as a team would run it."""
import sys

import pytest

from azure_devops import structural_bakes
from conftest import run

# Two bakes cover ml_service's answers: RUN_EVALUATION off (the default) and everything on.
SUITE_BAKES = (0, -1)


@pytest.mark.slow
@pytest.mark.parametrize("index", SUITE_BAKES, ids=["defaults", "everything-on"])
def test_ml_service_suite_passes_offline(index, tmp_path):
    """Imports every ml_service module with the pinned azureml-sdk and builds the training
    pipeline's steps offline; HOME is a scratch folder because azureml-core writes ~/.azureml."""
    _, project = structural_bakes()[index]
    completed = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                     "ml_service"], project, env={"HOME": str(tmp_path)})
    assert " passed" in completed.stdout and "skipped" not in completed.stdout
