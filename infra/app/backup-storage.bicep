// The backup account: the nightly table backups (INNING_BACKUP_STORAGE), in a second region and
// out of reach of the app's own delete rights (ops24 F5). The tables' account is ZRS in one
// region; its own 'backups' container went with it when the account was deleted, encrypted
// or lost with its region. Here:
// - another region (main.bicep: the paired region unless backupLocation says otherwise), and
//   RA-GRS: a copy in that region's pair too, readable while the backup region is down;
// - every blob version immutable for retentionDays from its creation (version-level WORM):
//   nobody, the app included, deletes or overwrites a finished night before then; versioning
//   keeps what an overwrite would replace, soft delete what a delete would remove;
// - the app's identity may read and create blobs but holds no delete (the custom role below):
//   the code never deletes or overwrites here (shared/adapters/tables/backup.py, write_once);
// - old nights are deleted by the lifecycle rule the day after their immutability ends, not by
//   the app (INNING_BACKUP_RETENTION_DAYS prunes only the old same-account container); a
//   backup blob is written once, so its last modification is its creation;
// - a CanNotDelete lock on the account, as on the tables' account.
param name string
param location string
param tags object
@description('Days each backup blob is immutable and then kept; the lifecycle rule deletes it the day after (INNING_BACKUP_RETENTION_DAYS)')
@minValue(1)
param retentionDays int
@description('Lock the immutability policy: irreversible, the period (retentionDays) can then only be lengthened and the account not deleted before its blobs expire. Unlocked, an account owner can still shorten it. True only on a later provision: a policy is created unlocked and only an unlocked one can be locked')
param lockImmutability bool
@description('CanNotDelete lock on the account (production)')
param lockAccount bool
@description('The app\'s managed identity: writes the nightly backup, deletes nothing')
param principalId string
@description('The operator running azd (empty: none): reads backups to restore, writes `inning backup`, deletes nothing')
param operatorPrincipalId string = ''

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  // checkov:skip=CKV_AZURE_59: public network access stays on: Flex Consumption without a VNet reaches storage over its public endpoint; shared keys are off and RBAC guards every call
  // checkov:skip=CKV_AZURE_35: default network action Allow for the same reason (no VNet integration yet); access is by Entra ID only
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_RAGRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
    // version-level WORM for every container of the account, each new version immutable for
    // the retention from its creation (set when the account is created)
    immutableStorageWithVersioning: {
      enabled: true
      immutabilityPolicy: {
        immutabilityPeriodSinceCreationInDays: retentionDays
        allowProtectedAppendWrites: false
        state: lockImmutability ? 'Locked' : 'Unlocked'
      }
    }
  }
}

resource lock 'Microsoft.Authorization/locks@2020-05-01' = if (lockAccount) {
  name: 'inning-backups-cannot-delete'
  scope: account
  properties: {
    level: 'CanNotDelete'
    notes: 'The nightly backups of Inning\'s ledger, in a second region. Remove on purpose only (docs/operations.md, "Recover into a new account").'
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    isVersioningEnabled: true
    // the lifecycle rule counts a night's days from its last read (ops27 F2): the app reads
    // the newest complete night each night while no newer one completes
    lastAccessTimeTrackingPolicy: {
      enable: true
      name: 'AccessTimeTracking'
      trackingGranularityInDays: 1
      blobType: [ 'blockBlob' ]
    }
    deleteRetentionPolicy: { enabled: true, days: 14 }
    containerDeleteRetentionPolicy: { enabled: true, days: 14 }
  }
}

// shared/adapters/tables/backup.py BACKUP_CONTAINER
resource backups 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: 'backups'
  properties: {
    publicAccess: 'None'
    immutableStorageWithVersioning: { enabled: true }
  }
}

// Retention by the platform: a night's blobs (and any earlier version) are deleted the day
// after their immutability ends, counted from their last read (a blob is written once, so
// from its creation unless read since). While backups stop, the backup-missing alert pages
// from the 26th hour on, and the nightly backup reads the last good night before it tries
// (TableBackup.keep_newest): it is never deleted while no newer night completes (ops27 F2:
// counted from creation, 36 days of failing nights left no backup at all).
resource retention 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'backups-past-retention'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: [ 'blockBlob' ], prefixMatch: [ 'backups/' ] }
            actions: {
              baseBlob: { delete: { daysAfterLastAccessTimeGreaterThan: retentionDays + 1 } }
              version: { delete: { daysAfterCreationGreaterThan: retentionDays + 1 } }
            }
          }
        }
      ]
    }
  }
}

// Read and create blobs, nothing more: no delete, no version delete, no immutability
// bypass. Blob Data Contributor would let a stolen app token delete every night.
resource backupWriter 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'inning-backup-writer')
  properties: {
    // unique in the tenant: two subscriptions may hold an environment of the same name
    roleName: 'Inning backup writer ${uniqueString(resourceGroup().id)}'
    description: 'Reads and creates the nightly backup blobs of Inning; cannot delete or bypass their immutability.'
    type: 'CustomRole'
    assignableScopes: [ resourceGroup().id ]
    permissions: [
      {
        actions: [ 'Microsoft.Storage/storageAccounts/blobServices/containers/read' ]
        dataActions: [
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'
        ]
        notActions: []
        notDataActions: []
      }
    ]
  }
}

resource appWrites 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, principalId, 'inning-backup-writer')
  scope: account
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: backupWriter.id
  }
}

resource operatorWrites 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(account.id, operatorPrincipalId, 'inning-backup-writer')
  scope: account
  properties: {
    principalId: operatorPrincipalId
    roleDefinitionId: backupWriter.id
  }
}

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
