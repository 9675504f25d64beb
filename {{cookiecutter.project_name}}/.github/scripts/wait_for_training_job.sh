#!/usr/bin/env bash
# Wait until Azure ML job $1 reaches a final status, and print that status. The runner polls
# (GitHub Actions has no agentless wait like Azure DevOps' AzureMLJobWaitTask) and signs in again
# every SIGN_IN_SECONDS, before azure/login's hour-long session ends.
# Reads RESOURCE_GROUP, WORKSPACE_NAME; POLL_SECONDS (default 30), SIGN_IN_SECONDS (default 2400).
set -euo pipefail
job_name="${1:?usage: wait_for_training_job.sh <job name>}"
signed_in_at=$SECONDS
while :; do
  if (( SECONDS - signed_in_at >= ${SIGN_IN_SECONDS:-2400} )); then
    bash "$(dirname "$0")/oidc_sign_in.sh"
    signed_in_at=$SECONDS
  fi
  status="$(az ml job show --name "$job_name" --resource-group "${RESOURCE_GROUP:?is not set}" \
    --workspace-name "${WORKSPACE_NAME:?is not set}" --query status --output tsv)"
  case "$status" in
    Completed | Failed | Canceled | NotResponding)
      echo "$status"
      exit 0
      ;;
  esac
  echo "$job_name: $status" >&2
  sleep "${POLL_SECONDS:-30}"
done
