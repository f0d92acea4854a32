// The Function App on the Flex Consumption plan (Linux, Python 3.11).
// Timers fire in UTC here (WEBSITE_TIME_ZONE is not supported on Flex): the code works out
// Amsterdam dates itself. Blob triggers must use the Event Grid source on Flex.
param name string
param planName string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerUrl string
param appInsightsConnectionString string
param pepperSecretUri string
param callbackTokenSecretUri string
param portalKeysSecretUri string
param publicBaseUrl string
param maximumInstanceCount int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: { name: 'python', version: '3.11' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
        { name: 'AZURE_CLIENT_ID', value: identityClientId }
        { name: 'INNING_ENVIRONMENT', value: 'production' }
        { name: 'INNING_API_KEY_PEPPER', value: '@Microsoft.KeyVault(SecretUri=${pepperSecretUri})' }
        { name: 'INNING_PUBLIC_BASE_URL', value: empty(publicBaseUrl) ? 'https://${name}.azurewebsites.net' : publicBaseUrl }
        { name: 'INNING_CALLBACK_TOKEN', value: '@Microsoft.KeyVault(SecretUri=${callbackTokenSecretUri})' }
        { name: 'INNING_PORTAL_KEYS', value: '@Microsoft.KeyVault(SecretUri=${portalKeysSecretUri})' }
        { name: 'INNING_PORTAL_TOKEN_DAYS', value: '60' }
        { name: 'INNING_CONTACT_HOURS', value: '07:00-20:00' }
        { name: 'INNING_PRICES', value: '' }
        { name: 'BOUNCE_SCAN_SCHEDULE', value: '0 */15 * * * *' }
        { name: 'DUNNING_SCHEDULE', value: '0 0 6 * * *' }
        { name: 'POISON_SWEEP_SCHEDULE', value: '0 */5 * * * *' }
        { name: 'INNING_OPERATOR_AGENCY', value: '' }
      ]
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
