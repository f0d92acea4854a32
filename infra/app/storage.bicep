// One account for the Functions host and Inning's tables, queues and blobs.
// Shared-key access is off: only Entra ID (the app's managed identity) gets in.
// Every table, queue and container the code names is declared here, so a provision shows what
// exists and tests/unit/test_infra_drift.py fails when code and template drift apart.
param name string
param location string
param tags object
@description('Put a CanNotDelete lock on the account (production): azd down and a stray delete stop at the lock, and with them the ledger survives.')
param lockAccount bool

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  // checkov:skip=CKV_AZURE_59: public network access stays on: Flex Consumption without a VNet reaches storage over its public endpoint; shared keys are off and RBAC guards every call
  // checkov:skip=CKV_AZURE_35: default network action Allow for the same reason (no VNet integration yet); access is by Entra ID only
  // checkov:skip=CKV_AZURE_206: ZRS (three zones in the region) is the chosen redundancy; geo-replication would copy debtor data outside the region pair's control and daily table backups cover logical loss
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  }
}

resource lock 'Microsoft.Authorization/locks@2020-05-01' = if (lockAccount) {
  name: 'inning-ledger-cannot-delete'
  scope: account
  properties: {
    level: 'CanNotDelete'
    notes: 'Table Storage holds the ledger. Remove this lock on purpose (docs/operations.md) before deleting the account.'
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: { enabled: true, days: 30 }
    containerDeleteRetentionPolicy: { enabled: true, days: 30 }
  }
}

// Blob containers named in code (shared/services/*, shared/services/backups.py, functions/*).
var containers = [
  'app-package' // Flex Consumption deployment package
  'statements' // bank statement files, blob trigger (Event Grid source)
  'statements-quarantine' // refused statement files with <file>.error.json
  'statements-deadletter' // Event Grid events that could not be delivered to the app
  'messages' // rendered message content
  'inbound-mail' // attachments of debtors' e-mails (shared/services/inbound/)
  'dossiers' // letters and attachments kept with the dossier
  'invoice-pdfs' // invoice PDFs uploaded by clients
  'backups' // daily export of every table (shared/services/backups.py)
  'poison' // poison messages kept whole for their action items and replay
  'settlements' // settlement statements (PDF, CSV) and pain.001 payouts
  'direct-debits' // pain.008 files of payment plans (shared/services/plans/direct_debit.py)
  'statutory-rates' // versioned statutory interest rate tables (shared/services/rates.py)
  'console-jobs' // the console's long work: inputs/ (deleted when the job ends; a week old: consoleJobInputsExpire), partial results, the file to download (an upload's under rows/: a month)
  'upload-previews' // a console upload's preview until its confirm (deleted a day old: uploadPreviewsExpire)
  'report-templates' // a client's own Excel workbook for its reports
  'house-style' // clients' e-mail logo, header and footer images (shared/services/house_style.py)
]

resource containerSet 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for c in containers: {
  parent: blobs
  name: c
  properties: { publicAccess: 'None' }
}]

// A console upload's preview holds the new debtors' names, e-mail addresses and addresses
// (AVG art. 5(1)(e)): the confirm refuses one older than an hour (shared/services/
// console_jobs.py, PREVIEW_KEPT) and deletes it; this rule deletes every preview a day old, so
// one never confirmed is not kept either (the platform's daily run: no timer of our own).
// A console job's input (a large upload: the same names and addresses) is deleted when the job
// ends, done or failed; the rule 'console-job-inputs-a-week' deletes any left under
// console-jobs/inputs/ (a job never ended) a week old. The files people download sit under
// console-jobs/<client>/<job>/, a prefix no rule matches: they stay. An upload's files (its
// rejected and changed rows: debtors' names, addresses, amounts) sit under console-jobs/rows/:
// the app deletes them 30 days after the job ended (console_jobs.py, ROWS_KEPT) and the rule
// 'console-job-rows-a-month' deletes any a month old.
resource uploadPreviewsExpire 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'upload-previews-a-day'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: [ 'blockBlob' ], prefixMatch: [ 'upload-previews/' ] }
            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 1 } } }
          }
        }
        {
          name: 'console-job-inputs-a-week'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: [ 'blockBlob' ], prefixMatch: [ 'console-jobs/inputs/' ] }
            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 7 } } }
          }
        }
        {
          name: 'console-job-rows-a-month'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: [ 'blockBlob' ], prefixMatch: [ 'console-jobs/rows/' ] }
            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 30 } } }
          }
        }
      ]
    }
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

// Queues named in code: every queue trigger, the poison queue the host fills after
// maxDequeueCount failures, and the blob trigger's poison queue.
var queues = [
  'dunning-run'
  'dunning-run-poison'
  'send-email'
  'send-email-poison'
  'send-sms'
  'send-sms-poison'
  'send-whatsapp'
  'send-whatsapp-poison'
  'send-letter'
  'send-letter-poison'
  'send-robocall'
  'send-robocall-poison'
  'mollie-webhook'
  'mollie-webhook-poison'
  'webjobs-blobtrigger-poison'
  'settlement-run' // one message per agency whose clients are due a settlement
  'settlement-run-poison'
  'usage-month' // opening a usage month per client (shared/services/managed_invoices.py)
  'usage-month-poison'
  'installments' // one message per payment plan that needs attention (functions/installments.py)
  'installments-poison'
  'console-jobs' // the console's long work: one message per job (functions/console_jobs.py)
  'console-jobs-poison'
  'rate-restatement' // a rate table's restatement: one message per client (functions/rates.py)
  'rate-restatement-poison'
  'match-index-build' // a client's matching index, asked for by a reply (functions/match_index.py)
  'match-index-build-poison'
]

resource queueSet 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for q in queues: {
  parent: queueService
  name: q
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

// Tables named in code (shared/adapters/tables/*, shared/services/*); the app also creates
// them on first use, these declarations make a provision the source of truth.
var tables = [
  'Agencies'
  'Clients'
  'ClientNumbers'
  'Debtors'
  'Invoices'
  'Payments'
  'ContactLog'
  'Actions'
  'ApiKeys'
  'AccountOwners'
  'StatementFiles'
  'StatementLines'
  'AccountBalances'
  'LearnedIbans'
  'PaymentRefs'
  'LineClaims'
  'Outbox'
  'OutboxRefs'
  'MailboxPace'
  'Usage'
  'WhatsappContacts'
  'DunningTemplates'
  'Workflows'
  'SegmentRules'
  'DunningSchedule'
  'DunningRuns'
  'ClientRuns'
  'Cases'
  'MolliePayments'
  'SimulatedPayments'
  'PortalAccess'
  'PortalThrottle'
  'PortalReturns'
  'RatesRestated' // the statutory rate table the claims were last restated to (shared/services/rates.py)
  'LinkedAccounts'
  'AgencyDefaults' // people (shared/adapters/tables/people_repo.py)
  'Broadcasts' // people (shared/adapters/tables/people_repo.py)
  'Dismissals' // people (shared/adapters/tables/people_repo.py)
  'LinkTokens' // people (shared/adapters/tables/people_repo.py)
  'PeopleAudit' // people (shared/adapters/tables/people_repo.py)
  'PeopleCounters' // people (shared/adapters/tables/people_repo.py)
  'SignInFailures' // people (shared/adapters/tables/people_repo.py)
  'Signups' // people (shared/adapters/tables/people_repo.py)
  'SmsChallenges' // people (shared/adapters/tables/people_repo.py)
  'TenantUsers' // people (shared/adapters/tables/people_repo.py)
  'UserEmails' // people (shared/adapters/tables/people_repo.py)
  'UserSessions' // people (shared/adapters/tables/people_repo.py)
  'Users' // people (shared/adapters/tables/people_repo.py)
  'Sessions' // people (shared/adapters/tables/people_repo.py)
  'ClientSettlements' // settlement and usage meter
  'ManagedInvoices' // settlement and usage meter
  'SettledPayments' // settlement and usage meter
  'SettlementAgreements' // settlement and usage meter
  'SettlementBalances' // settlement and usage meter
  'SettlementRuns' // settlement and usage meter
  'QueueFailures' // the cause of a failing message, for its poison item
  'MatchIndex' // statement matching: a few point reads per line (invoices_repo.py keeps it)
  'Ledger' // the claim ledger (shared/adapters/tables/ledger_repo.py)
  'PaymentPlans' // payment plans
  'PlanCalendar' // payment plans
  'PlanInvoices' // payment plans
  'PlanReferences' // payment plans
  'InboundMail' // debtors' e-mails per client (shared/adapters/tables/inbound_repo.py)
  'InboundMailboxes' // each mailbox's Graph delta link
  'InboundMailSeen' // a received message is handled once
  'DebtorEmails' // sender address -> debtors (kept by the debtor repository)
  'PlanRules' // payment plans
  'PlanTimeline' // payment plans
  'SddCollections' // payment plans
  'SddPending' // payment plans
  'Conversations' // quick texts, approved WhatsApp templates, last inbound WhatsApp (conversations_repo.py)
  'ConsoleJobs' // the console's long work (shared/adapters/tables/console_jobs_repo.py)
  'StatementReports' // what became of each statement file (shared/services/payment_overview.py)
  'PortfolioFigures' // the console's Today page: open and received sums per client
  'ConsoleSearch' // the console's search index (shared/adapters/tables/search_repo.py)
  'MolliePlanCollections' // payment plans collected through Mollie (shared/services/plans/mollie_collection.py)
  'PaymentsByDay' // the console's payments per day (shared/adapters/tables/payment_days_repo.py)
  'SettlementRepayments' // clients' repayments of negative settlements (settlement_repayments_repo.py)
]

resource tableSet 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for t in tables: {
  parent: tableService
  name: t
}]

output name string = account.name
output id string = account.id
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}app-package'
