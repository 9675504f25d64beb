"""The model registry through azure-ai-ml: the one place the v2 jobs talk to Azure.

Inside an Azure ML job, Azure ML names the workspace in ``AZUREML_ARM_*`` variables, and the
pipeline runs with ``user_identity``, so ``AzureMLOnBehalfOfCredential`` acts as whoever
submitted it (the CI's service connection): no secret and no extra role set-up.
"""
import os

from azure.core.exceptions import ResourceNotFoundError

from evaluate.decision import metric_from_tags

WORKSPACE_VARIABLES = ("AZUREML_ARM_SUBSCRIPTION", "AZUREML_ARM_RESOURCEGROUP",
                       "AZUREML_ARM_WORKSPACE_NAME")


class RegistryError(RuntimeError):
    """The registry cannot be reached from here; the message says why."""


def workspace_from_environment(environ=os.environ):
    """(subscription, resource group, workspace) of the job's workspace."""
    missing = [name for name in WORKSPACE_VARIABLES if not environ.get(name)]
    if missing:
        raise RegistryError(f"{', '.join(missing)} not set: Azure ML sets them inside a job, "
                            "which is where this step runs")
    return tuple(environ[name] for name in WORKSPACE_VARIABLES)


def ml_client(environ=os.environ):
    """An MLClient for the job's workspace, signed in as the job's user identity."""
    # Imported here: azure.ai.ml takes seconds to import and the pure helpers need none of it.
    from azure.ai.ml import MLClient
    from azure.ai.ml.identity import AzureMLOnBehalfOfCredential

    subscription, resource_group, workspace = workspace_from_environment(environ)
    return MLClient(AzureMLOnBehalfOfCredential(), subscription, resource_group, workspace)


def production_metric(client, model_name, metric):
    """``metric`` of production: the newest version of ``model_name`` tagged with it, or None."""
    try:
        versions = list(client.models.list(name=model_name))
    except ResourceNotFoundError:
        return None
    for model in sorted(versions, key=lambda model: int(model.version), reverse=True):
        value = metric_from_tags(model.tags, metric)
        if value is not None:
            return value
    return None


def register_model(client, model_name, model_file, tags, description):
    """Register ``model_file`` as a new version of ``model_name``; the registered Model."""
    from azure.ai.ml.constants import AssetTypes
    from azure.ai.ml.entities import Model

    return client.models.create_or_update(Model(
        name=model_name, path=str(model_file), type=AssetTypes.CUSTOM_MODEL, tags=tags,
        description=description))
