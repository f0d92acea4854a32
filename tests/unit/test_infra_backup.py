"""ops24 F5: the backup account of infra/app/backup-storage.bicep. Another region than the
tables (the paired one by default), geo-redundant, every blob version immutable for the
retention, old nights deleted by a lifecycle rule that waits for the immutability to end, and
no delete right for the app's identity (nor the operator's) there. No Bicep compiler on these
machines: the template's text is read (`make lint` runs checkov and the parser over it)."""

from __future__ import annotations

import json
import re

from tests.support.code_scan import ROOT

INFRA = ROOT / "infra"
BACKUP = (INFRA / "app" / "backup-storage.bicep").read_text()
MAIN = (INFRA / "main.bicep").read_text()


def _resource(kind: str) -> str:
    """The body of the first resource of ``kind`` (to its closing brace at column 0)."""
    match = re.search(rf"^resource \w+ '{re.escape(kind)}@[^']+' = [^\n]*\n(.*?)^\}}", BACKUP,
                      re.MULTILINE | re.DOTALL)  # fmt: skip
    assert match, kind
    return match.group(1)


def test_the_backup_account_is_in_another_region_and_geo_redundant() -> None:
    module = MAIN[MAIN.index("module backupStorage 'app/backup-storage.bicep'") :]
    module = module[: module.index("\n}\n")]
    assert "location: backupRegion" in module and "location: location" not in module
    assert (
        "var backupRegion = empty(backupLocation) ? pairedRegions[location] : backupLocation"
        in MAIN
    )
    pairs = dict(re.findall(r"^  (\w+): '(\w+)'$", MAIN[MAIN.index("var pairedRegions") :],
                            re.MULTILINE))  # fmt: skip
    assert pairs["westeurope"] == "northeurope" and pairs["northeurope"] == "westeurope"
    assert all(a != b for a, b in pairs.items())
    account = _resource("Microsoft.Storage/storageAccounts")
    assert re.search(r"sku: \{ name: 'Standard_(RAGRS|GRS|GZRS|RAGZRS)' \}", account)
    assert "allowSharedKeyAccess: false" in account and "allowBlobPublicAccess: false" in account
    params = json.loads((INFRA / "main.parameters.json").read_text())["parameters"]
    assert params["backupLocation"] == {"value": "${INNING_BACKUP_LOCATION=}"}


def test_every_version_is_immutable_for_the_retention_and_soft_deleted_after() -> None:
    account = _resource("Microsoft.Storage/storageAccounts")
    worm = account[account.index("immutableStorageWithVersioning") :]
    assert "enabled: true" in worm
    assert "immutabilityPeriodSinceCreationInDays: retentionDays" in worm
    assert "allowProtectedAppendWrites: false" in worm
    service = _resource("Microsoft.Storage/storageAccounts/blobServices")
    assert "isVersioningEnabled: true" in service
    assert re.search(r"deleteRetentionPolicy: \{ enabled: true, days: \d+ \}", service)
    container = _resource("Microsoft.Storage/storageAccounts/blobServices/containers")
    assert "name: 'backups'" in container
    assert "immutableStorageWithVersioning: { enabled: true }" in container
    lock = _resource("Microsoft.Authorization/locks")
    assert "level: 'CanNotDelete'" in lock
    # one retention for the immutability, the lifecycle and the app setting
    assert "retentionDays: backupRetentionDays" in MAIN
    assert "backupRetentionDays: backupRetentionDays" in MAIN
    api = (INFRA / "app" / "api.bicep").read_text()
    assert "{ name: 'INNING_BACKUP_RETENTION_DAYS', value: string(backupRetentionDays) }" in api
    assert "{ name: 'INNING_BACKUP_STORAGE', value: backupBlobEndpoint }" in api
    assert "backupBlobEndpoint: backupStorage.outputs.blobEndpoint" in MAIN


def test_old_nights_are_deleted_by_the_lifecycle_rule_once_their_immutability_ends() -> None:
    policy = _resource("Microsoft.Storage/storageAccounts/managementPolicies")
    assert "prefixMatch: [ 'backups/' ]" in policy
    # a lifecycle delete of a version still immutable fails: the rule waits a day past it
    # counted from the last read: the app reads the last good night while nights fail (ops27 F2)
    assert (
        "baseBlob: { delete: { daysAfterLastAccessTimeGreaterThan: retentionDays + 1 } }" in policy
    )
    assert (
        "daysAfterModificationGreaterThan" not in policy
        and "daysAfterCreation" not in policy.split("version:")[0]
    )
    tracking = _resource("Microsoft.Storage/storageAccounts/blobServices")
    assert "lastAccessTimeTrackingPolicy" in tracking and "enable: true" in tracking
    assert "trackingGranularityInDays: 1" in tracking
    assert "version: { delete: { daysAfterCreationGreaterThan: retentionDays + 1 } }" in policy


def test_the_app_and_the_operator_may_write_backups_but_delete_nothing() -> None:
    role = _resource("Microsoft.Authorization/roleDefinitions")
    data = re.findall(r"'(Microsoft\.Storage/[^']+)'", role[role.index("dataActions") :])
    assert sorted(data) == sorted([
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
    ])  # fmt: skip
    assert "delete" not in role.lower().replace("cannot delete", "")
    assert "*" not in role and "runAsSuperUser" not in role
    assignments = re.findall(
        r"^resource \w+ 'Microsoft.Authorization/roleAssignments@[^']+' = [^\n]*\n(.*?)^\}",
        BACKUP, re.MULTILINE | re.DOTALL,
    )  # fmt: skip
    assert len(assignments) == 2
    for body in assignments:
        assert "scope: account" in body and "roleDefinitionId: backupWriter.id" in body
    assert "principalId: principalId" in assignments[0]
    assert "principalId: operatorPrincipalId" in assignments[1]
    # no built-in role (Blob Data Contributor or Owner: both delete) anywhere on this account
    assert "roleDefinitions', " not in BACKUP and "subscriptionResourceId" not in BACKUP
