"""Run the training pipeline this build published and wait for it: the CI's training step.

    python -m ml_service.pipelines.run_train_pipeline run --timeout_minutes 45
    python -m ml_service.pipelines.run_train_pipeline cancel

``run`` finds the published pipeline TRAINING_PIPELINE_NAME whose version is this build's id,
submits it to EXPERIMENT_NAME with the model name and the build's tags (BuildId, BuildUri: the
register step tags the model with them), sets the job variable AML_RUN_ID, and polls the run
until it is over. It fails unless the run Completed, with one exception: when evaluation may
cancel the run (RUN_EVALUATION and ALLOW_RUN_CANCEL true), a Canceled run is the evaluate step
keeping the production model, and the step ends green with a warning (the model artifact then
says "no new model"). When the timeout comes first, or the step is stopped (SIGINT, then SIGTERM:
what the Azure Pipelines agent sends on cancel or timeout), it cancels the run before exiting.

``cancel`` is the second line of defence, for an agent that killed the step before it could:
it cancels the run AML_RUN_ID unless that is over already.
"""
import argparse
import os
import signal

from ml_service.util.env_variables import read_env_or_exit
from ml_service.util.job_status import (COMPLETED, WaitTimeout, failure, is_final,
                                        wait_for_final_status)
from ml_service.util.model_artifact import set_variable
from ml_service.util.workspace import get_workspace

RUN_ID_VARIABLE = "AML_RUN_ID"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopRequested(BaseException):
    """The step was told to stop (the CI job was cancelled or timed out). A BaseException, as
    KeyboardInterrupt is, so that no ``except Exception`` on the way swallows it."""


def select_pipeline(published_pipelines, name, version):
    """The one published pipeline with ``name`` and ``version`` (the build id)."""
    matches = [pipeline for pipeline in published_pipelines
               if pipeline.name == name and pipeline.version == version]
    if not matches:
        raise SystemExit(f"ERROR: no published pipeline {name!r} with version {version!r}; "
                         "run the build_train_pipeline module of this build first")
    if len(matches) > 1:
        raise SystemExit(f"ERROR: {len(matches)} published pipelines {name!r} have version "
                         f"{version!r}; disable the extra ones in the workspace")
    return matches[0]


def run_tags(env):
    """Tags that let the CI find the model this run registers (``BuildId``)."""
    tags = {"BuildId": env.build_id}
    if env.build_uri:
        tags["BuildUri"] = env.build_uri
    return tags


def pipeline_parameters(env):
    """The published pipeline's parameters this run sets."""
    return {"model_name": env.model_name}


def evaluation_may_cancel(env):
    """Whether the evaluate step cancels the run when the new model is not better."""
    return env.run_evaluation and env.allow_run_cancel


def outcome(run_id, status, evaluation_cancels):
    """(whether the CI goes on, the line it prints) for a run that ended ``status``."""
    if status == COMPLETED:
        return True, f"Training run {run_id} {COMPLETED}"
    if status == "Canceled" and evaluation_cancels:
        return True, ("##vso[task.logissue type=warning]Training run "
                      f"{run_id} was cancelled: by the evaluate step when the new model is no "
                      "better than production's (its log says), or by hand in Azure ML studio")
    return False, f"ERROR: {failure(f'training run {run_id}', status)}"


def stop_on_signals():
    """Make SIGINT and SIGTERM raise StopRequested, so the run is cancelled on the way out."""
    def stop(signum, _frame):
        raise StopRequested(signal.Signals(signum).name)
    for signum in STOP_SIGNALS:
        signal.signal(signum, stop)


def watch(run, timeout_seconds, poll_seconds, evaluation_cancels, **clock):
    """Poll ``run`` until it is over and stop unless it may count as done; cancel it when the
    timeout or a stop signal comes first."""
    try:
        status = wait_for_final_status(run.get_status, poll_seconds, timeout_seconds,
                                       report=lambda status: print(f"{run.id}: {status}",
                                                                   flush=True), **clock)
    except WaitTimeout as timeout:
        run.cancel()
        raise SystemExit(f"ERROR: training run {run.id} was still {timeout} after "
                         f"{timeout_seconds / 60:g} minutes: cancelled it") from None
    except StopRequested as stop:
        run.cancel()
        raise SystemExit(f"ERROR: stopped by {stop} (the CI job was cancelled or timed out): "
                         f"cancelled training run {run.id}") from None
    going_on, line = outcome(run.id, status, evaluation_cancels)
    if not going_on:
        raise SystemExit(line)
    print(line)


def start(experiment, published_pipelines, env):
    """Submit this build's published pipeline to ``experiment``; the run."""
    pipeline = select_pipeline(published_pipelines, env.training_pipeline_name, env.build_id)
    run = experiment.submit(pipeline, tags=run_tags(env),
                            pipeline_parameters=pipeline_parameters(env))
    # A job variable at once (flushed: the agent reads it from the log as it comes), for the
    # CI's cancel step, even if this step is killed.
    print(set_variable(RUN_ID_VARIABLE, run.id, is_output=False), flush=True)
    print(f"Submitted training run {run.id}: {run.get_portal_url()}", flush=True)
    return run


def run_training(env, timeout_seconds, poll_seconds):
    # Imported here: ``cancel`` and the tests of the pure parts need none of the pipeline SDK.
    from azureml.core import Experiment
    from azureml.pipeline.core import PublishedPipeline

    stop_on_signals()
    workspace = get_workspace(env)
    run = start(Experiment(workspace, env.experiment_name), PublishedPipeline.list(workspace), env)
    watch(run, timeout_seconds, poll_seconds, evaluation_may_cancel(env))


def cancel_run(run):
    """Cancel ``run`` unless it is over; what happened, in one line."""
    status = run.get_status()
    if is_final(status):
        return f"Training run {run.id} already ended {status}: nothing to cancel"
    run.cancel()
    return f"Cancelled training run {run.id} ({status})"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="submit the published pipeline and wait for it")
    run.add_argument("--timeout_minutes", type=float, default=45.0,
                     help="cancel the run and fail when it is not over by then")
    run.add_argument("--poll_seconds", type=float, default=30.0)
    commands.add_parser("cancel", help=f"cancel the run ${RUN_ID_VARIABLE} unless it is over")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    env = read_env_or_exit()
    if args.command == "run":
        run_training(env, args.timeout_minutes * 60, args.poll_seconds)
        return
    run_id = os.environ.get(RUN_ID_VARIABLE, "").strip()
    if not run_id:
        raise SystemExit(f"ERROR: {RUN_ID_VARIABLE} is not set: the run step sets it when it "
                         "submits the run")
    from azureml.core import Run

    print(cancel_run(Run.get(get_workspace(env), run_id)))


if __name__ == "__main__":
    main()
