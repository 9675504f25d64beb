# shellcheck shell=bash
# Sourced by the scripts next to it: fail fast, the pinned Azure ML CLI extension, and the
# workspace every command targets. Signed in already: az login, or the CI's Azure CLI task.
set -euo pipefail
# The extension vendors its own azure-ai-ml; pinned so that a release cannot change a run.
ML_EXTENSION_VERSION=2.33.1
# Both used by the scripts that source this file.
# shellcheck disable=SC2034
azureml_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck disable=SC2034
workspace=(--resource-group "${RESOURCE_GROUP:?is not set}"
           --workspace-name "${WORKSPACE_NAME:?is not set}")
if [ "$(az extension show --name ml --query version --output tsv 2>/dev/null)" \
     != "$ML_EXTENSION_VERSION" ]; then
  az extension add --name ml --version "$ML_EXTENSION_VERSION" --upgrade --yes --output none
fi
