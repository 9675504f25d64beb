#!/usr/bin/env bash
# Cancel training job $1 (the CI run that submitted it was cancelled).
# Reads RESOURCE_GROUP, WORKSPACE_NAME.
# shellcheck source=ml_service/azureml/scripts/common.sh
. "$(dirname "$0")/common.sh"
az ml job cancel --name "${1:?usage: cancel_training_job.sh <job name>}" "${workspace[@]}"
