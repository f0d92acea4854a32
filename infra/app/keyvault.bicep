// Secrets the app reads through Key Vault references (RBAC authorisation, no access policies).
param name string
param location string
param tags object
@secure()
param apiKeyPepper string
@secure()
param callbackToken string
@secure()
param portalKeys string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
    softDeleteRetentionInDays: 90
  }
}

resource pepper 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'inning-api-key-pepper'
  properties: { value: apiKeyPepper }
}

resource callback 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'inning-callback-token'
  properties: { value: callbackToken }
}

resource portal 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'inning-portal-keys'
  properties: { value: portalKeys }
}

output name string = vault.name
output portalKeysSecretUri string = portal.properties.secretUri
output callbackTokenSecretUri string = callback.properties.secretUri
output pepperSecretUri string = pepper.properties.secretUri
