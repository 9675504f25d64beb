"""Each generated repository passes its own CI code-quality stage (`make ci`) with no edits."""
import re

import pytest

from conftest import bake_once, crossed_combinations, matrix_id, run_make, writable_copy

# The workshop's defaults, and every optional part switched on for another team.
SUITE_ANSWERS = [{}, {**crossed_combinations()[-1], "team_number": "7"}]


@pytest.mark.slow
@pytest.mark.parametrize("overrides", SUITE_ANSWERS, ids=lambda o: matrix_id(o) or "defaults")
def test_generated_repository_passes_its_ci_stage_offline(overrides, tmp_path):
    # A copy: make ci writes reports into the repository, and the bake is shared.
    project = writable_copy(bake_once(**overrides), tmp_path)
    # HOME is scratch: azureml-core writes ~/.azureml.
    completed = run_make(project, "ci", env={"HOME": str(tmp_path)})
    summary = completed.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"=+ \d+ passed in .* =+", summary), summary
    # What the pipeline publishes: JUnit results of lint and tests, and Cobertura coverage.
    for report in ("lint-testresults.xml", "unit-testresults.xml", "coverage.xml"):
        assert (project / report).read_text(encoding="utf-8").startswith("<?xml")
