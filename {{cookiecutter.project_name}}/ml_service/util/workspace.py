"""The one place ml_service connects to the Azure ML workspace."""
from azure.identity import AzureCliCredential
from azureml.core import Workspace
from azureml.core.authentication import TokenAuthentication

# azure-identity asks the `az` executable for tokens: no azure-cli Python package, whose pins
# clash with azureml-sdk's, and the same code works after `az login` and in an AzureCLI@2 step.
SCOPE_SUFFIX = "/.default"


def cli_token_provider(credential=None):
    """A ``get_token_for_audience`` for ``TokenAuthentication``: the Azure CLI's signed-in
    identity's token for an audience (the SDK passes a resource such as ARM's URL)."""
    credential = credential or AzureCliCredential()

    def get_token_for_audience(resource):
        return credential.get_token(resource + SCOPE_SUFFIX).token

    return get_token_for_audience


def cli_authentication(credential=None):
    """Sign-in as the Azure CLI is signed in; no secret is ever read by this code."""
    return TokenAuthentication(cli_token_provider(credential))


def get_workspace(env):
    """The workspace named in ``env``, signed in as the Azure CLI is (``az login`` or the
    pipeline's AzureCLI task)."""
    return Workspace.get(
        name=env.workspace_name,
        subscription_id=env.subscription_id,
        resource_group=env.resource_group,
        auth=cli_authentication(),
    )
