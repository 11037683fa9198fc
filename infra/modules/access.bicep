// Managed identities and every data-plane access the code and the platform make, as role
// assignments: one identity for the function app, one that Event Hubs Capture writes Avro files
// with, and optionally the deploying user. Nothing else is granted: no Owner, no Contributor, no keys.
// Identities and their grants live together so role assignment names derive from symbolic
// references (deterministic at plan time, so What-If stays precise).
param location string
param tags object
param functionIdentityName string
param captureIdentityName string
param storageAccountName string
param captureContainer string
param keyVaultName string
param applicationInsightsName string
@description('Optional: the deploying user, granted what running the CLI against this deployment needs.')
param userPrincipalId string

resource functionIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: functionIdentityName
  location: location
  tags: tags
}

resource captureIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: captureIdentityName
  location: location
  tags: tags
}

// Built-in role definition ids (stable across tenants).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource captureBlobContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  name: '${storageAccountName}/default/${captureContainer}'
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// The Functions host (AzureWebJobsStorage: leases, blob trigger receipts, deployment package) and
// the app (capture reads, analytics, rewards, dead letters) use blobs; Owner is what the host's
// identity-based connection documents.
resource functionBlob 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionIdentity.id, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
  }
}

// Queue triggers (score-jobs), the Event Grid blob trigger's internal queue, alerts.
resource functionQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionIdentity.id, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
  }
}

// Device and edge-host registries, aggregates, latest state, settlement state.
resource functionTable 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionIdentity.id, roles.storageTableDataContributor)
  scope: storage
  properties: {
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
  }
}

// Settlement reads its signing key.
resource functionSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, functionIdentity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

// Telemetry with Entra ID auth (Application Insights local auth is off).
resource functionTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, functionIdentity.id, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

// Event Hubs Capture writes Avro files into the capture container, and nowhere else.
resource captureWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(captureBlobContainer.id, captureIdentity.id, roles.storageBlobDataContributor)
  scope: captureBlobContainer
  properties: {
    principalId: captureIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}

// The deploying user: set the settlement secret, send simulated streams, run the CLI (replay,
// settle, verify-epoch) against this deployment's storage. (Sending to Event Hubs is granted in eventhubs.bicep.)
resource userSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(vault.id, userPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: userPrincipalId
    principalType: 'User'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}

var userStorageRoles = empty(userPrincipalId)
  ? []
  : [
      roles.storageBlobDataOwner
      roles.storageQueueDataContributor
      roles.storageTableDataContributor
    ]

resource userStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in userStorageRoles: {
    name: guid(storage.id, userPrincipalId, role)
    scope: storage
    properties: {
      principalId: userPrincipalId
      principalType: 'User'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

output functionIdentityId string = functionIdentity.id
output functionIdentityClientId string = functionIdentity.properties.clientId
output captureIdentityId string = captureIdentity.id
