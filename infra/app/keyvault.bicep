// Secrets the app reads through Key Vault references (RBAC authorisation, no access policies).
param name string
param location string
param tags object
@secure()
param apiKeyPepper string

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

output name string = vault.name
output pepperSecretUri string = pepper.properties.secretUri
