// Inning on Azure: a Flex Consumption Function App (Python 3.11) whose storage, monitoring
// and secrets are reached with a user-assigned managed identity. No storage keys anywhere.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('azd environment name; used to name and tag every resource')
param environmentName string

@description('Azure region, e.g. westeurope (keeps debtor data in the EU)')
param location string

@secure()
@description('HMAC key for stored API-key hashes. Set once (azd env set INNING_API_KEY_PEPPER ...) and never change it: changing it invalidates every API key.')
param apiKeyPepper string

@secure()
@description('Shared secret in provider callback URLs that carry no signature (CM.com, Twilio status URL). Set once: azd env set INNING_CALLBACK_TOKEN ...')
param callbackToken string

@secure()
@description('Keys signing debtor portal links: kid:secret,kid:secret (32+ bytes each); the first signs. Rotate by putting a new key in front; drop the old one after the link lifetime. azd env set INNING_PORTAL_KEYS ...')
param portalKeys string

@description('Public base URL of the app for links and webhooks; empty = the default host name')
param publicBaseUrl string = ''

@description('Upper bound for scale-out')
param maximumInstanceCount int = 40

var tags = { 'azd-env-name': environmentName, app: 'inning' }
var token = toLower(uniqueString(subscription().id, environmentName, location))

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-inning-${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  scope: rg
  name: 'identity'
  params: { name: 'id-inning-${token}', location: location, tags: tags }
}

module storage 'app/storage.bicep' = {
  scope: rg
  name: 'storage'
  params: { name: 'stinning${token}', location: location, tags: tags }
}

module monitoring 'app/monitoring.bicep' = {
  scope: rg
  name: 'monitoring'
  params: { token: token, location: location, tags: tags }
}

module vault 'app/keyvault.bicep' = {
  scope: rg
  name: 'keyvault'
  params: { name: 'kv-inning-${token}', location: location, tags: tags, apiKeyPepper: apiKeyPepper, callbackToken: callbackToken, portalKeys: portalKeys }
}

module api 'app/api.bicep' = {
  scope: rg
  name: 'api'
  params: {
    name: 'func-inning-${token}'
    planName: 'plan-inning-${token}'
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appInsightsConnectionString: monitoring.outputs.connectionString
    pepperSecretUri: vault.outputs.pepperSecretUri
    callbackTokenSecretUri: vault.outputs.callbackTokenSecretUri
    portalKeysSecretUri: vault.outputs.portalKeysSecretUri
    publicBaseUrl: publicBaseUrl
    maximumInstanceCount: maximumInstanceCount
  }
}

module rbac 'app/rbac.bicep' = {
  scope: rg
  name: 'rbac'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    keyVaultName: vault.outputs.name
  }
}

output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_ENDPOINTS array = [ 'https://${api.outputs.defaultHostName}' ]
