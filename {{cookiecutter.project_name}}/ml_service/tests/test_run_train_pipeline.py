"""The CI's training step: the published pipeline submitted with the build's values, waited for
within a timeout, cancelled when the step is stopped, and judged by how the run ended. The run is
a stand-in with the SDK's methods; the clock is the test's."""
import os
import signal
from types import SimpleNamespace

import pytest

from ml_service.pipelines import run_train_pipeline as step
from ml_service.tests.test_job_status import Clock


class StandInRun:
    """A PipelineRun: statuses in turn (the last repeats), cancel() recorded."""

    def __init__(self, *statuses, run_id="run-1"):
        self.id, self.statuses, self.cancelled = run_id, list(statuses), False

    def get_status(self):
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]

    def cancel(self):
        self.cancelled = True

    def get_portal_url(self):
        return f"https://ml.azure.com/runs/{self.id}"


def watch(run, evaluation_cancels=False, timeout=600, sleep=None):
    clock = Clock()
    step.watch(run, timeout, 30, evaluation_cancels, clock=clock, sleep=sleep or clock.sleep)


def test_a_completed_run_passes(capsys):
    watch(StandInRun("Running", "Completed"))
    assert capsys.readouterr().out.splitlines() == ["run-1: Running", "Training run run-1 "
                                                    "Completed"]


@pytest.mark.parametrize("status", ["Failed", "NotResponding", "Paused", "Canceled"])
def test_any_other_end_fails_the_step(status):
    run = StandInRun(status)
    with pytest.raises(SystemExit) as stopped:
        watch(run)
    assert str(stopped.value) == f"ERROR: training run run-1 ended {status}, not Completed"
    assert not run.cancelled


def test_a_run_the_evaluate_step_may_cancel_ends_green_with_a_warning(capsys):
    watch(StandInRun("Canceled"), evaluation_cancels=True)
    assert capsys.readouterr().out.startswith(
        "##vso[task.logissue type=warning]Training run run-1 was cancelled: by the evaluate step")


@pytest.mark.parametrize("evaluation, cancel, may_cancel", [
    ("true", "true", True), ("true", "false", False), ("false", "true", False)])
def test_only_evaluation_with_run_cancel_may_cancel(make_env, evaluation, cancel, may_cancel):
    env = make_env(RUN_EVALUATION=evaluation, ALLOW_RUN_CANCEL=cancel)
    assert step.evaluation_may_cancel(env) is may_cancel


def test_the_timeout_cancels_the_run_and_fails():
    run = StandInRun("Running")
    with pytest.raises(SystemExit, match="^ERROR: training run run-1 was still Running after 10 "
                                         "minutes: cancelled it$"):
        watch(run, timeout=600)
    assert run.cancelled


def test_a_stop_signal_cancels_the_run_and_fails():
    run = StandInRun("Running")

    def stopped_while_sleeping(seconds):
        raise step.StopRequested("SIGINT")
    with pytest.raises(SystemExit, match="^ERROR: stopped by SIGINT .*: cancelled training run "
                                         "run-1$"):
        watch(run, sleep=stopped_while_sleeping)
    assert run.cancelled


@pytest.mark.parametrize("signum", step.STOP_SIGNALS)
def test_the_agents_signals_become_a_stop_request(signum):
    previous = {number: signal.getsignal(number) for number in step.STOP_SIGNALS}
    try:
        step.stop_on_signals()
        with pytest.raises(step.StopRequested, match=signal.Signals(signum).name):
            os.kill(os.getpid(), signum)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def test_the_published_pipeline_runs_with_the_builds_values(make_env, capsys):
    env = make_env(BUILD_BUILDID="42", BUILD_URI="https://x/42")
    pipelines = [SimpleNamespace(name=env.training_pipeline_name, version=version,
                                 id=f"p-{version}") for version in ("41", "42")]
    submitted = {}

    def submit(config, **kwargs):
        submitted.update(config=config, **kwargs)
        return StandInRun("Running", run_id="run-42")
    run = step.start(SimpleNamespace(submit=submit), pipelines, env)

    assert run.id == "run-42"
    assert submitted == {"config": pipelines[1],
                         "tags": {"BuildId": "42", "BuildUri": "https://x/42"},
                         "pipeline_parameters": {"model_name": env.model_name}}
    # The CI's cancel step reads the run id from this job variable.
    assert capsys.readouterr().out.splitlines()[0] == (
        "##vso[task.setvariable variable=AML_RUN_ID]run-42")


def test_cancel_leaves_a_run_that_is_over_alone():
    finished, running = StandInRun("Failed"), StandInRun("Running")
    assert step.cancel_run(finished) == "Training run run-1 already ended Failed: nothing to cancel"
    assert step.cancel_run(running) == "Cancelled training run run-1 (Running)"
    assert (finished.cancelled, running.cancelled) == (False, True)


def test_cancel_without_a_run_id_is_one_line(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(step.RUN_ID_VARIABLE, raising=False)
    monkeypatch.setattr(step, "read_env_or_exit", lambda: None)
    monkeypatch.setattr(step, "get_workspace", pytest.fail)
    with pytest.raises(SystemExit, match="^ERROR: AML_RUN_ID is not set: the run step sets it"):
        step.main(["cancel"])


@pytest.mark.parametrize("argv", [[], ["run", "--timeout_minutes", "soon"], ["publish"]])
def test_a_wrong_command_line_is_a_usage_error(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        step.parse_args(argv)
    assert stopped.value.code == 2 and "usage:" in capsys.readouterr().err
