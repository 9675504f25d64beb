from types import SimpleNamespace
from unittest import mock

import pytest

from {{ cookiecutter.project_name }}.evaluate import evaluate_model
from {{ cookiecutter.project_name }}.evaluate.evaluate_model import last_logged


def test_a_metric_logged_twice_counts_once_with_its_last_value():
    assert last_logged([0.6, 0.62]) == 0.62
    assert last_logged(0.62) == 0.62


def fake_pipeline_run(new_auc):
    """An Azure ML step run whose pipeline run logged ``new_auc``: the point where Azure is cut."""
    parent = mock.Mock(id="pipeline-run-1")
    parent.get_metrics.return_value = {} if new_auc is None else {"auc": new_auc}
    run = mock.Mock(experiment=SimpleNamespace(workspace="ws", name="mlopspython"))
    run.parent = parent
    return run


@pytest.mark.parametrize("new_auc, production_tags, allow_cancel, cancelled", [
    (0.60, {"auc": "0.62"}, "true", True),
    (0.62, {"auc": "0.62"}, "true", True),
    (0.60, {"auc": "0.62"}, "false", False),
    (0.64, {"auc": "0.62"}, "true", False),
    (0.55, None, "true", False),
])
def test_the_step_cancels_the_pipeline_only_for_a_model_that_is_not_better(
        new_auc, production_tags, allow_cancel, cancelled, capsys):
    run = fake_pipeline_run(new_auc)
    production = [] if production_tags is None else [SimpleNamespace(tags=production_tags)]
    with mock.patch.object(evaluate_model.Run, "get_context", return_value=run), \
            mock.patch.object(evaluate_model.Model, "list", return_value=production) as model_list:
        evaluate_model.main(["--model_name", "m.pkl", "--allow_run_cancel", allow_cancel])
    assert run.parent.cancel.called == cancelled
    model_list.assert_called_once_with("ws", name="m.pkl",
                                       tags=[["experiment_name", "mlopspython"]], latest=True)
    assert f"auc {new_auc:.4f}" in capsys.readouterr().out


def test_the_step_fails_clearly_when_training_logged_no_auc():
    with mock.patch.object(evaluate_model.Run, "get_context", return_value=fake_pipeline_run(None)):
        with pytest.raises(SystemExit, match="logged no 'auc' metric to the pipeline run"):
            evaluate_model.main([])
