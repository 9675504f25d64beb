"""The training pipeline job: submit it, wait for it, check it, cancel it, find its model.

    python -m ml_service.azureml.training submit         # last line: the job's name
    python -m ml_service.azureml.training wait <job>     # last line: its final status
    python -m ml_service.azureml.training check <job>    # fails unless Completed; last line:
                                                         # the model version (empty: none)
    python -m ml_service.azureml.training model_version  # last line: the version (empty: none)
    python -m ml_service.azureml.training cancel <job>

Every command reads RESOURCE_GROUP and WORKSPACE_NAME; ``submit`` also EXPERIMENT_NAME,
RUN_EVALUATION and, from a CI run, BUILD_ID and BUILD_URI (the register job tags the model with
them); ``check`` and ``model_version`` MODEL_NAME and BUILD_ID. The last line of the output is
the one the pipelines read; everything else goes to stderr.
"""
import argparse
import shlex
import subprocess
import sys

from ml_service.azureml.settings import AZUREML_DIR, read_settings
from ml_service.azureml.workspace import ml_client, signed_in
from ml_service.util.job_status import failure, is_final, wait_for_final_status

# Variables each command needs besides the workspace's, and the optional ones with defaults.
REQUIRED = {"submit": ("EXPERIMENT_NAME", "RUN_EVALUATION"), "wait": (), "cancel": (),
            "check": ("MODEL_NAME", "BUILD_ID"), "model_version": ("MODEL_NAME", "BUILD_ID")}
OPTIONAL = {"submit": {"BUILD_ID": "none", "BUILD_URI": "none"}}
NO_NEW_MODEL = "no new model: production keeps its model"


def report(message):
    print(message, file=sys.stderr, flush=True)


def job_overrides(settings):
    """What ``submit`` changes in pipeline.yml (``load_job``'s ``params_override``): the
    experiment, the evaluation switch and the build, as inputs and as the job's BuildId tag."""
    return [{"experiment_name": settings["EXPERIMENT_NAME"]},
            {"inputs.run_evaluation": settings["RUN_EVALUATION"]},
            {"inputs.build_id": settings["BUILD_ID"]},
            {"inputs.build_uri": settings["BUILD_URI"]},
            {"tags.BuildId": settings["BUILD_ID"]}]


def build_model_version(models, build_id):
    """The version of the model the build ``build_id`` registered (tag BuildId), or None; the
    newest when a re-run of the same build registered another."""
    versions = [int(model.version) for model in models
                if model.tags.get("BuildId") == build_id]
    return str(max(versions)) if versions else None


def submit(client, settings, azureml_dir=AZUREML_DIR):
    """Register environment.yml (a new version when it changed), submit pipeline.yml with the
    build's values; the job's name."""
    from azure.ai.ml import load_environment, load_job

    environment = client.environments.create_or_update(
        load_environment(azureml_dir / "environment.yml"))
    report(f"Environment {environment.name} version {environment.version}")
    job = client.jobs.create_or_update(
        load_job(azureml_dir / "pipeline.yml", params_override=job_overrides(settings)))
    report(f"Submitted {job.name}: {job.studio_url}")
    return job.name


def wait(client, job_name, poll_seconds, sign_in=None, sign_in_seconds=None, **clock):
    """The job's final status, polled every ``poll_seconds`` (signing in again as told)."""
    return wait_for_final_status(lambda: client.jobs.get(job_name).status, poll_seconds,
                                 sign_in=sign_in, sign_in_seconds=sign_in_seconds,
                                 report=lambda status: report(f"{job_name}: {status}"), **clock)


def registered_version(client, settings):
    """The version of MODEL_NAME that the build BUILD_ID registered, or None."""
    from azure.core.exceptions import ResourceNotFoundError

    try:
        models = list(client.models.list(name=settings["MODEL_NAME"]))
    except ResourceNotFoundError:  # no version of the model was ever registered
        models = []
    return build_model_version(models, settings["BUILD_ID"])


def check(client, job_name, settings):
    """Stop unless the job Completed; the version it registered, or None (evaluation kept the
    production model: as in v1, a result, not a failure)."""
    problem = failure(f"training job {job_name}", client.jobs.get(job_name).status)
    if problem:
        raise SystemExit(f"ERROR: {problem}")
    version = registered_version(client, settings)
    if version is None:
        report(f"warning: {NO_NEW_MODEL} (the evaluate step of job {job_name} says why)")
    return version


def cancel(client, job_name):
    """Cancel the job unless it is over already."""
    status = client.jobs.get(job_name).status
    if is_final(status):
        report(f"{job_name} already ended {status}: nothing to cancel")
        return
    client.jobs.begin_cancel(job_name).result()
    report(f"Cancelled {job_name}")


def sign_in_command(command):
    """A callable that runs ``command`` (e.g. GitHub's OIDC sign-in script), its output kept off
    stdout, whose last line is this program's answer."""
    args = shlex.split(command)
    return lambda: subprocess.run(args, check=True, stdout=sys.stderr)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("submit", help="register the environment, submit the pipeline job")
    waiting = commands.add_parser("wait", help="poll the job until it is over")
    waiting.add_argument("job_name")
    waiting.add_argument("--poll_seconds", type=float, default=30.0)
    waiting.add_argument("--sign_in_command",
                         help="run this before a poll every --sign_in_seconds (a session that "
                              "would expire first, e.g. GitHub's OIDC sign-in)")
    waiting.add_argument("--sign_in_seconds", type=float, default=2400.0)
    for name, text in (("check", "fail unless the job Completed; print its model version"),
                       ("cancel", "cancel the job unless it is over")):
        commands.add_parser(name, help=text).add_argument("job_name")
    commands.add_parser("model_version", help="print the version BUILD_ID registered")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    settings = read_settings(REQUIRED[args.command], OPTIONAL.get(args.command))
    with signed_in():
        client = ml_client(settings)
        if args.command == "submit":
            print(submit(client, settings))
        elif args.command == "wait":
            sign_in = sign_in_command(args.sign_in_command) if args.sign_in_command else None
            print(wait(client, args.job_name, args.poll_seconds, sign_in, args.sign_in_seconds))
        elif args.command == "check":
            print(check(client, args.job_name, settings) or "")
        elif args.command == "model_version":
            print(registered_version(client, settings) or "")
        else:
            cancel(client, args.job_name)


if __name__ == "__main__":
    main()
