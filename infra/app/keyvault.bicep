// The only home of Inning's secrets (RBAC authorisation, no access policies).
//
// Secrets are created on the FIRST provision only and never written again: a template that
// sets a secret's value on every deployment would replace the pepper (every API key dies),
// the portal keys (every link dies) and whatever an operator rotated by hand. ARM has no
// "create if absent" for a secret, so the decision is made before the deployment: main.bicep
// passes secretsCreated=true once the vault holds them. The flag lives in the azd
// environment (INNING_SECRETS_CREATED) and is not trusted alone: the preprovision hook
// (infra/hooks/secrets-guard.sh) asks the vault itself whether the pepper exists and sets the
// flag from the answer, so a lost or fresh azd environment cannot overwrite a live vault.
// The first values are generated here (newGuid() defaults in main.bicep), not typed by an
// operator or kept in .azure/; rotation is an `az keyvault secret set` (docs/operations.md).
param name string
param location string
param tags object
@description('True once the vault holds the secrets: then this module creates none and changes none.')
param secretsCreated bool
@secure()
param apiKeyPepper string
@secure()
param callbackToken string
@secure()
param portalKeys string
@description('True when a vault of this name lies soft-deleted (after azd down; purge protection keeps it 90 days): it is recovered, with its secrets, instead of failing to create. Set by the preprovision hook.')
param recover bool = false

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  // checkov:skip=CKV_AZURE_109: no network ACL: the Flex app has no VNet and resolves Key Vault references over the public endpoint; RBAC (Secrets User/Officer for the app's identity only) guards access
  // checkov:skip=CKV_AZURE_189: public network access is needed for the same reason (no private endpoint without a VNet)
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    createMode: recover ? 'recover' : 'default'
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
    softDeleteRetentionInDays: 90
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  }
}

var initial = [
  { name: 'inning-api-key-pepper', value: apiKeyPepper }
  { name: 'inning-callback-token', value: callbackToken }
  { name: 'inning-portal-keys', value: portalKeys }
]

resource firstSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for s in initial: if (!secretsCreated) {
  // checkov:skip=CKV_AZURE_41: no expiry date: the pepper must never change (API key hashes depend on it) and the portal keys rotate by prepending a key, not by expiry; rotation is a runbook (docs/operations.md)
  parent: vault
  name: s.name
  properties: {
    value: s.value
    contentType: 'text/plain'
  }
}]

output name string = vault.name
output uri string = vault.properties.vaultUri
// Unversioned references: the app follows a rotation within 24 hours (or at once after a
// refresh of its configuration references, see docs/operations.md).
output pepperSecretUri string = '${vault.properties.vaultUri}secrets/inning-api-key-pepper'
output callbackTokenSecretUri string = '${vault.properties.vaultUri}secrets/inning-callback-token'
output portalKeysSecretUri string = '${vault.properties.vaultUri}secrets/inning-portal-keys'
