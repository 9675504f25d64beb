"""The one place ml_service connects to the Azure ML workspace."""
from azureml.core import Workspace
from azureml.core.authentication import AzureCliAuthentication


def get_workspace(env):
    """The workspace named in ``env``, signed in as the Azure CLI is (``az login`` or the
    pipeline's AzureCLI task), so no secret is ever read by this code."""
    return Workspace.get(
        name=env.workspace_name,
        subscription_id=env.subscription_id,
        resource_group=env.resource_group,
        auth=AzureCliAuthentication(),
    )
