import json

from {{ cookiecutter.project_name }}.register.tags import (
    build_model_tags, missing_metrics, read_model_metrics, registration_metric_names)


def test_tags_name_the_metric_the_build_the_project_and_the_run():
    tags = build_model_tags(["auc"], {"auc": 0.6217, "best_iteration": 21},
                            {"BuildId": "42", "BuildUri": "https://dev.azure.com/x/42",
                             "dataset_id": "d-1"},
                            "mlopspython", "pipeline-run-1")
    assert tags == {"area": "{{ cookiecutter.project_name }}", "experiment_name": "mlopspython",
                    "run_id": "pipeline-run-1", "auc": "0.6217", "BuildId": "42",
                    "BuildUri": "https://dev.azure.com/x/42"}


def test_a_run_without_build_tags_or_metrics_still_gets_tags():
    # A pipeline started by hand has no BuildId/BuildUri (MLOpsPython issue #400 crashed here).
    tags = build_model_tags(["auc"], {}, {}, "mlopspython", "pipeline-run-1")
    assert tags == {"area": "{{ cookiecutter.project_name }}", "experiment_name": "mlopspython",
                    "run_id": "pipeline-run-1"}
    assert missing_metrics(["auc"], tags) == ["auc"]


def test_metrics_come_from_the_file_saved_with_the_model(tmp_path):
    (tmp_path / "metrics.json").write_text(json.dumps({"auc": 0.6}), encoding="utf-8")
    assert read_model_metrics(tmp_path) == {"auc": 0.6}
    assert read_model_metrics(tmp_path / "elsewhere") == {}


def test_every_model_is_tagged_with_its_auc():
    assert registration_metric_names() == ["auc"]
