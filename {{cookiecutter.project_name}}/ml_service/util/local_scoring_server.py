"""Run Azure ML's own inference server on this machine, reachable from this machine only.

    python -m ml_service.util.local_scoring_server --model_dir outputs --port 5001 \\
        --entry_script {{ cookiecutter.project_name }}/scoring/score.py

It takes exactly the options of ``azmlinfsrv`` (azureml-inference-server-http, the server that
runs ``score.py`` in ACI and AKS) and sets the server up exactly as ``azmlinfsrv`` does, but binds
it to 127.0.0.1 instead of 0.0.0.0, so a laptop does not publish a model to its whole network.
``make serve`` runs it on the model that ``make train`` wrote.
"""
import os
import sys

from azureml_inference_server_http import amlserver
from azureml_inference_server_http.constants import (
    ENV_HEALTH_PORT,
    ENV_PORT,
    ENV_SEPERATE_HEALTH_ENDPOINT,
    ENV_WORKER_COUNT,
    PACKAGE_ROOT,
)
from azureml_inference_server_http.log_config import load_logging_config

LOOPBACK_HOST = "127.0.0.1"


def check_paths(entry_script, model_dir):
    """One line naming the missing file or folder, or None; azmlinfsrv would only fail later."""
    if entry_script and not os.path.isfile(entry_script):
        return f"scoring script {entry_script} does not exist"
    if model_dir and not os.path.isdir(model_dir):
        return f"model folder {model_dir} does not exist: train a model first (make train)"
    return None


def configure_server(argv):
    """Parse ``argv`` and set the process up as ``azmlinfsrv`` does; return the runner's arguments.

    ``azmlinfsrv`` has no host option: ``amlserver.run()`` hands the constant 0.0.0.0 to the
    platform runner, which writes it into gunicorn's command line, and gunicorn lets that outrank
    its config file and GUNICORN_CMD_ARGS. So the bind address can only be chosen where the runner
    is called. This repeats ``amlserver.run()``'s set-up calls, in its order, with the server's own
    functions, and returns what it would pass to the runner with the loopback host instead. A
    renamed function in a new server version fails here loudly; overwriting the module's
    DEFAULT_HOST instead would, after such a change, silently bind to 0.0.0.0 again.
    """
    # The server's parser reads sys.argv, so its options, defaults and errors stay its own.
    sys.argv = [sys.argv[0], *argv]
    args = amlserver.parse_arguments()
    problem = check_paths(args.entry_script, args.model_dir)
    if problem:
        sys.exit(f"error: {problem}")
    load_logging_config(PACKAGE_ROOT)
    amlserver.merge_configuration(args)
    amlserver.validate_environment_variables()
    amlserver.set_path_variable()
    amlserver.print_server_info()
    amlserver.print_server_settings()
    amlserver.print_routes()
    amlserver.print_python_path()
    runner_args = [LOOPBACK_HOST, int(os.environ[ENV_PORT]), int(os.environ[ENV_WORKER_COUNT])]
    # As in amlserver.run(): only the gunicorn runner takes a separate health port.
    if sys.platform != "win32" and os.getenv(ENV_SEPERATE_HEALTH_ENDPOINT) == "true":
        runner_args.append(int(os.environ[ENV_HEALTH_PORT]))
    return runner_args


def platform_runner():
    """The server's runner for this platform: gunicorn on Linux and macOS, waitress on Windows."""
    if sys.platform == "win32":
        from azureml_inference_server_http import amlserver_win as runner
    else:
        from azureml_inference_server_http import amlserver_linux as runner
    return runner


def main(argv=None):
    runner_args = configure_server(sys.argv[1:] if argv is None else argv)
    platform_runner().run(*runner_args)


if __name__ == "__main__":
    main()
