#!/usr/bin/env bash
# Sign the Azure CLI in again with a fresh OpenID Connect token of this job. azure/login's session
# ends after about an hour and cannot renew itself (Azure/login #180); training can take longer.
# Needs the job's `id-token: write` and AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID.
# The token goes from GitHub to az through a variable: it is never printed.
set -euo pipefail
token="$(curl --silent --show-error --fail \
  --header "Authorization: bearer ${ACTIONS_ID_TOKEN_REQUEST_TOKEN:?needs id-token: write}" \
  "${ACTIONS_ID_TOKEN_REQUEST_URL:?needs id-token: write}&audience=api://AzureADTokenExchange" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["value"])')"
az login --service-principal --username "${AZURE_CLIENT_ID:?is not set}" \
  --tenant "${AZURE_TENANT_ID:?is not set}" --federated-token "$token" --output none
az account set --subscription "${AZURE_SUBSCRIPTION_ID:?is not set}"
