// Least privilege for the app's identity: data-plane roles only, no account keys.
param principalId string
param storageAccountName string
param appInsightsName string
param keyVaultName string
@description('The operator who runs azd (AZURE_PRINCIPAL_ID); empty: no operator roles')
param operatorPrincipalId string = ''

var roles = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // host: deployment package, timer locks, blob triggers
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // queue triggers and outbound jobs
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Inning's tables
  metricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // App Insights with Entra auth
  // Key Vault references, and the per-client credentials the app writes itself (a client's
  // Mollie key or Mollie Connect tokens, shared/adapters/secrets/key_vault.py): Officer
  // reads and writes secrets, nothing else (no keys, no certificates, no access control)
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // the operator: backups, poison, dead-letters
}

// The runbook's commands run as the operator, not as the app: shared keys are off and the
// vault is RBAC-only, and a subscription Owner holds no data-plane right, so without these
// `inning agency create`, `inning backup`, `inning poison replay`, `az keyvault secret set`
// right after the first `azd up` all answered 403 (ops24 F2). Same data roles as the app,
// Blob Data Contributor instead of Owner (the operator takes no blob leases for the host).
var operatorStorageRoles = [roles.tableDataContributor, roles.blobDataContributor, roles.queueDataContributor]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [roles.blobDataOwner, roles.queueDataContributor, roles.tableDataContributor]: {
  name: guid(storage.id, principalId, role)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource metrics 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, principalId, roles.metricsPublisher)
  scope: insights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.metricsPublisher)
  }
}

resource secrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}

resource operatorStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in operatorStorageRoles: if (!empty(operatorPrincipalId)) {
  name: guid(storage.id, operatorPrincipalId, role)
  scope: storage
  properties: {
    principalId: operatorPrincipalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource operatorSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(vault.id, operatorPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: operatorPrincipalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}
