// CityFn on Azure: `azd up` deploys this at subscription scope into resource group rg-<env>.
// Identity-only: no shared keys, no SAS, no connection strings with secrets anywhere.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and tags every resource.')
param environmentName string

@minLength(1)
@description('Azure region for all resources (a region with Flex Consumption).')
param location string

@description('Object id of the deploying user (azd sets AZURE_PRINCIPAL_ID); granted data access for the CLI. Empty for none.')
param principalId string = ''

@minValue(1)
@maxValue(32)
@description('Partitions per event hub (traffic, sensors).')
param partitionCount int = 4

@description('Private networking: VNet integration and private endpoints for storage and Key Vault.')
param vnetEnabled bool = false

@description('Deploy a GPU edge host on Azure Container Apps.')
param edgeHostEnabled bool = false

@description('Container image for the GPU edge host (used when edgeHostEnabled).')
param edgeHostImage string = ''

@description('Container Apps GPU workload profile type for the edge host.')
param edgeHostWorkloadProfileType string = 'Consumption-GPU-NC8as-T4'

@description('JSON-RPC URL of the EVM chain rewards settle on.')
param chainRpcUrl string = ''

@description('Chain id of that chain (default: Sepolia).')
param chainId int = 11155111

@description('Name of the Key Vault secret that holds the settlement key. The operator sets its value; the template never does.')
param settlementKeySecretName string = 'settlement-key'

@description('Address of the RewardDistributor contract on the settlement chain (`cityfn chain deploy` prints it); empty until it is deployed.')
param rewardDistributorAddress string = ''

@minValue(1)
@maxValue(1000)
@description('Blocks that must confirm a root publish before its epoch counts as settled.')
param chainConfirmations int = 3

@minValue(0)
@maxValue(10000)
@description('Rewards policy: share of each epoch pool for data contributors, in basis points (compute gets the rest).')
param rewardsDataShareBasisPoints int = 7000

@minValue(1)
@maxValue(1000)
@description('Rewards policy: how many devices of one location cell earn.')
param rewardsMaxEarningDevicesPerCell int = 3

@description('Reward tokens paid per epoch, in base units (10^-18 token), as a decimal string.')
param rewardsEpochPool string = '1000000000000000000000'

@minValue(40)
@maxValue(1000)
@description('Flex Consumption: most instances the app scales out to.')
param maximumInstanceCount int = 100

var tags = {
  'azd-env-name': environmentName
}
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var storageAccountName = 'st${resourceToken}'
var keyVaultName = 'kv-${resourceToken}'
var applicationInsightsName = 'appi-${resourceToken}'
var captureContainer = 'capture'
var deploymentContainer = 'app-package'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: storageAccountName
    containers: [
      captureContainer
      'analytics'
      'rewards'
      'deadletter'
      'poison'
      'evidence'
      deploymentContainer
    ]
    queues: [
      'score-jobs'
      'score-jobs-poison'
      'alerts'
    ]
    tables: [
      'Devices'
      'edgehosts'
      'IngestSequences'
      'IngestMinuteAggregates'
      'IngestFiles'
      'devicestats'
      'ledger'
      'settlements'
      'payouts'
      'SegmentForecasts'
      'DeviceQuality'
      'ScoringJobs'
      'EdgeHostChecks'
      'EdgeHostQuarantine'
      'alerts'
    ]
    privateNetworking: vnetEnabled
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: applicationInsightsName
  }
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'eventhubs'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: 'evhns-${resourceToken}'
    hubs: [
      'traffic'
      'sensors'
    ]
    partitionCount: partitionCount
    storageAccountId: storage.outputs.id
    captureContainer: captureContainer
    // From the access module, so Capture's write access exists before the hubs are created.
    captureIdentityId: access.outputs.captureIdentityId
    userPrincipalId: principalId
  }
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: 'evgt-${resourceToken}'
    storageAccountId: storage.outputs.id
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: keyVaultName
    privateNetworking: vnetEnabled
  }
}

module network 'modules/network.bicep' = if (vnetEnabled) {
  name: 'network'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: 'vnet-${resourceToken}'
    storageAccountName: storageAccountName
    keyVaultName: keyVaultName
  }
  dependsOn: [
    storage
    keyVault
  ]
}

module access 'modules/access.bicep' = {
  name: 'access'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    functionIdentityName: 'id-func-${resourceToken}'
    captureIdentityName: 'id-capture-${resourceToken}'
    storageAccountName: storageAccountName
    captureContainer: captureContainer
    keyVaultName: keyVaultName
    applicationInsightsName: applicationInsightsName
    userPrincipalId: principalId
  }
  // The grants target these resources by name, so they must exist first.
  dependsOn: [
    storage
    keyVault
    monitoring
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    planName: 'plan-${resourceToken}'
    appName: 'func-${resourceToken}'
    identityId: access.outputs.functionIdentityId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainer: deploymentContainer
    subnetId: vnetEnabled ? network!.outputs.appSubnetId : ''
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: 2048
    // Every setting the app reads. tests/CityFn.Infra.Tests checks this list against the code.
    appSettings: {
      AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
      AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
      AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: access.outputs.functionIdentityClientId
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${access.outputs.functionIdentityClientId};Authorization=AAD'
      Chain__RpcUrl: chainRpcUrl
      Chain__ChainId: string(chainId)
      Chain__KeyVaultUri: keyVault.outputs.uri
      Chain__SettlementKeySecretName: settlementKeySecretName
      // The RewardDistributor the settlement publishes to (empty until deployed: settlement then reports the setting).
      Chain__DistributorAddress: rewardDistributorAddress
      Chain__Confirmations: string(chainConfirmations)
      // SettleEpoch settles an epoch this long after its end, at most this many epochs per run.
      Settlement__GracePeriod: '00:15:00'
      Settlement__MaxEpochsPerRun: '24'
      // Device registrations are EIP-712 signed for the settlement chain.
      Devices__ChainId: string(chainId)
      // Ingest time window around each event's enqueued time, and the rewards epoch length.
      Ingest__MaxAhead: '00:02:00'
      Ingest__MaxBehind: '06:00:00'
      Ingest__BatchMessages: '1000'
      // Scoring fan-out (docs/scoring.md): spot checks, timeouts, hedging, host choice, alerts, CPU reference.
      Scoring__VerificationFraction: '0.05'
      Scoring__Tolerance: '0.001'
      Scoring__CallTimeout: '00:00:10'
      Scoring__MaxAttempts: '3'
      Scoring__InitialHedgeDelay: '00:00:00.250'
      Scoring__MinHedgeDelay: '00:00:00.020'
      Scoring__HeartbeatMaxAge: '00:01:30'
      Scoring__FailureCooldown: '00:00:10'
      Scoring__RegistryRefresh: '00:00:05'
      Scoring__MaxRowsPerCall: '1024'
      Scoring__CongestionSpeedRatio: '0.6'
      Scoring__HistoricalDays: '7'
      Scoring__LayoutRefresh: '00:01:00'
      Scoring__FaultAlertThreshold: '0.8'
      Scoring__ReferenceModels: 'models'
      // Match host.json's queues.maxDequeueCount (the Functions host poisons; `cityfn score` uses this).
      Scoring__MaxDequeueCount: '5'
      Scoring__NoHostBackoff: '00:00:15'
      Rewards__DataShareBasisPoints: string(rewardsDataShareBasisPoints)
      Rewards__MaxEarningDevicesPerCell: string(rewardsMaxEarningDevicesPerCell)
      // Epoch length, pool per epoch in token base units, and how the
      // epoch ledger is read: expected reporting interval, quality of unscored devices, cell size, model weights.
      Rewards__EpochLength: '01:00:00'
      Rewards__EpochPool: rewardsEpochPool
      Rewards__ExpectedSampleInterval: '00:01:00'
      Rewards__UnscoredQuality: '1.0'
      Rewards__LocationCellSizeE7: '100000'
      Rewards__ModelCostWeights: ''
      Rewards__DefaultModelCostWeight: '1.0'
    }
  }
  // The identity comes from the access module, so the app's data-plane roles exist before it starts.
}

module edgeHost 'modules/edgehost.bicep' = if (edgeHostEnabled) {
  name: 'edgehost'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: 'ca-edge-${resourceToken}'
    image: edgeHostImage
    workloadProfileType: edgeHostWorkloadProfileType
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output CAPTURE_CONTAINER string = captureContainer
output EVENT_HUBS_NAMESPACE string = eventHubs.outputs.fullyQualifiedNamespace
output EVENT_GRID_SYSTEM_TOPIC string = eventGrid.outputs.name
output KEY_VAULT_NAME string = keyVault.outputs.name
output KEY_VAULT_URI string = keyVault.outputs.uri
output APPLICATION_INSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output EDGE_HOST_URL string = edgeHostEnabled ? edgeHost!.outputs.url : ''
