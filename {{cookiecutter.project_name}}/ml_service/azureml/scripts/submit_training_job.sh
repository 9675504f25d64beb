#!/usr/bin/env bash
# Register the environment and submit the training pipeline job; print the job's name.
# Reads RESOURCE_GROUP, WORKSPACE_NAME, EXPERIMENT_NAME, RUN_EVALUATION and, from a CI run,
# BUILD_ID and BUILD_URI (the register job tags the model with them).
# Every variable is checked before the first call to Azure.
: "${EXPERIMENT_NAME:?is not set}" "${RUN_EVALUATION:?is not set}"
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
az ml environment create --file "$azureml_dir/environment.yml" "${workspace[@]}" --output none
job_name="$(az ml job create --file "$azureml_dir/pipeline.yml" "${workspace[@]}" \
  --set experiment_name="$EXPERIMENT_NAME" \
  --set inputs.run_evaluation="$RUN_EVALUATION" \
  --set inputs.build_id="${BUILD_ID:-none}" \
  --set inputs.build_uri="${BUILD_URI:-none}" \
  --set tags.BuildId="${BUILD_ID:-none}" \
  --query name --output tsv)"
if [ -z "$job_name" ]; then
  echo "error: az ml job create gave no job name" >&2
  exit 1
fi
echo "$job_name"
