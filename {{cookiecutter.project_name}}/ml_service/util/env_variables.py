"""The settings ml_service reads from the environment (pipeline variables, or ``.env`` locally).

Nothing is read at import: ``read_env()`` reads the environment when it is called, so tests and
pipeline steps see the values of the moment. A missing or malformed value stops the script with
one line naming the variable.
"""
import os
from dataclasses import dataclass
from typing import Mapping, Optional

from dotenv import load_dotenv

TRUE_WORDS = ("true", "yes", "1")
FALSE_WORDS = ("false", "no", "0")

# The value a variable left out takes: the one the template rendered into the variables template
# and .env.example, from the same table (cookiecutter.json's __pipeline_variables).
DEFAULTS = {
{%- for name in ("DATASET_VERSION", "AML_ENV_TRAIN_CONDA_DEP_FILE", "AML_REBUILD_ENVIRONMENT",
                 "AML_CLUSTER_PRIORITY", "AML_CLUSTER_MIN_NODES", "AML_CLUSTER_MAX_NODES",
                 "RUN_EVALUATION", "ALLOW_RUN_CANCEL") %}
    "{{ name }}": "{{ cookiecutter.__pipeline_variables[name] }}",
{%- endfor %}
}


class EnvError(ValueError):
    """A required variable is missing or has a value of the wrong type."""


@dataclass(frozen=True)
class Env:
    subscription_id: str
    resource_group: str
    workspace_name: str
    experiment_name: str
    sources_dir_train: str
    train_script_path: str
    evaluate_script_path: str
    register_script_path: str
    score_script: str
    model_name: str
    dataset_name: str
    dataset_version: str
    training_pipeline_name: str
    aml_env_name: str
    aml_env_train_conda_dep_file: str
    rebuild_env: bool
    compute_name: str
    vm_size: str
    vm_priority: str
    min_nodes: int
    max_nodes: int
    run_evaluation: bool
    allow_run_cancel: bool
    build_id: str
    build_uri: Optional[str]
    datastore_name: Optional[str]


def _required(environ, name):
    value = environ.get(name, "").strip()
    if not value:
        raise EnvError(f"{name} is not set: add it to .env (see .env.example) "
                       "or to the pipeline variables")
    return value


def _optional(environ, name, default=None):
    value = environ.get(name, "").strip()
    return value or default


def _boolean(environ, name):
    value = _optional(environ, name, DEFAULTS[name]).lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise EnvError(f"{name}={value!r} is not a boolean; allowed: true or false")


def _integer(environ, name):
    value = _optional(environ, name, DEFAULTS[name])
    try:
        return int(value)
    except ValueError:
        raise EnvError(f"{name}={value!r} is not a whole number") from None


def env_from_mapping(environ: Mapping[str, str]) -> Env:
    """Build the typed settings from ``environ``; raises EnvError naming the first problem."""
    return Env(
        subscription_id=_required(environ, "SUBSCRIPTION_ID"),
        resource_group=_required(environ, "RESOURCE_GROUP"),
        workspace_name=_required(environ, "WORKSPACE_NAME"),
        experiment_name=_required(environ, "EXPERIMENT_NAME"),
        sources_dir_train=_required(environ, "SOURCES_DIR_TRAIN"),
        train_script_path=_required(environ, "TRAIN_SCRIPT_PATH"),
        evaluate_script_path=_required(environ, "EVALUATE_SCRIPT_PATH"),
        register_script_path=_required(environ, "REGISTER_SCRIPT_PATH"),
        score_script=_required(environ, "SCORE_SCRIPT"),
        model_name=_required(environ, "MODEL_NAME"),
        dataset_name=_required(environ, "DATASET_NAME"),
        dataset_version=_optional(environ, "DATASET_VERSION", DEFAULTS["DATASET_VERSION"]),
        training_pipeline_name=_required(environ, "TRAINING_PIPELINE_NAME"),
        aml_env_name=_required(environ, "AML_ENV_NAME"),
        aml_env_train_conda_dep_file=_optional(
            environ, "AML_ENV_TRAIN_CONDA_DEP_FILE", DEFAULTS["AML_ENV_TRAIN_CONDA_DEP_FILE"]),
        rebuild_env=_boolean(environ, "AML_REBUILD_ENVIRONMENT"),
        compute_name=_required(environ, "AML_COMPUTE_CLUSTER_NAME"),
        vm_size=_required(environ, "AML_COMPUTE_CLUSTER_CPU_SKU"),
        vm_priority=_optional(environ, "AML_CLUSTER_PRIORITY", DEFAULTS["AML_CLUSTER_PRIORITY"]),
        min_nodes=_integer(environ, "AML_CLUSTER_MIN_NODES"),
        max_nodes=_integer(environ, "AML_CLUSTER_MAX_NODES"),
        run_evaluation=_boolean(environ, "RUN_EVALUATION"),
        allow_run_cancel=_boolean(environ, "ALLOW_RUN_CANCEL"),
        # Azure Pipelines sets BUILD_BUILDID; a local run publishes under "local".
        build_id=_optional(environ, "BUILD_BUILDID", "local"),
        build_uri=_optional(environ, "BUILD_URI"),
        datastore_name=_optional(environ, "DATASTORE_NAME"),
    )


def read_env(dotenv_path=".env") -> Env:
    """Load ``.env`` (when present; real environment variables win) and read the settings."""
    if dotenv_path:
        load_dotenv(dotenv_path, override=False)
    return env_from_mapping(os.environ)


def read_env_or_exit(dotenv_path=".env") -> Env:
    """``read_env()`` for a script's ``main()``: a settings problem exits 1 with one line."""
    try:
        return read_env(dotenv_path)
    except EnvError as error:
        raise SystemExit(f"ERROR: {error}") from None
