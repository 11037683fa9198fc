#!/bin/sh
# azd postdeploy: subscribe the IngestCapture function to BlobCreated events of Event Hubs Capture
# files. The webhook needs the function's blobs_extension system key, which exists only after the
# code is deployed and the host has started once, so this waits for it.
# azd exports the template outputs (AZURE_RESOURCE_GROUP, FUNCTION_APP_NAME, ...) as variables.
set -eu

: "${AZURE_RESOURCE_GROUP:?run through azd (azd up / azd deploy)}"
: "${FUNCTION_APP_NAME:?}"
: "${FUNCTION_APP_URL:?}"
: "${EVENT_GRID_SYSTEM_TOPIC:?}"
: "${CAPTURE_CONTAINER:?}"

function_name=IngestCapture
subscription_name=capture-to-ingest

if ! az functionapp function show -g "$AZURE_RESOURCE_GROUP" -n "$FUNCTION_APP_NAME" \
     --function-name "$function_name" --output none 2>/dev/null; then
  echo "postdeploy: $function_name is not deployed yet; no Event Grid subscription created."
  exit 0
fi

echo "postdeploy: waiting for the blobs_extension key of $FUNCTION_APP_NAME"
key=""
attempt=0
while [ -z "$key" ]; do
  attempt=$((attempt + 1))
  key=$(az functionapp keys list -g "$AZURE_RESOURCE_GROUP" -n "$FUNCTION_APP_NAME" \
        --query "systemKeys.blobs_extension" --output tsv 2>/dev/null || true)
  if [ -z "$key" ]; then
    if [ "$attempt" -ge 30 ]; then
      echo "postdeploy: the blobs_extension key did not appear after 30 tries; run 'azd deploy' again." >&2
      exit 1
    fi
    sleep 10
  fi
done

endpoint="$FUNCTION_APP_URL/runtime/webhooks/blobs?functionName=Host.Functions.$function_name&code=$key"

echo "postdeploy: creating or updating Event Grid subscription $subscription_name"
az eventgrid system-topic event-subscription create \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --system-topic-name "$EVENT_GRID_SYSTEM_TOPIC" \
  --name "$subscription_name" \
  --endpoint-type webhook \
  --endpoint "$endpoint" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/$CAPTURE_CONTAINER/" \
  --subject-ends-with ".avro" \
  --max-delivery-attempts 30 \
  --event-ttl 1440 \
  --output none
echo "postdeploy: capture files now trigger $function_name."
