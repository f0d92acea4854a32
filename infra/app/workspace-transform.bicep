// Makes the URL-scrubbing rule the workspace's default transformation (a second PUT of the
// workspace: the rule needs the workspace's id first, so one template cannot do both).
param workspaceName string
param location string
param tags object
param ruleId string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 90
    defaultDataCollectionRuleResourceId: ruleId
  }
}
