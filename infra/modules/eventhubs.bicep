// Event Hubs namespace with the device hubs. Capture writes every event to the capture container
// as Avro in 60 s windows, authenticating with its own user-assigned identity; local (SAS) auth
// is off, so devices' gateways and the simulator send with Entra ID.
param location string
param tags object
param name string
@description('Hub names; each is captured.')
param hubs array
@minValue(1)
@maxValue(32)
param partitionCount int
param storageAccountId string
param captureContainer string
param captureIdentityId string
@description('Optional: the deploying user, allowed to send (the simulator\'s --publish).')
param userPrincipalId string

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: 1
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${captureIdentityId}': {}
    }
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource eventHubs 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = [
  for hub in hubs: {
    parent: namespace
    name: hub
    properties: {
      partitionCount: partitionCount
      messageRetentionInDays: 1
      captureDescription: {
        enabled: true
        encoding: 'Avro'
        intervalInSeconds: 60
        sizeLimitInBytes: 314572800
        skipEmptyArchives: true
        destination: {
          name: 'EventHubArchive.AzureBlockBlob'
          identity: {
            type: 'UserAssigned'
            userAssignedIdentity: captureIdentityId
          }
          properties: {
            storageAccountResourceId: storageAccountId
            blobContainer: captureContainer
            // The layout the ingest stage parses: {namespace}/{hub}/{partition}/{yyyy}/{MM}/{dd}/{HH}/{mm}/{ss}.avro
            archiveNameFormat: '{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}'
          }
        }
      }
    }
  }
]

var eventHubsDataSender = '2b629674-e913-4c01-ae53-ef4638d8f975'

resource userSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(namespace.id, userPrincipalId, eventHubsDataSender)
  scope: namespace
  properties: {
    principalId: userPrincipalId
    principalType: 'User'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataSender)
  }
}

output id string = namespace.id
output name string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
