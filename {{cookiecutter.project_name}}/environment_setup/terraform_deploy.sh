#!/usr/bin/env bash
# Terraform for the IaC pipeline, run by an AzureCLI@2 step with addSpnToEnvironment: true (which
# sets servicePrincipalId, tenantId and servicePrincipalKey or idToken).
#   bash environment_setup/terraform_deploy.sh plan    pull requests: show the plan, change nothing
#   bash environment_setup/terraform_deploy.sh apply   main: state store, plan, apply that plan
# Reads the pipeline variables BASE_NAME, LOCATION, RESOURCE_GROUP, WORKSPACE_NAME and TF_STATE_*.
set -euo pipefail

mode="${1:-}"
if [ "$mode" != plan ] && [ "$mode" != apply ]; then
    echo "usage: terraform_deploy.sh plan|apply" >&2
    exit 2
fi
cd "$(dirname "${BASH_SOURCE[0]}")/tf-templates"

# Terraform signs in as the service connection: a secret, or workload identity federation.
export ARM_CLIENT_ID="$servicePrincipalId"
export ARM_TENANT_ID="$tenantId"
ARM_SUBSCRIPTION_ID="$(az account show --query id -o tsv)"
export ARM_SUBSCRIPTION_ID
if [ -n "${servicePrincipalKey:-}" ]; then
    export ARM_CLIENT_SECRET="$servicePrincipalKey"
else
    export ARM_USE_OIDC=true
    export ARM_OIDC_TOKEN="$idToken"
fi
export TF_VAR_BASE_NAME="$BASE_NAME"
export TF_VAR_RESOURCE_GROUP="$RESOURCE_GROUP"
export TF_VAR_WORKSPACE_NAME="$WORKSPACE_NAME"

if [ "$mode" = apply ]; then
    az group create --name "$RESOURCE_GROUP" --location "$LOCATION"
    az storage account create --name "$TF_STATE_STORAGE_ACCOUNT" --resource-group "$RESOURCE_GROUP" \
        --location "$LOCATION" --sku Standard_LRS --min-tls-version TLS1_2
    az storage container create --name "$TF_STATE_CONTAINER" --account-name "$TF_STATE_STORAGE_ACCOUNT"
elif ! az storage account show --name "$TF_STATE_STORAGE_ACCOUNT" \
        --resource-group "$RESOURCE_GROUP" > /dev/null 2>&1; then
    # Before the first apply there is no state to plan against: check the files only.
    terraform init -input=false -backend=false
    terraform validate
    echo "No Terraform state yet ($TF_STATE_STORAGE_ACCOUNT): validated only; main creates it."
    exit 0
fi

terraform init -input=false \
    -backend-config="resource_group_name=$RESOURCE_GROUP" \
    -backend-config="storage_account_name=$TF_STATE_STORAGE_ACCOUNT" \
    -backend-config="container_name=$TF_STATE_CONTAINER" \
    -backend-config="key=$TF_STATE_KEY"
terraform validate
terraform plan -input=false -out=tfplan
if [ "$mode" = apply ]; then
    terraform apply -input=false tfplan
fi
