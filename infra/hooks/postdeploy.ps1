# azd postdeploy (Windows): subscribe the IngestCapture function to BlobCreated events of Event Hubs
# Capture files. Same steps as postdeploy.sh: wait for the blobs_extension key, then create or
# update the Event Grid subscription.
$ErrorActionPreference = 'Stop'

foreach ($name in 'AZURE_RESOURCE_GROUP', 'FUNCTION_APP_NAME', 'FUNCTION_APP_URL', 'EVENT_GRID_SYSTEM_TOPIC', 'CAPTURE_CONTAINER') {
    if (-not (Get-Item "env:$name" -ErrorAction SilentlyContinue)) {
        throw "$name is not set: run through azd (azd up / azd deploy)."
    }
}

$functionName = 'IngestCapture'
$subscriptionName = 'capture-to-ingest'

az functionapp function show -g $env:AZURE_RESOURCE_GROUP -n $env:FUNCTION_APP_NAME --function-name $functionName --output none 2>$null
if ($LASTEXITCODE -ne 0) {
    Write-Host "postdeploy: $functionName is not deployed yet; no Event Grid subscription created."
    exit 0
}

Write-Host "postdeploy: waiting for the blobs_extension key of $($env:FUNCTION_APP_NAME)"
$key = ''
for ($attempt = 1; -not $key; $attempt++) {
    $key = az functionapp keys list -g $env:AZURE_RESOURCE_GROUP -n $env:FUNCTION_APP_NAME --query 'systemKeys.blobs_extension' --output tsv 2>$null
    if (-not $key) {
        if ($attempt -ge 30) {
            throw "the blobs_extension key did not appear after 30 tries; run 'azd deploy' again."
        }
        Start-Sleep -Seconds 10
    }
}

$endpoint = "$($env:FUNCTION_APP_URL)/runtime/webhooks/blobs?functionName=Host.Functions.$functionName&code=$key"

Write-Host "postdeploy: creating or updating Event Grid subscription $subscriptionName"
az eventgrid system-topic event-subscription create `
    --resource-group $env:AZURE_RESOURCE_GROUP `
    --system-topic-name $env:EVENT_GRID_SYSTEM_TOPIC `
    --name $subscriptionName `
    --endpoint-type webhook `
    --endpoint $endpoint `
    --included-event-types Microsoft.Storage.BlobCreated `
    --subject-begins-with "/blobServices/default/containers/$($env:CAPTURE_CONTAINER)/" `
    --subject-ends-with '.avro' `
    --max-delivery-attempts 30 `
    --event-ttl 1440 `
    --output none
if ($LASTEXITCODE -ne 0) { throw 'creating the Event Grid subscription failed.' }
Write-Host "postdeploy: capture files now trigger $functionName."
