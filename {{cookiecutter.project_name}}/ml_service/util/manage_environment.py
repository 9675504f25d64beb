"""The Azure ML environment of the training steps, from the project's conda file."""
from pathlib import Path

from azureml.core import Environment


def conda_file(env):
    """The conda specification shared by training and scoring, inside SOURCES_DIR_TRAIN."""
    return Path(env.sources_dir_train) / env.aml_env_train_conda_dep_file


def environment_from_conda(env):
    """A new (unregistered) environment named AML_ENV_NAME built from the conda file."""
    path = conda_file(env)
    if not path.is_file():
        raise SystemExit(f"ERROR: conda file {path} not found; set AML_ENV_TRAIN_CONDA_DEP_FILE "
                         "to a file inside SOURCES_DIR_TRAIN")
    return Environment.from_conda_specification(env.aml_env_name, str(path))


def get_environment(workspace, env):
    """The registered environment, re-registered when absent or AML_REBUILD_ENVIRONMENT=true."""
    registered = Environment.list(workspace=workspace)
    if env.aml_env_name in registered and not env.rebuild_env:
        return registered[env.aml_env_name]
    return environment_from_conda(env).register(workspace)
