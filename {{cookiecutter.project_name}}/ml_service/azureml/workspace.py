"""The one place the v2 steps connect to Azure ML: an MLClient signed in as the Azure CLI is.

azure-identity's ``AzureCliCredential`` asks the ``az`` executable for each token, so the same
code runs after ``az login`` on a laptop, in an Azure DevOps ``AzureCLI@2`` step and after
GitHub's ``azure/login``, and reads no secret. The subscription is the one the CLI is set to
(``az account set``).
"""
import shutil
import subprocess
from contextlib import contextmanager

SUBSCRIPTION_QUERY = ("account", "show", "--query", "id", "--output", "tsv")
SIGN_IN = "run az login, or run this in a pipeline step signed in to Azure"


class SignInError(RuntimeError):
    """The Azure CLI is missing or signed in to no subscription; the message says what to do."""


def cli_subscription(run=subprocess.run):
    """The id of the subscription the Azure CLI is signed in to."""
    az = shutil.which("az")
    if az is None:
        raise SignInError("the Azure CLI (az) is not on PATH: install it, then run az login")
    completed = run([az, *SUBSCRIPTION_QUERY], capture_output=True, text=True, timeout=120)
    subscription = completed.stdout.strip()
    if completed.returncode != 0 or not subscription:
        said = (completed.stderr.strip().splitlines() or ["it printed no subscription"])[-1]
        raise SignInError(f"the Azure CLI has no subscription ({said}): {SIGN_IN}")
    return subscription


def ml_client(settings):
    """An MLClient for the workspace in ``settings``, signed in as the Azure CLI is."""
    # Imported here: azure.ai.ml takes seconds to import, and the commands check their
    # arguments and variables first.
    from azure.ai.ml import MLClient
    from azure.identity import AzureCliCredential

    return MLClient(AzureCliCredential(), cli_subscription(), settings["RESOURCE_GROUP"],
                    settings["WORKSPACE_NAME"])


@contextmanager
def signed_in():
    """Turn a missing sign-in into one line saying what to do; other errors keep their
    traceback (they are Azure's answers, and their details matter)."""
    from azure.core.exceptions import ClientAuthenticationError

    try:
        yield
    except SignInError as error:
        raise SystemExit(f"ERROR: {error}") from None
    except ClientAuthenticationError as error:
        reason = (str(error).strip().splitlines() or [""])[0]
        raise SystemExit(f"ERROR: signing in to Azure failed ({type(error).__name__}: "
                         f"{reason}): {SIGN_IN}") from None
