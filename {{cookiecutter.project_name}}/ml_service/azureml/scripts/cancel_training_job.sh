#!/usr/bin/env bash
# Cancel training job $1 (the CI run that submitted it was cancelled).
# Reads RESOURCE_GROUP, WORKSPACE_NAME.
job_name="${1:?usage: cancel_training_job.sh <job name>}"
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
az ml job cancel --name "$job_name" "${workspace[@]}"
