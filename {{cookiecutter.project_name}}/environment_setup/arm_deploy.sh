#!/usr/bin/env bash
# The ARM deployment of the IaC pipeline, run by an AzureCLI@2 step:
#   bash environment_setup/arm_deploy.sh what-if   pull requests: preview the changes, change nothing
#   bash environment_setup/arm_deploy.sh create    main: create or update every resource
# Reads the variable group's BASE_NAME, LOCATION, RESOURCE_GROUP, WORKSPACE_NAME
{%- if cookiecutter.deploy_aks %}, AKS_COMPUTE_NAME{% endif %}
{%- if cookiecutter.deploy_webapp %}, WEBAPP_DEPLOYMENT_NAME{% endif %}.
{%- if cookiecutter.deploy_aks or cookiecutter.deploy_webapp %}
# Safe to run again: ARM applies whatever the template says on every run, so what earlier runs
# and the CD made is looked up first and passed back as parameters.
{%- endif %}
set -euo pipefail

mode="${1:-}"
if [ "$mode" != what-if ] && [ "$mode" != create ]; then
    echo "usage: arm_deploy.sh what-if|create" >&2
    exit 2
fi
template="$(dirname "${BASH_SOURCE[0]}")/arm-templates/cloud-environment.json"
parameters=(baseName="$BASE_NAME" location="$LOCATION" workspace="$WORKSPACE_NAME")

if [ "$mode" = create ]; then
    az group create --name "$RESOURCE_GROUP" --location "$LOCATION" --output none
elif [ "$(az group exists --name "$RESOURCE_GROUP")" != true ]; then
    echo "Resource group $RESOURCE_GROUP does not exist yet: the first run on main creates everything."
    exit 0
fi
{%- if cookiecutter.deploy_aks %}

# Attaching a cluster that is attached already fails: leave the attach out once it is there.
if az resource show --resource-group "$RESOURCE_GROUP" \
        --namespace Microsoft.MachineLearningServices --parent "workspaces/$WORKSPACE_NAME" \
        --resource-type computes --name "$AKS_COMPUTE_NAME" --output none 2> /dev/null; then
    parameters+=(aksAttached=true)
fi
{%- endif %}
{%- if cookiecutter.deploy_webapp %}

# The Web App keeps the image the CD deployed and the key its callers use.
site=(--name "$WEBAPP_DEPLOYMENT_NAME" --resource-group "$RESOURCE_GROUP")
if az webapp show "${site[@]}" --output none 2> /dev/null; then
    parameters+=(webappImage="$(az webapp config show "${site[@]}" --query linuxFxVersion --output tsv)")
    key="$(az webapp config appsettings list "${site[@]}" \
        --query "[?name=='SCORING_KEY'].value | [0]" --output tsv)"
    if [ -n "$key" ]; then
        echo "##vso[task.setsecret]$key"
        parameters+=(webappScoringKey="$key")
    fi
fi
{%- endif %}

if [ "$mode" = what-if ]; then
    az deployment group what-if --resource-group "$RESOURCE_GROUP" --template-file "$template" \
        --parameters "${parameters[@]}"
else
    az deployment group create --resource-group "$RESOURCE_GROUP" --mode Incremental \
        --template-file "$template" --parameters "${parameters[@]}" --output none
fi
