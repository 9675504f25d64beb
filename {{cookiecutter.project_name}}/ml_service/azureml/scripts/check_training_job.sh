#!/usr/bin/env bash
# Fail unless training job $1 ended Completed; print the version of the model it registered
# (tagged with BUILD_ID), or nothing, with a warning, when evaluation kept the production model.
# Reads RESOURCE_GROUP, WORKSPACE_NAME, MODEL_NAME, BUILD_ID.
# Every variable is checked before the first call to Azure.
job_name="${1:?usage: check_training_job.sh <job name>}"
: "${MODEL_NAME:?is not set}" "${BUILD_ID:?is not set}"
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
status="$(az ml job show --name "$job_name" "${workspace[@]}" --query status --output tsv)"
if [ "$status" != "Completed" ]; then
  echo "error: training job $job_name ended $status, not Completed" >&2
  exit 1
fi
version="$(bash "$(dirname "$0")/model_version.sh")"
if [ -z "$version" ]; then
  # As in v1: a model no better than production is a result, not a failure.
  echo "warning: no new model: production keeps its model (the evaluate step of job" \
    "$job_name says why)" >&2
  exit 0
fi
echo "$version"
