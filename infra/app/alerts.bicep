// The availability test on /api/v1/health and the alerts that page someone, through an
// action group from a parameter (an existing group's id, or one created for an e-mail address).
param token string
param location string
param tags object
param appInsightsName string
@description('Host name of the Function App (availability test target)')
param appHostName string
@description('Resource id of an existing action group; empty: one is created with alertEmail')
param actionGroupId string
@description('E-mail address of the on-call operator for the created action group')
param alertEmail string
@description('The Event Grid system topic that brings statement files to the app (eventgrid.bicep)')
param eventGridTopicName string
@description('Days the backup account keeps a night after its last read (backup-storage.bicep retentionDays): the backup-expiring alert pages five days before')
param backupRetentionDays int = 35

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource group 'Microsoft.Insights/actionGroups@2023-01-01' = if (empty(actionGroupId)) {
  name: 'ag-inning-${token}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'inning'
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [ { name: 'on-call', emailAddress: alertEmail, useCommonAlertSchema: true } ]
  }
}

var actions = empty(actionGroupId) ? group.id : actionGroupId

// A standard test from three EU locations every 5 minutes; the health endpoint answers 503
// when storage fails or the last successful dunning run is too old.
resource availability 'Microsoft.Insights/webtests@2022-06-15' = {
  name: 'webtest-inning-health-${token}'
  location: location
  tags: union(tags, { 'hidden-link:${insights.id}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: 'webtest-inning-health-${token}'
    Name: 'Inning health'
    Enabled: true
    Frequency: 300
    Timeout: 30
    Kind: 'standard'
    RetryEnabled: true
    Locations: [ { Id: 'emea-nl-ams-azr' }, { Id: 'emea-gb-db3-azr' }, { Id: 'emea-fr-pra-edge' } ]
    Request: {
      RequestUrl: 'https://${appHostName}/api/v1/health'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 14
    }
  }
}

resource availabilityAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-inning-health-${token}'
  location: 'global'
  tags: tags
  properties: {
    description: 'The health endpoint failed from two or more locations: storage unreachable or no successful dunning run for over a day.'
    severity: 1
    enabled: true
    scopes: [ availability.id, insights.id ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: availability.id
      componentId: insights.id
      failedLocationCount: 2
    }
    actions: [ { actionGroupId: actions } ]
  }
}

// Log alerts over Application Insights. The metrics come from shared/telemetry/metrics.py;
// the run and request records from the host (host.json no longer filters requests).
var logAlerts = [
  {
    name: 'poison-queue'
    severity: 1
    window: 'PT15M'
    description: 'A poison queue held messages at every watch run of the last 15 minutes, two at least (inning.queue.poison_depth > 0): its drain fails, or the message belongs on the platform list and no operator agency is set (docs/operations.md section 6).'
    // every sample > 0, not any: the sweep drains five poison queues in the watch's own second
    // (both every five minutes), so a message drained fine was often seen once and paged (ops24 F3)
    query: 'customMetrics | where name == "inning.queue.poison_depth" | summarize samples = sum(valueCount), depth = min(valueMin) by queue = tostring(customDimensions.queue) | where samples >= 2 and depth > 0'
  }
  {
    name: 'dunning-run-failed'
    severity: 1
    window: 'PT1H'
    description: 'The daily dunning timer or a client run failed, or a client run finished with errors (inning.dunning.runs outcome failed).'
    query: 'union (requests | where operation_Name in ("daily_dunning", "run_dunning_client") and success == false | project kind = operation_Name), (customMetrics | where name == "inning.dunning.runs" and tostring(customDimensions.outcome) == "failed" | project kind = "run with errors") | summarize failures = count() by kind'
  }
  {
    name: 'installment-run-failed'
    severity: 2
    window: 'PT1H'
    description: 'The daily payment-plan timer (installment_run) failed: its plans were not queued that morning, or a direct-debit file was not made (the next morning builds it; two failing mornings and a collection date passes).'
    query: 'requests | where operation_Name == "installment_run" and success == false | summarize failures = count() by operation_Name'
  }
  {
    name: 'restore-money-held'
    severity: 1
    window: 'PT1H'
    description: 'A restored backup holds every run that moves money (settlement, payouts, direct debits, Mollie plan collections) until an operator confirms the bank was reconciled: inning restore-hold show, then confirm (docs/operations.md section 7).'
    query: 'customMetrics | where name == "inning.restore.money_held" | summarize held = sum(valueSum) | where held > 0'
  }
  {
    name: 'dunning-run-missing'
    severity: 1
    window: 'P2D'
    description: 'No successful daily dunning run in the last 26 hours (the run is daily; two hours of slack).'
    query: 'requests | where timestamp > ago(26h) and operation_Name == "daily_dunning" and success == true | summarize runs = count() | where runs == 0'
  }
  {
    name: 'client-run-stale'
    severity: 2
    window: 'PT1H'
    description: 'A client has had no successful dunning run for more than a day (inning.dunning.stale_clients > 0).'
    query: 'customMetrics | where name == "inning.dunning.stale_clients" | summarize stale = max(valueMax) | where stale > 0'
  }
  {
    name: 'statement-quarantined'
    severity: 2
    window: 'PT15M'
    description: 'A bank statement file, or one statement of it (an unknown account next to known ones), was quarantined (statements-quarantine): see its error.json and the action list.'
    query: 'customMetrics | where (name == "inning.statements.files" and tostring(customDimensions.outcome) == "quarantined") or name == "inning.statements.held_back" | summarize files = sum(valueSum) | where files > 0'
  }
  {
    name: 'channel-unconfigured'
    severity: 1
    window: 'PT15M'
    description: 'A message was due on a channel without provider credentials in production (it failed and is on the action list).'
    query: 'customMetrics | where name == "inning.messages.unconfigured_channel" | summarize count_ = sum(valueSum) by channel = tostring(customDimensions.channel) | where count_ > 0'
  }
  {
    name: 'poison-platform'
    severity: 2
    window: 'PT15M'
    description: 'A poison message no client or agency owns was set aside on the platform action list (inning.actions.poison scope platform): read it with the operator agency key, GET /api/v1/platform/actions (docs/operations.md section 6).'
    query: 'customMetrics | where name == "inning.actions.poison" and tostring(customDimensions.scope) == "platform" | summarize items = sum(valueSum) by queue = tostring(customDimensions.queue) | where items > 0'
  }
  {
    name: 'statutory-rates-stale'
    severity: 2
    window: 'PT1H'
    description: 'The newest statutory interest rate is older than seven months (inning.rates.stale): upload the current table with inning rates update (docs/operations.md).'
    query: 'customMetrics | where name == "inning.rates.stale" | summarize stale = max(valueMax) | where stale > 0'
  }
  {
    name: 'backup-failed'
    severity: 1
    window: 'PT1H'
    description: 'The nightly table backup (backup_tables, or resume_backup going on with it) failed (docs/operations.md section 7); one that stops short without failing is the backup-missing alert.'
    query: 'requests | where operation_Name in ("backup_tables", "resume_backup") and success == false | summarize failures = count() by operation_Name'
  }
  {
    name: 'backup-missing'
    severity: 1
    window: 'PT1H'
    description: 'The newest complete table backup is older than 26 hours (inning.backup.newest_age_hours), or there is none (the watch then records 10000 hours; a new deployment until its first backup, so run inning backup after the first deploy): the nightly backup fails, stops short every night or no longer runs.'
    query: 'customMetrics | where name == "inning.backup.newest_age_hours" | summarize age = max(valueMax) | where age > 26'
  }
  {
    // ops28: the lifecycle rule deletes a night 36 days after its last read; the nightly backup
    // reads the last good one while the nights fail, but not when its timer cannot run or
    // read (the app down, its role lost): five days before, this pages (10000: no backup at
    // all, backup-missing's case, not this one)
    name: 'backup-expiring'
    severity: 0
    window: 'PT1H'
    description: 'No table backup has completed for ${backupRetentionDays - 5} days: the backup account deletes the last good night ${backupRetentionDays + 1} days after its last read, which only the nightly backup makes while it runs. Run inning backup --keep now (docs/operations.md section 7), then mend the backup.'
    query: 'customMetrics | where name == "inning.backup.newest_age_hours" | summarize age = max(valueMax) | where age > ${(backupRetentionDays - 5) * 24} and age < 10000'
  }
  {
    name: 'statements-deadletter'
    severity: 1
    window: 'PT1H'
    description: 'Event Grid gave up delivering a statement file to the app and kept the event in statements-deadletter (inning.statements.deadlettered): the file was never booked (docs/operations.md section 6).'
    query: 'customMetrics | where name == "inning.statements.deadlettered" | summarize events = max(valueMax) | where events > 0'
  }
  {
    name: 'provider-waiting'
    severity: 2
    window: 'PT15M'
    description: 'A message provider (Graph, CM, Pingen, Twilio) has kept messages waiting over 30 minutes (inning.messages.provider_waiting, by channel): they are tried for a day before each fails with a delivery_failure item (docs/operations.md section 8).'
    query: 'customMetrics | where name == "inning.messages.provider_waiting" | summarize waiting = max(valueMax) by channel = tostring(customDimensions.channel) | where waiting > 0'
  }
  {
    name: 'http-5xx-rate'
    severity: 2
    window: 'PT15M'
    description: 'More than 5% of HTTP requests answered 5xx (at least 10 of them).'
    query: 'requests | summarize total = count(), failed = countif(toint(resultCode) >= 500) | where failed >= 10 and failed * 100.0 / total > 5'
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [for a in logAlerts: {
  name: 'alert-inning-${a.name}-${token}'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Inning: ${a.name}'
    description: a.description
    severity: a.severity
    enabled: true
    scopes: [ insights.id ]
    evaluationFrequency: a.window == 'P2D' ? 'PT1H' : (a.window == 'PT1H' ? 'PT15M' : 'PT5M')
    windowSize: a.window
    criteria: {
      allOf: [
        {
          query: a.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    autoMitigate: true
    actions: { actionGroups: [ actions ] }
  }
}]


// Event Grid failing to deliver statement files right now (a renewed blobs_extension key
// answers 401 to every delivery; the event dead-letters only after 24 hours of retries):
// provision again to put the current key in the subscription (docs/operations.md section 2).
resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: eventGridTopicName
}

resource deliveryAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-inning-statement-delivery-${token}'
  location: 'global'
  tags: tags
  properties: {
    description: 'Event Grid failed to deliver statement file events to the app (DeliveryAttemptFailCount > 0): a renewed host key or the app down; after 24 hours the event is dead-lettered (the statements-deadletter alert). See docs/operations.md section 6.'
    severity: 1
    enabled: true
    scopes: [ topic.id ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [ // one criterion: allOf means every criterion at once
        {
          name: 'delivery-failed'
          criterionType: 'StaticThresholdCriterion'
          metricName: 'DeliveryAttemptFailCount'
          metricNamespace: 'Microsoft.EventGrid/systemTopics'
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Total'
        }
      ]
    }
    actions: [ { actionGroupId: actions } ]
  }
}
