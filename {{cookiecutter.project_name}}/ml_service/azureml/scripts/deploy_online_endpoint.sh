#!/usr/bin/env bash
# Create the online endpoint if it is missing, create or update its deployment with the model
# that build BUILD_ID registered, and give that deployment all the traffic; deploy nothing when
# that build registered no model (evaluation kept the production model).
# Reads RESOURCE_GROUP, WORKSPACE_NAME, MODEL_NAME, BUILD_ID, ENDPOINT_NAME, DEPLOYMENT_NAME.
# ENDPOINT_NAME wins over the names in the YAML, so one pair of files serves every endpoint.
# Every variable is checked before the first call to Azure.
: "${MODEL_NAME:?is not set}" "${BUILD_ID:?is not set}" \
  "${ENDPOINT_NAME:?is not set}" "${DEPLOYMENT_NAME:?is not set}"
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
endpoint="$ENDPOINT_NAME"
deployment="$DEPLOYMENT_NAME"
version="$(bash "$(dirname "$0")/model_version.sh")"
if [ -z "$version" ]; then
  echo "No new model: build $BUILD_ID registered no $MODEL_NAME (production keeps its model)," \
    "nothing deployed"
  exit 0
fi
model="azureml:$MODEL_NAME:$version"
if [ -z "$(az ml online-endpoint list "${workspace[@]}" \
      --query "[?name=='$endpoint'].name | [0]" --output tsv)" ]; then
  az ml online-endpoint create --file "$azureml_dir/endpoint.yml" --name "$endpoint" \
    "${workspace[@]}" --output none
fi
if [ -z "$(az ml online-deployment list --endpoint-name "$endpoint" "${workspace[@]}" \
      --query "[?name=='$deployment'].name | [0]" --output tsv)" ]; then
  az ml online-deployment create --file "$azureml_dir/deployment.yml" \
    --endpoint-name "$endpoint" "${workspace[@]}" --set model="$model" --all-traffic --output none
else
  az ml online-deployment update --file "$azureml_dir/deployment.yml" \
    --endpoint-name "$endpoint" "${workspace[@]}" --set model="$model" --output none
  az ml online-endpoint update --name "$endpoint" "${workspace[@]}" \
    --traffic "$deployment=100" --output none
fi
echo "Deployed $model to $endpoint/$deployment"
