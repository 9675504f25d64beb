"""The variables each Azure ML step reads, every one checked before its first call to Azure.

A step names what it needs; when any is missing it stops with one line naming all of them. Local
runs read ``.env`` (a copy of ``.env.example``); variables of the environment win over it.
"""
import os
from pathlib import Path

from dotenv import load_dotenv

# The folder of the Azure ML YAML (pipeline, environment, endpoint...), this package's.
AZUREML_DIR = Path(__file__).resolve().parent
WORKSPACE = ("RESOURCE_GROUP", "WORKSPACE_NAME")
# Variables that reach Azure ML as the strings "true" or "false".
BOOLEANS = ("RUN_EVALUATION",)


class SettingsError(ValueError):
    """A variable is missing or malformed; the message names it and what is allowed."""


def settings_from(environ, required, optional=None):
    """``{name: value}`` of the ``required`` variables (the workspace's included) and of the
    ``optional`` ones (``{name: default}``); raises SettingsError naming every missing one."""
    names = (*WORKSPACE, *required)
    missing = [name for name in names if not environ.get(name, "").strip()]
    if missing:
        raise SettingsError(f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not "
                            "set: give the step these variables, or put them in .env (a copy "
                            "of .env.example)")
    values = {name: environ[name].strip() for name in names}
    values.update({name: environ.get(name, "").strip() or default
                   for name, default in (optional or {}).items()})
    for name in BOOLEANS:
        if name in values and values[name] not in ("true", "false"):
            raise SettingsError(f"{name}={values[name]!r} is not a boolean; allowed: true or "
                                "false")
    return values


def read_settings(required, optional=None, dotenv_path=".env"):
    """``settings_from`` the environment after loading ``.env``; a problem exits with one line."""
    load_dotenv(dotenv_path, override=False)
    try:
        return settings_from(os.environ, required, optional)
    except SettingsError as error:
        raise SystemExit(f"ERROR: {error}") from None
