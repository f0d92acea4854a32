// Log Analytics + Application Insights (Entra auth only) and the URL scrubbing transformation.
// The availability test and the alerts are in alerts.bicep (they need the app's host name).
param token string
param location string
param tags object

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-inning-${token}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 90
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-inning-${token}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

// Debtor portal links carry a bearer token in the path (/api/p/<token>). The app's own
// telemetry strips it (shared/telemetry/scrub.py); the Functions host records requests
// itself, outside Python, so the workspace rewrites every URL and name at ingestion too.
// The patterns are shared/telemetry/scrub.py's PATTERNS (tests/unit/telemetry/test_scrub.py).
var scrub = 'replace_regex(replace_regex(replace_regex(COLUMN, @\'/api/p/[^/?#\\s]+\', @\'/api/p/{token}\'), @\'/api/callbacks/([A-Za-z]+)/[^/?#\\s]+\', @\'/api/callbacks/\\1/{token}\'), @\'([?&](?:code|token|sig|state|tempauth|access_token|refresh_token)=)[^&#\\s]+\', @\'\\1{redacted}\')'
resource scrubRule 'Microsoft.Insights/dataCollectionRules@2023-03-11' = {
  name: 'dcr-inning-scrub-${token}'
  location: location
  tags: tags
  kind: 'WorkspaceTransforms'
  properties: {
    dataSources: {}
    destinations: {
      logAnalytics: [ { name: 'workspace', workspaceResourceId: workspace.id } ]
    }
    dataFlows: [
      {
        streams: [ 'Microsoft-Table-AppRequests' ]
        destinations: [ 'workspace' ]
        transformKql: 'source | extend Url = ${replace(scrub, 'COLUMN', 'Url')}, Name = ${replace(scrub, 'COLUMN', 'Name')}, OperationName = ${replace(scrub, 'COLUMN', 'OperationName')}'
      }
      {
        streams: [ 'Microsoft-Table-AppDependencies' ]
        destinations: [ 'workspace' ]
        transformKql: 'source | extend Data = ${replace(scrub, 'COLUMN', 'Data')}, Name = ${replace(scrub, 'COLUMN', 'Name')}, Target = ${replace(scrub, 'COLUMN', 'Target')}'
      }
      {
        streams: [ 'Microsoft-Table-AppTraces' ]
        destinations: [ 'workspace' ]
        transformKql: 'source | extend Message = ${replace(scrub, 'COLUMN', 'Message')}'
      }
    ]
  }
}

module scrubDefault 'workspace-transform.bicep' = {
  name: 'workspace-transform'
  params: { workspaceName: workspace.name, location: location, tags: tags, ruleId: scrubRule.id }
}

output connectionString string = insights.properties.ConnectionString
output appInsightsName string = insights.name
output appInsightsId string = insights.id
output workspaceId string = workspace.id
