// The Function App on the Flex Consumption plan (Linux, Python 3.11).
// Timers fire in UTC here (WEBSITE_TIME_ZONE is not supported on Flex): the code works out
// Amsterdam dates itself. Blob triggers must use the Event Grid source on Flex (eventgrid.bicep).
//
// Every setting the code reads is here (tests/unit/test_infra_drift.py): a provision sets the
// whole list, so nothing set by hand survives one, and nothing needs to. Secrets are Key
// Vault references only; provider credentials are listed by name (providerSecretNames) and
// read from secrets of the same name in the vault.
param name string
param planName string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerUrl string
param appInsightsConnectionString string
param keyVaultName string
param pepperSecretUri string
param callbackTokenSecretUri string
param portalKeysSecretUri string
param publicBaseUrl string
param maximumInstanceCount int
@description('Warm instances kept for HTTP (the portal, Mollie webhooks, the API); see README "Flex Consumption choices"')
param alwaysReadyInstances int
@description('Concurrent HTTP requests per instance; see README "Flex Consumption choices"')
param httpConcurrency int
@description('App settings holding provider secrets (e.g. GRAPH_CLIENT_SECRET,CM_PRODUCT_TOKEN): each becomes a Key Vault reference to the secret of the same name in lower case with dashes')
param providerSecretNames string
@description('Provider settings that are not secret, NAME=value;NAME=value (e.g. GRAPH_CLIENT_ID=...;CM_SENDER=Inning)')
param providerSettings string
@description('The operator agency (INNING_OPERATOR_AGENCY in the azd environment; docs/operations.md section 3)')
param operatorAgency string
@description('Instances spread over the region\'s availability zones: the platform then keeps at least two always-ready instances for every per-function scaling group (HTTP, blob, each queue and timer function); see README "Flex Consumption choices"')
param zoneRedundant bool
@description('Blob endpoint of the backup account (backup-storage.bicep): INNING_BACKUP_STORAGE')
param backupBlobEndpoint string
@description('Days the nightly backups are kept (INNING_BACKUP_RETENTION_DAYS)')
param backupRetentionDays int

// Zone redundancy is GA on Flex Consumption (learn.microsoft.com/azure/azure-functions/
// functions-zone-redundancy), but it keeps at least two always-ready instances per per-function
// scaling group (learn.microsoft.com/azure/reliability/reliability-functions, Cost), billed as
// always-ready: with Inning's 37 groups 74 instances around the clock (ops16 #4). Off by
// default; storage is ZRS either way, so a zone outage stops the app, not the data.
resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  // checkov:skip=CKV_AZURE_225: zone redundancy is a parameter (INNING_ZONE_REDUNDANT, default false: on Flex Consumption it keeps two always-ready instances per scaling group, README "Flex Consumption choices")
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true, zoneRedundant: zoneRedundant }
}

// Provider settings the code reads (shared/adapters/channels/factory.py, shared/services/*):
// secrets come only from the vault, the rest only as plain values; a name in the wrong list is
// dropped, so a token can never land in a plain setting (tests/unit/test_infra_drift.py).
var providerSecrets = [
  'GRAPH_CLIENT_SECRET'
  'CM_PRODUCT_TOKEN'
  'WHATSAPP_TOKEN'
  'WHATSAPP_APP_SECRET'
  'WHATSAPP_VERIFY_TOKEN'
  'TWILIO_AUTH_TOKEN'
  'PINGEN_CLIENT_SECRET'
  'PINGEN_WEBHOOK_SECRET'
  'MOLLIE_CONNECT_CLIENT_SECRET'
]
var providerPlain = [
  'GRAPH_CLIENT_ID'
  'GRAPH_TENANT_ID'
  'GRAPH_AUTHORITY_HOST'
  'GRAPH_URL'
  'CM_SENDER'
  'CM_BASE_URL'
  'WHATSAPP_PHONE_NUMBER_ID'
  'WHATSAPP_BASE_URL'
  'TWILIO_ACCOUNT_SID'
  'TWILIO_CALLER_ID'
  'TWILIO_BASE_URL'
  'PINGEN_CLIENT_ID'
  'PINGEN_ORGANISATION_ID'
  'PINGEN_API_URL'
  'PINGEN_IDENTITY_URL'
  'MOLLIE_API_URL'
  'MOLLIE_CONNECT_CLIENT_ID'
  'MOLLIE_OAUTH_URL'
]
// MOLLIE_KEY_<CLIENT NUMBER> / MOLLIE_KEY_AGENCY_<AGENCY ID> (shared/services/online_payments.py)
// are secrets by their prefix; a client's own link (docs/operations.md) is the better home
var secretSettings = [for s in filter(split(replace(providerSecretNames, ' ', ''), ','), n => contains(providerSecrets, n) || startsWith(n, 'MOLLIE_KEY_')): {
  name: s
  value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${toLower(replace(s, '_', '-'))})'
}]
var plainPairs = [for p in filter(split(providerSettings, ';'), pair => contains(pair, '=')): {
  name: trim(substring(p, 0, indexOf(p, '=')))
  value: substring(p, indexOf(p, '=') + 1)
}]
var plainSettings = filter(plainPairs, p => contains(providerPlain, p.name))

var baseSettings = [
  { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  // the worker's thread pool matches the HTTP concurrency: handlers are synchronous and wait on storage
  { name: 'PYTHON_THREADPOOL_THREAD_COUNT', value: string(httpConcurrency) }
  { name: 'INNING_ENVIRONMENT', value: 'production' }
  { name: 'INNING_KEY_VAULT_URL', value: 'https://${keyVaultName}${environment().suffixes.keyvaultDns}' }
  { name: 'INNING_API_KEY_PEPPER', value: '@Microsoft.KeyVault(SecretUri=${pepperSecretUri})' }
  { name: 'INNING_PUBLIC_BASE_URL', value: empty(publicBaseUrl) ? 'https://${name}.azurewebsites.net' : publicBaseUrl }
  { name: 'INNING_CALLBACK_TOKEN', value: '@Microsoft.KeyVault(SecretUri=${callbackTokenSecretUri})' }
  { name: 'INNING_PORTAL_KEYS', value: '@Microsoft.KeyVault(SecretUri=${portalKeysSecretUri})' }
  { name: 'INNING_PORTAL_TOKEN_DAYS', value: '60' }
  { name: 'INNING_CONTACT_HOURS', value: '07:00-20:00' }
  { name: 'INNING_PRICES', value: '' }
  { name: 'BOUNCE_SCAN_SCHEDULE', value: '0 */15 * * * *' }
  { name: 'INBOUND_MAIL_SCHEDULE', value: '0 */2 * * * *' }
  { name: 'DUNNING_SCHEDULE', value: '0 0 6 * * *' }
  { name: 'BACKUP_SCHEDULE', value: '0 30 2 * * *' }
  { name: 'WATCH_SCHEDULE', value: '0 */5 * * * *' }
  { name: 'INSTALLMENT_SCHEDULE', value: '0 30 6 * * *' }
  { name: 'SETTLEMENT_SCHEDULE', value: '0 0 5 * * *' }
  { name: 'USAGE_MONTH_SCHEDULE', value: '0 5 0 1 * *' }
  { name: 'POISON_SWEEP_SCHEDULE', value: '0 */5 * * * *' }
  // messages whose job never reached the queue, queued again (shared/services/outbox_sweep.py)
  { name: 'OUTBOX_SWEEP_SCHEDULE', value: '0 */10 * * * *' }
  { name: 'INNING_OUTBOX_SWEEP_MINUTES', value: '30' }
  { name: 'INNING_OUTBOX_SWEEP_GIVE_UP', value: '3' }
  // online payments whose webhook never got through are asked of Mollie (shared/services/mollie_reconcile.py)
  { name: 'PAYMENT_RECONCILE_SCHEDULE', value: '0 */15 * * * *' }
  { name: 'INNING_PAYMENT_RECONCILE_MINUTES', value: '60' }
  { name: 'INNING_PAYMENT_RECONCILE_BATCH', value: '100' }
  { name: 'INNING_OPERATOR_AGENCY', value: operatorAgency }
  { name: 'INNING_SIGNUP_AGENCY', value: '' }
  // nightly backups older than this are deleted after a complete backup (shared/services/operations/backups.py)
  { name: 'INNING_BACKUP_RETENTION_DAYS', value: string(backupRetentionDays) }
  // the nightly backup goes to the backup account in a second region, write-once (ops24 F5)
  { name: 'INNING_BACKUP_STORAGE', value: backupBlobEndpoint }
  // goes on with a backup cut short by its time budget (functions/operations.py resume_backup)
  { name: 'BACKUP_RESUME_SCHEDULE', value: '0 */15 2-4 * * *' }
]

resource site 'Microsoft.Web/sites@2024-04-01' = {
  // checkov:skip=CKV_AZURE_17: client certificates do not apply: debtors open portal links in a browser and providers call webhooks; each route authenticates itself (API keys, signed links, provider signatures)
  // checkov:skip=CKV_AZURE_212: no zone-redundant instance minimum: Flex Consumption scales per request; the always-ready instance keeps the portal warm
  // checkov:skip=CKV_AZURE_213: the platform health check is not supported on Flex Consumption; the availability test on /api/v1/health (alerts.bicep) watches instead
  // checkov:skip=CKV_AZURE_222: public network access is required for the same reason as CKV_AZURE_221
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
        alwaysReady: alwaysReadyInstances > 0 ? [ { name: 'http', instanceCount: alwaysReadyInstances } ] : []
        triggers: { http: { perInstanceConcurrency: httpConcurrency } }
      }
      runtime: { name: 'python', version: '3.11' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // no healthCheckPath: the platform health check is not supported on Flex Consumption;
      // the availability test (alerts.bicep) is what watches /api/v1/health
      http20Enabled: true
      remoteDebuggingEnabled: false
      appSettings: concat(baseSettings, secretSettings, plainSettings)
    }
  }
}

output name string = site.name
output id string = site.id
output defaultHostName string = site.properties.defaultHostName
