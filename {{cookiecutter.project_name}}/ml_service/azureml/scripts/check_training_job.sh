#!/usr/bin/env bash
# Fail unless training job $1 ended Completed and registered a model tagged with BUILD_ID;
# print that model's version. Reads RESOURCE_GROUP, WORKSPACE_NAME, MODEL_NAME, BUILD_ID.
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
  echo "error: model was not registered for this run: job $job_name found it no better than" \
    "production (its evaluate step says why)" >&2
  exit 1
fi
echo "$version"
