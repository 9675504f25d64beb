#!/usr/bin/env bash
# Score the two workshop rows (scoring/sample_request.json) on the online endpoint; arguments
# go to the smoke test (e.g. --attempts 20).
# Reads RESOURCE_GROUP, WORKSPACE_NAME, ENDPOINT_NAME; runs from the repository's root.
# Every variable is checked before the first call to Azure.
: "${ENDPOINT_NAME:?is not set}"
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
endpoint="$ENDPOINT_NAME"
scoring_uri="$(az ml online-endpoint show --name "$endpoint" "${workspace[@]}" \
  --query scoring_uri --output tsv)"
# The key goes to the smoke test through its environment, never its command line.
SCORING_KEY="$(az ml online-endpoint get-credentials --name "$endpoint" "${workspace[@]}" \
  --query primaryKey --output tsv)"
export SCORING_KEY
python -m ml_service.util.smoke_test_scoring_service --type URL --service "$scoring_uri" "$@"
