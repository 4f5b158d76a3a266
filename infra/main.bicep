// Audit exporter: Azure Functions (Flex Consumption, Node 20) that copies audit events into an ADLS Gen2 file system.
//
// Deploy into an existing resource group:
//   az deployment group create -g <rg> -f infra/main.bicep -p @infra/main.parameters.json
// Then follow the README runbook: create the Create + Write SAS for the file system (bound to a stored access
// policy) and store it in the vault as secret `sasSecretName`; store the audit API key as `auditApiKeySecretName`.
// Nothing secret is created or passed here.
//
// API versions (all GA):
//   Microsoft.Web/serverfarms, Microsoft.Web/sites                      2024-11-01
//   Microsoft.Storage/storageAccounts (+ blobServices, containers)       2025-01-01
//   Microsoft.KeyVault/vaults                                           2024-11-01
//   Microsoft.OperationalInsights/workspaces                            2025-02-01
//   Microsoft.Insights/components                                       2020-02-02
//   Microsoft.Authorization/roleAssignments                             2022-04-01

@description('Region for every resource. Must offer the Flex Consumption plan.')
param location string = resourceGroup().location

@description('Short name (2-10 lowercase letters, digits or hyphens) that prefixes every resource name.')
@minLength(2)
@maxLength(10)
param baseName string = 'auditexp'

@description('Tags for every resource.')
param tags object = {}

@description('Base URL of the audit API, e.g. https://your-immuta.example.com')
param auditApiUrl string

@description('Vault secret holding the audit API key; empty when the API needs none.')
@maxLength(127)
param auditApiKeySecretName string = 'audit-api-key'

@description('Which of Immuta\'s audit records the API serves: UAM events, or the V1 search\'s legacy records.')
@allowed(['immuta-uam', 'immuta-legacy'])
param auditApiKind string = 'immuta-uam'

@description('How requests to the audit API authenticate; empty: what the kind expects (bearer for UAM, apikey for legacy).')
@allowed(['', 'bearer', 'apikey', 'immuta-token'])
param auditApiAuth string = ''

@description('How often the timer exports.')
@allowed(['EVERY_2_HOURS', 'EVERY_4_HOURS', 'EVERY_6_HOURS', 'EVERY_12_HOURS', 'EVERY_24_HOURS'])
param exportInterval string = 'EVERY_12_HOURS'

@description('Events younger than this are left for the next run (late arrivals).')
@minValue(0)
@maxValue(604800)
param exportLagSeconds int = 300

@description('File system (container) in the ADLS Gen2 account that receives the export.')
@minLength(3)
@maxLength(63)
param adlsFileSystemName string = 'audit-output'

@description('Directory inside the file system.')
param adlsPath string = 'immuta-audit'

@description('Redundancy of the ADLS Gen2 account.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_RAGRS', 'Standard_GZRS', 'Standard_RAGZRS'])
param adlsSkuName string = 'Standard_LRS'

@description('Vault secret holding the Create + Write SAS for the file system.')
@minLength(1)
@maxLength(127)
param sasSecretName string = 'audit-export-sas'

@description('Purge protection on the vault. Once on it cannot be turned off, and the vault name stays taken for the retention period after deletion.')
param enablePurgeProtection bool = true

@description('Node.js version of the Functions worker (22 or 24: Azure Functions ended support for Node 20 on 30 April 2026).')
@allowed(['22', '24'])
param nodeVersion string = '22'

@description('Upper bound for scale-out. The exporter runs as a singleton timer, so the default minimum is plenty.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per instance.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

// Global names: storage and vault names are 3-24 characters, storage ones lowercase letters and digits only.
var suffix = uniqueString(resourceGroup().id, baseName)
var compactName = toLower(replace(baseName, '-', ''))
var hostStorageName = take('st${compactName}${suffix}', 24)
var adlsAccountName = take('dl${compactName}${suffix}', 24)
var vaultName = take('kv${compactName}${suffix}', 24)
var appName = 'func-${baseName}-${suffix}'
var deploymentContainerName = 'app-package-${take(compactName, 10)}-${take(suffix, 7)}'
// Where the exporter keeps its checkpoints and status (STATE_CONTAINER in src/adapters/azure/hostStorage.ts).
var stateContainerName = 'audit-exporter'

// Built-in role definition IDs (the same in every tenant).
var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// ---------- Monitoring ----------

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: 'log-${baseName}-${suffix}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

// Local (key) auth is off: the app sends telemetry with its identity (Monitoring Metrics Publisher below).
resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
  }
}

// ---------- Functions host storage: identity only, no shared key ----------

resource hostStorage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: hostStorageName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource hostBlobs 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: hostStorage
  name: 'default'
}

// Flex Consumption pulls the app package from here, with the app's identity.
resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: hostBlobs
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

// The exporter would create it on first run; declaring it makes the state location visible.
resource stateContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: hostBlobs
  name: stateContainerName
  properties: { publicAccess: 'None' }
}

// ---------- ADLS Gen2 destination ----------

// Shared key access stays on here on purpose: the exporter writes with a service SAS bound to a stored access
// policy, which is signed with the account's key (a user delegation SAS cannot use a stored access policy).
// The app gets no role on this account; the Create + Write SAS is its only access (it cannot read or delete).
resource lake 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: adlsAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: adlsSkuName }
  properties: {
    isHnsEnabled: true
    accessTier: 'Hot'
    allowSharedKeyAccess: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource lakeBlobs 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: lake
  name: 'default'
}

resource lakeFileSystem 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: lakeBlobs
  name: adlsFileSystemName
  properties: { publicAccess: 'None' }
}

// ---------- Key Vault (RBAC mode); the operator adds the secrets, see README runbook ----------

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: vaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // The API accepts only true or an absent value here.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

// ---------- Function app on Flex Consumption ----------

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: 'plan-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

// The runtime comes from functionAppConfig; Flex rejects or ignores FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION and the content-share settings, so none of them is set.
resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        // Host storage by identity: no connection string.
        { name: 'AzureWebJobsStorage__accountName', value: hostStorage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
        // A 1 MiB young generation keeps the worker's memory flat (README, "Performance"; `npm run bench` uses this line).
        { name: 'languageWorkers__node__arguments', value: '--max-semi-space-size=1' }
        // The exporter's own settings (README, "Settings").
        { name: 'AUDIT_API_URL', value: auditApiUrl }
        { name: 'AUDIT_API_KEY_SECRET_NAME', value: auditApiKeySecretName }
        { name: 'AUDIT_API_KIND', value: auditApiKind }
        { name: 'AUDIT_API_AUTH', value: auditApiAuth }
        { name: 'EXPORT_INTERVAL', value: exportInterval }
        { name: 'EXPORT_LAG_SECONDS', value: string(exportLagSeconds) }
        { name: 'ADLS_ACCOUNT_NAME', value: lake.name }
        { name: 'ADLS_FILE_SYSTEM', value: adlsFileSystemName }
        { name: 'ADLS_PATH', value: adlsPath }
        { name: 'KEY_VAULT_URL', value: vault.properties.vaultUri }
        { name: 'SAS_SECRET_NAME', value: sasSecretName }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      runtime: { name: 'node', version: nodeVersion }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
    }
  }
}

// ---------- Role assignments for the app's identity ----------
// Names use .id values (known at compile time); principalType avoids the wait for the new identity to replicate.

// Blob Data Owner, not Contributor: the host and the exporter take blob leases, and the exporter keeps its checkpoint here.
resource hostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, functionApp.id, roleIds.storageBlobDataOwner)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataOwner)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// The Functions host uses queues and tables in its storage (timer schedule monitor, diagnostics).
resource hostQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, functionApp.id, roleIds.storageQueueDataContributor)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageQueueDataContributor)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource hostTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, functionApp.id, roleIds.storageTableDataContributor)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageTableDataContributor)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Read-only access to secret values (the SAS and the API key); it cannot list or change them.
resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, functionApp.id, roleIds.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, functionApp.id, roleIds.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------- Outputs ----------

output functionAppName string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
output adlsAccountName string = lake.name
output adlsFileSystem string = lakeFileSystem.name
output keyVaultUri string = vault.properties.vaultUri
output principalId string = functionApp.identity.principalId
output hostStorageAccountName string = hostStorage.name
