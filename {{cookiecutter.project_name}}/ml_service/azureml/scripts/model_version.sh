#!/usr/bin/env bash
# Print the version of MODEL_NAME tagged with BUILD_ID (the CI build that registered it), or
# nothing. Reads RESOURCE_GROUP, WORKSPACE_NAME, MODEL_NAME, BUILD_ID.
# Every variable is checked before the first call to Azure.
: "${MODEL_NAME:?is not set}" "${BUILD_ID:?is not set}"
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
az ml model list --name "$MODEL_NAME" "${workspace[@]}" \
  --query "[?tags.BuildId=='$BUILD_ID'].version | [0]" --output tsv
