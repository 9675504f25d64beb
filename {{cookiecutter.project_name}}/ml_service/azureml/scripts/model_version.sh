#!/usr/bin/env bash
# Print the version of MODEL_NAME tagged with BUILD_ID (the CI build that registered it), or
# nothing. Reads RESOURCE_GROUP, WORKSPACE_NAME, MODEL_NAME, BUILD_ID.
# shellcheck source=ml_service/azureml/scripts/common.sh
. "$(dirname "$0")/common.sh"
az ml model list --name "${MODEL_NAME:?is not set}" "${workspace[@]}" \
  --query "[?tags.BuildId=='${BUILD_ID:?is not set}'].version | [0]" --output tsv
