// Event Grid system topic for the storage account. The subscription that delivers BlobCreated
// events to the IngestCapture function is created after deployment by infra/hooks/postdeploy,
// because it needs the function's blobs_extension key, which exists only once code is deployed.
param location string
param tags object
param name string
param storageAccountId string

resource systemTopic 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = systemTopic.name
