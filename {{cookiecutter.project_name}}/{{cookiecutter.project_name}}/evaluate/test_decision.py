import pytest

from {{ cookiecutter.project_name }}.evaluate.decision import (
    DECISION_FILE_NAME, decide, decision_message, evaluation_settings, is_new_model_better,
    metric_from_tags, read_decision, write_decision)


def test_a_higher_auc_is_better():
    assert is_new_model_better(0.64, 0.62)


def test_a_lower_auc_is_worse():
    assert not is_new_model_better(0.60, 0.62)


def test_a_tie_is_not_better():
    assert not is_new_model_better(0.62, 0.62)


def test_with_no_production_model_the_new_one_is_better():
    assert is_new_model_better(0.51, None)


def test_lower_is_better_metrics_compare_the_other_way():
    assert is_new_model_better(0.1, 0.2, higher_is_better=False)
    assert not is_new_model_better(0.3, 0.2, higher_is_better=False)
    assert not is_new_model_better(0.2, 0.2, higher_is_better=False)


def test_metric_tags_are_read_as_numbers():
    assert metric_from_tags({"auc": "0.6217"}, "auc") == 0.6217
    assert metric_from_tags({"BuildId": "12"}, "auc") is None
    assert metric_from_tags(None, "auc") is None


def test_the_settings_are_the_workshops_auc_higher_is_better():
    assert evaluation_settings() == ("auc", True)


def test_the_message_says_what_was_compared():
    assert decision_message("auc", 0.64, None, True).startswith("No production model")
    assert decision_message("auc", 0.6, 0.62, False) == (
        "New model auc 0.6000 is not better than production's 0.6200.")


def test_a_worse_model_is_not_registered_and_the_reason_says_so():
    decision = decide("auc", 0.60, 0.62)
    assert decision["register"] is False
    assert decision["reason"] == "New model auc 0.6000 is not better than production's 0.6200."


def test_with_evaluation_off_every_model_is_registered():
    assert decide("auc", 0.50, 0.62, compare=False)["register"] is True


def test_the_decision_round_trips_through_its_file(tmp_path):
    decision = decide("auc", 0.64, 0.62)
    write_decision(decision, tmp_path / "out")
    assert read_decision(tmp_path / "out") == decision


@pytest.mark.parametrize("content", [None, "not json", '{"register": "yes"}', "[]"])
def test_a_missing_or_unclear_decision_is_refused(tmp_path, content):
    if content is not None:
        (tmp_path / DECISION_FILE_NAME).write_text(content, encoding="utf-8")
    with pytest.raises(ValueError):
        read_decision(tmp_path)
