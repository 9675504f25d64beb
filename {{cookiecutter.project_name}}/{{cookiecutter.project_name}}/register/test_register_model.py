import json
from types import SimpleNamespace
from unittest import mock

import pytest

from {{ cookiecutter.project_name }}.register import register_model


def test_a_missing_model_file_is_one_clear_error(tmp_path):
    with pytest.raises(SystemExit, match=r"error: no model file .*m\.pkl"):
        register_model.main(["--model_name", "m.pkl", "--step_input", str(tmp_path)])


def pipeline_step_run(parent_tags):
    """A step run of a pipeline run with ``parent_tags``: the point where Azure is cut."""
    parent = mock.Mock(id="pipeline-run-1")
    parent.get_tags.return_value = parent_tags
    run = mock.Mock(experiment=SimpleNamespace(workspace="ws", name="mlopspython"))
    run.parent = parent
    return run


@pytest.mark.parametrize("parent_tags, lineage", [({"dataset_id": "d-1"}, True), ({}, False)])
def test_the_step_registers_with_tags_and_any_dataset(tmp_path, parent_tags, lineage):
    (tmp_path / "m.pkl").write_bytes(b"model")
    (tmp_path / "metrics.json").write_text(json.dumps({"auc": 0.63}), encoding="utf-8")
    with mock.patch.object(register_model.Run, "get_context",
                           return_value=pipeline_step_run(parent_tags)), \
            mock.patch.object(register_model.Dataset, "get_by_id", return_value="dataset") as get, \
            mock.patch.object(register_model.Model, "register") as register:
        register_model.main(["--model_name", "m.pkl", "--step_input", str(tmp_path)])
    arguments = register.call_args.kwargs
    assert arguments["model_path"] == str(tmp_path / "m.pkl")
    assert arguments["tags"]["auc"] == "0.63" and "BuildId" not in arguments["tags"]
    if lineage:
        get.assert_called_once_with("ws", "d-1")
        assert arguments["datasets"] == [("training data", "dataset")]
    else:
        assert arguments["datasets"] is None and not get.called
