"""Each generated repository's own test suite passes with no edits, as a team runs it."""
import re

import pytest

from conftest import bake_once, crossed_combinations, matrix_id, run_python

# The workshop's defaults, and every optional part switched on for another team.
SUITE_ANSWERS = [{}, {**crossed_combinations()[-1], "team_number": "7"}]


@pytest.mark.slow
@pytest.mark.parametrize("overrides", SUITE_ANSWERS, ids=lambda o: matrix_id(o) or "defaults")
def test_generated_suite_passes_offline(overrides, tmp_path):
    project = bake_once(**overrides)
    # HOME is scratch: azureml-core writes ~/.azureml. One LightGBM thread on shared cores.
    completed = run_python(["-m", "pytest", "-q", "-p", "no:cacheprovider"], project,
                           env={"HOME": str(tmp_path), "OMP_NUM_THREADS": "1"})
    summary = completed.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed in .*", summary), summary
