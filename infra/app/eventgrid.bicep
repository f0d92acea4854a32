// Statement files reach the blob trigger through Event Grid: Flex Consumption runs blob
// triggers only with source=EventGrid, and without this subscription a file dropped in
// `statements/` would never be booked (the local host emulates the path, so no test would
// notice; tests/unit/test_infra_eventgrid.py reads this file for every blob trigger in code).
//
// The system topic exists from the first provision. The subscription needs the blob
// extension's system key, which the Functions host creates when it first loads the
// extension, i.e. after the code is deployed, and Event Grid validates the webhook when the
// subscription is created. So it is created when subscriptionsEnabled is true: the azd
// postdeploy hook (infra/hooks/postdeploy.sh) sets INNING_STATEMENT_EVENTS=true after the
// first deploy and provisions again; every later provision keeps it.
param location string
param tags object
param storageAccountName string
param siteName string
param identityId string
param subscriptionsEnabled bool

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: siteName
}

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: 'evgt-${storageAccountName}'
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

// One entry per blob trigger with source EventGrid in functions/*.py: the trigger's
// function name and the container in its path.
var blobTriggers = [
  { function: 'ingest_statement', container: 'statements' }
]

resource subscriptions 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = [for t in blobTriggers: if (subscriptionsEnabled) {
  parent: topic
  name: 'blob-${replace(t.function, '_', '-')}'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        // listKeys on host/default returns the host's keys; systemKeys.blobs_extension is the
        // key the /runtime/webhooks/blobs endpoint accepts (evaluated only when enabled)
        endpointUrl: 'https://${site.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${t.function}&code=${listKeys('${site.id}/host/default', '2024-04-01').systemKeys.blobs_extension}'
        maxEventsPerBatch: 1
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [ 'Microsoft.Storage.BlobCreated' ]
      subjectBeginsWith: '/blobServices/default/containers/${t.container}/blobs/'
    }
    retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 }
    // an event Event Grid could not deliver for a day is kept, not lost: replay it by
    // re-uploading the file (docs/operations.md)
    deadLetterWithResourceIdentity: {
      identity: { type: 'UserAssigned', userAssignedIdentity: identityId }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: { resourceId: account.id, blobContainerName: 'statements-deadletter' }
      }
    }
  }
}]

output topicName string = topic.name
