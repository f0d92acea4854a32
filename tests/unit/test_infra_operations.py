"""ops6: what the on-call engineer needs from the deployment. The operator agency is a
parameter of the deployment (azd env), not an empty setting nobody can change; the alerts
cover platform poison, a stale rate table, the nightly backup failing or missing, statement
events Event Grid gave up on (and deliveries failing before that)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable

from tests.support.code_scan import ROOT

INFRA = ROOT / "infra"


def bicep(name: str) -> str:
    return (INFRA / name).read_text()


def test_the_operator_agency_is_a_deployment_parameter() -> None:
    main = bicep("main.bicep")
    assert re.search(r"^param operatorAgency string = ''$", main, re.MULTILINE)
    assert "operatorAgency: operatorAgency" in main
    params = json.loads(bicep("main.parameters.json"))["parameters"]
    assert params["operatorAgency"] == {"value": "${INNING_OPERATOR_AGENCY=}"}
    api = bicep("app/api.bicep")
    assert re.search(r"^param operatorAgency string$", api, re.MULTILINE)
    assert "{ name: 'INNING_OPERATOR_AGENCY', value: operatorAgency }" in api
    # the deploy section tells the operator to set it
    readme = (ROOT / "README.md").read_text()
    deploy = readme[readme.index("## Deploying to Azure") :]
    assert "azd env set INNING_OPERATOR_AGENCY" in deploy
    assert "azd env set INNING_OPERATOR_AGENCY" in (ROOT / "docs/operations.md").read_text()


def _log_alerts() -> dict[str, str]:
    alerts = bicep("app/alerts.bicep")
    return dict(re.findall(r"name: '([a-z0-9-]+)'\n(?:.*\n){0,6}?\s*query: '([^\n]*)'", alerts))


def test_the_operations_alerts_exist_and_read_metrics_the_code_emits() -> None:
    alerts = _log_alerts()
    expected = {
        "poison-platform": "inning.actions.poison",
        "statutory-rates-stale": "inning.rates.stale",
        "backup-missing": "inning.backup.newest_age_hours",
        "statements-deadletter": "inning.statements.deadlettered",
    }
    code = "\n".join(p.read_text() for p in (ROOT / "shared").rglob("*.py"))
    for name, metric in expected.items():
        assert name in alerts, name
        assert f'"{metric}"' in alerts[name], (name, alerts[name])
        assert f'"{metric}"' in code, metric
    assert '"backup_tables", "resume_backup") and success == false' in alerts["backup-failed"]
    assert "age > 26" in alerts["backup-missing"]


def test_event_grid_delivery_failures_page_someone() -> None:
    alerts = bicep("app/alerts.bicep")
    assert "metricName: 'DeliveryAttemptFailCount'" in alerts
    assert "metricNamespace: 'Microsoft.EventGrid/systemTopics'" in alerts
    assert "eventGridTopicName: events.outputs.topicName" in bicep("main.bicep")
    assert "output topicName string = topic.name" in bicep("app/eventgrid.bicep")


def test_backup_retention_and_resume_are_set() -> None:
    api = bicep("app/api.bicep")
    # one retention for the app setting and the backup account's immutability (ops24 F5)
    assert "{ name: 'INNING_BACKUP_RETENTION_DAYS', value: string(backupRetentionDays) }" in api
    assert re.search(r"^param backupRetentionDays int = 35$", bicep("main.bicep"), re.MULTILINE)
    assert "{ name: 'BACKUP_RESUME_SCHEDULE', value:" in api
    operations = (ROOT / "functions" / "operations.py").read_text()
    assert 'schedule="%BACKUP_RESUME_SCHEDULE%"' in operations


def test_the_resume_waits_out_the_functions_timeout() -> None:
    """ops24 F7: the resume leaves a backup begun less than RUN_LIMIT ago to its run; that
    holds only while no timer run lives longer than RUN_LIMIT (host.json functionTimeout)."""
    from datetime import timedelta

    from shared.services.operations.backups import RUN_LIMIT

    hours, minutes, seconds = json.loads((ROOT / "host.json").read_text())["functionTimeout"].split(
        ":"
    )
    timeout = timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds))
    assert timeout <= RUN_LIMIT


def test_the_backup_is_done_before_the_settlement_run_starts() -> None:
    """failure7 finding 5: the resume window (02:00-05:45) overlapped the 05:00 settlement
    run; a backup taken across it restored a run without its settlements."""
    import re

    api = bicep("app/api.bicep")

    def schedule(name: str) -> str:
        found = re.search(rf"name: '{name}', value: '([^']+)'", api)
        assert found is not None, name
        return found.group(1)

    _, minutes, hours, *_ = schedule("BACKUP_RESUME_SCHEDULE").split()
    last_hour = max(int(h) for h in re.split(r"[-,]", hours))
    last_start = last_hour * 60 + max(range(0, 60, int(minutes.split("/")[1])))
    settles_at = int(schedule("SETTLEMENT_SCHEDULE").split()[2]) * 60
    budget_and_timeout = 10  # a resume stops starting tables at six minutes; the host kills at ten
    assert last_start + budget_and_timeout <= settles_at


def _scaling_groups() -> dict[str, int]:
    """Flex Consumption's per-function scaling groups of the indexed app: the HTTP triggers
    one, the blob (Event Grid) triggers one, every other function its own."""
    code = (
        "import collections, json, function_app\n"
        "groups = collections.Counter()\n"
        "for f in function_app.app.get_functions():\n"
        "    kind = f.get_trigger().get_binding_name()\n"
        "    group = {'httpTrigger': 'http', 'blobTrigger': 'blob'}.get(kind, f.get_function_name())\n"
        "    groups[group] += 1\n"
        "print(json.dumps(groups))\n"
    )
    env = {**os.environ, "INNING_ENVIRONMENT": "local"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    groups: dict[str, int] = json.loads(out)
    return groups


def test_zone_redundancy_is_off_by_default_and_its_always_ready_floor_is_said() -> None:
    """ops16 #4: zone redundancy (then default on) keeps at least two always-ready instances for
    every per-function scaling group on Flex Consumption (reliability-functions, Cost), not the
    "two" README and the parameter said: with Inning's 36 groups, 72 instances of 2,048 MB
    around the clock. Off by default now, and the figure README gives is the code's."""
    api = bicep("app/api.bicep")
    assert "zoneRedundant: zoneRedundant" in api
    main = bicep("main.bicep")
    assert re.search(r"^param zoneRedundant bool = false$", main, re.MULTILINE)
    params = json.loads(bicep("main.parameters.json"))["parameters"]
    assert params["zoneRedundant"] == {"value": "${INNING_ZONE_REDUNDANT=false}"}
    groups = _scaling_groups()
    assert groups["http"] > 1 and groups["blob"] >= 1  # grouped, each one group
    memory = int(re.search(r"instanceMemoryMB: (\d+)", api)[1])  # type: ignore[index]
    readme = (ROOT / "README.md").read_text()
    choices = readme[readme.index("### Flex Consumption choices") :].split("\n### ", 1)[0]
    said = " ".join(choices.split())
    floor = 2 * len(groups)
    assert f"Inning indexes {len(groups)} per-function scaling groups" in said
    assert (
        f"at least {floor} always-ready instances of {memory:,} MB ({floor * memory // 1024} GB)"
        in said
    )
    assert "at least two always-ready instances (billed as such)" not in said
    description = re.search(r"@description\('([^']*)'\)\nparam zoneRedundant", main)
    assert description is not None
    assert f"Inning has {len(groups)}" in description[1] and f"{floor} instances" in description[1]
    # not supported on Flex Consumption: nothing would act on it
    assert not re.search(r"^\s*healthCheckPath:", api, re.MULTILINE)


def test_the_preprovision_hook_checks_every_provider_secret_exists() -> None:
    guard = (INFRA / "hooks" / "secrets-guard.sh").read_text()
    check = guard.index("INNING_PROVIDER_SECRETS")
    # before the early exit taken on every provision after the first
    assert check < guard.index('= "true" ]; then\n  exit 0')
    assert "tr 'A-Z_' 'a-z-'" in guard  # the name the template's Key Vault reference uses
    assert "az keyvault secret show" in guard[check:] and "exit 1" in guard[check:]


def test_the_hook_stops_a_provision_naming_a_secret_the_vault_lacks(tmp_path) -> None:
    import subprocess

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "azd").write_text(
        "#!/bin/sh\n"
        'case "$3" in\n'
        "  INNING_PROVIDER_SECRETS) echo CM_PRODUCT_TOKEN,WHATSAPP_TOKEN ;;\n"
        "  INNING_SECRETS_CREATED) echo true ;;\n"
        "esac\n"
    )
    (bin_dir / "az").write_text(
        "#!/bin/sh\n"
        'case "$1 $2 $3" in\n'
        '  "group exists "*) echo true ;;\n'
        '  "keyvault list "*) echo kv-test ;;\n'
        '  "keyvault secret show") for held in $HELD; do [ "$7" = "$held" ] && exit 0; done; exit 3 ;;\n'
        "esac\n"
    )
    for tool in ("azd", "az"):
        (bin_dir / tool).chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "AZURE_ENV_NAME": "test"}
    hook = str(INFRA / "hooks" / "secrets-guard.sh")
    typo = subprocess.run(["sh", hook], env=env | {"HELD": "cm-product-token whatsapp-tokn"},
                          capture_output=True, text=True)  # fmt: skip
    assert typo.returncode == 1 and "whatsapp-token" in typo.stderr
    fine = subprocess.run(["sh", hook], env=env | {"HELD": "cm-product-token whatsapp-token"},
                          capture_output=True, text=True)  # fmt: skip
    assert fine.returncode == 0, fine.stderr


def test_after_azd_down_the_soft_deleted_vault_is_recovered_not_recreated(tmp_path) -> None:
    """ops6 review 13: the vault's name is deterministic and purge protection keeps a deleted
    vault 90 days; the hook has the template recover it (with its secrets)."""
    import subprocess

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "azd-calls"
    (bin_dir / "azd").write_text(f'#!/bin/sh\n[ "$2" = set ] && echo "$3=$4" >> {calls}\nexit 0\n')
    (bin_dir / "az").write_text(
        "#!/bin/sh\n"
        'case "$1 $2" in\n'
        '  "keyvault list-deleted") echo "$DELETED" ;;\n'
        '  "keyvault show") [ -n "$ACTIVE" ] && exit 0; exit 3 ;;\n'
        '  "group exists") echo false ;;\n'
        "esac\n"
    )
    for tool in ("azd", "az"):
        (bin_dir / tool).chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "AZURE_ENV_NAME": "test"}
    hook = str(INFRA / "hooks" / "secrets-guard.sh")
    done = subprocess.run(["sh", hook], env=env | {"DELETED": "kv-inning-abc", "ACTIVE": ""},
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert calls.read_text().split() == ["INNING_VAULT_RECOVER=true", "INNING_SECRETS_CREATED=true"]
    calls.unlink()
    again = subprocess.run(["sh", hook], env=env | {"DELETED": "", "ACTIVE": ""},
                           capture_output=True, text=True)  # fmt: skip
    assert again.returncode == 0 and calls.read_text().split() == ["INNING_VAULT_RECOVER=false"]
    vault = bicep("app/keyvault.bicep")
    assert "createMode: recover ? 'recover' : 'default'" in vault
    assert "recover: vaultRecover" in bicep("main.bicep")
    params = json.loads(bicep("main.parameters.json"))["parameters"]
    assert params["vaultRecover"] == {"value": "${INNING_VAULT_RECOVER=false}"}


# role definition ids (learn.microsoft.com/azure/role-based-access-control/built-in-roles)
ROLE_IDS = {
    "Storage Table Data Contributor": "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Queue Data Contributor": "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
    "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
}
# a role the runbook names, and the one the operator holds that covers it
COVERED_BY = {"Key Vault Secrets User": "Key Vault Secrets Officer"}


def test_the_operator_who_runs_azd_gets_the_roles_the_runbook_names() -> None:
    """ops24 F2: storage takes no keys and the vault is RBAC-only, so a subscription Owner
    reads no table, blob, queue or secret; only the app's identity had data-plane roles, and
    right after a first `azd up` the runbook's `inning agency create`, `inning backup`,
    `inning poison replay` and `az keyvault secret set` answered 403."""
    params = json.loads(bicep("main.parameters.json"))["parameters"]
    assert params["operatorPrincipalId"] == {"value": "${AZURE_PRINCIPAL_ID=}"}
    main = bicep("main.bicep")
    assert re.search(r"^param operatorPrincipalId string = ''$", main, re.MULTILINE)
    assert "operatorPrincipalId: operatorPrincipalId" in main
    rbac = bicep("app/rbac.bicep")
    roles = dict(re.findall(r"^\s+(\w+): '([0-9a-f-]{36})'", rbac, re.MULTILINE))
    storage = re.search(r"var operatorStorageRoles = \[([^\]]*)\]", rbac)
    assert storage, "operatorStorageRoles not found"
    granted = {roles[r.strip().removeprefix("roles.")] for r in storage.group(1).split(",")}
    # every assignment to the operator is skipped when azd names nobody, and names the operator
    operator = re.findall(
        r"resource \w+ 'Microsoft.Authorization/roleAssignments@[^']+' = (.*?)\n}", rbac, re.S
    )
    mine = [block for block in operator if "operatorPrincipalId" in block]
    assert len(mine) == 2, mine
    for block in mine:
        assert "if (!empty(operatorPrincipalId))" in block
        assert "principalId: operatorPrincipalId" in block
        assert "principalId: principalId" not in block
    vault = next(b for b in mine if "scope: vault" in b)
    granted |= {roles[r] for r in re.findall(r"roles\.(\w+)\)$", vault, re.MULTILINE)}
    runbook = (ROOT / "docs" / "operations.md").read_text()
    named = set(re.findall(r"\*((?:Storage \w+ Data|Key Vault Secrets) \w+)\*", runbook))
    assert {"Storage Table Data Contributor", "Storage Blob Data Contributor"} <= named
    for role in sorted(named):
        assert ROLE_IDS[COVERED_BY.get(role, role)] in granted, f"the operator lacks {role}"
    # nothing more than the data roles: no Owner of the vault's access, no blob Owner
    assert granted == set(ROLE_IDS.values())


def _summarize_where(query: str, rows: list[dict[str, float]]) -> bool:
    """Whether a log alert query of the shape ``... | summarize a = agg(col), ... by queue =
    ... | where <condition>`` returns a row over ``rows`` (one queue's customMetrics rows):
    the subset of KQL the alert uses, evaluated as Log Analytics does."""
    summarize = re.search(r"\| summarize (.*?) by queue = \S+ \| where (.*)$", query)
    assert summarize, query
    aggregates: dict[str, Callable[[list[float]], float]] = {
        "max": max, "min": min, "sum": sum, "count": len,
    }  # fmt: skip
    values: dict[str, float] = {}
    for name, agg, column in re.findall(r"(\w+) = (\w+)\((\w*)\)", summarize.group(1)):
        values[name] = aggregates[agg]([r[column] for r in rows] if column else [1.0] * len(rows))
    # KQL's and, or, >, >= read as Python's: the alert's own where clause
    return bool(eval(summarize.group(2), {}, values))


def test_the_poison_queue_alert_pages_a_drain_that_fails_not_one_that_works() -> None:
    """ops24 F3: the sweep drains five poison queues (installments, settlement-run,
    usage-month, console-jobs, rate-restatement) on POISON_SWEEP_SCHEDULE, the same second as
    the watch's WATCH_SCHEDULE; one watch run that read a queue before the sweep emptied it
    paged severity 1 for a message already on the action list."""
    api = bicep("app/api.bicep")
    sweep = re.search(r"'POISON_SWEEP_SCHEDULE', value: '([^']+)'", api)
    watch = re.search(r"'WATCH_SCHEDULE', value: '([^']+)'", api)
    assert sweep and watch and sweep.group(1) == watch.group(1)  # the race the query allows for
    query = _log_alerts()["poison-queue"]

    def sample(depth: float) -> dict[str, float]:  # one watch run, as the exporter sends it
        return {"valueMin": depth, "valueMax": depth, "valueSum": depth, "valueCount": 1}

    drained = [sample(1), sample(0), sample(0)]  # seen once, then the sweep had it
    stuck = [sample(1), sample(1), sample(2)]  # the drain fails: it stays and grows
    platform = [sample(3), sample(3)]  # no operator agency: stays from run to run
    lone = [sample(1)]  # a window with a single run says nothing yet
    assert not _summarize_where(query, drained)
    assert _summarize_where(query, stuck)
    assert _summarize_where(query, platform)
    assert not _summarize_where(query, lone)


def test_the_runbook_says_how_to_run_a_failed_daily_dunning_again() -> None:
    """ops24 F4: no timer is retried and the fan-out queues one client at a time, so a
    daily_dunning that failed midway left the rest of the clients without a run that day; the
    alert table said only where to look. The runbook's way back names a timer the code has, a
    test that shows a second run sends nothing twice, and the alert's own hours."""
    from tests.support.code_scan import triggers

    runbook = (ROOT / "docs" / "operations.md").read_text()
    table = runbook[runbook.index("| Alert | Means | First look |") :].split("\n\n", 1)[0]
    row = next(line for line in table.splitlines() if line.startswith("| dunning-run-failed"))
    assert "run it again" in row
    rerun = re.findall(r"/admin/functions/(\w+)\"", runbook)
    timers = {t.function for t in triggers() if t.kind == "timer_trigger"}
    assert rerun == ["daily_dunning"] and set(rerun) <= timers
    cited = re.search(r"`(tests/unit/dunning/\w+\.py)`, `(test_\w+)`", runbook)
    assert cited is not None
    assert f"def {cited[2]}(" in (ROOT / cited[1]).read_text()
    hours = re.search(r"ago\((\d+)h\)", _log_alerts()["dunning-run-missing"])
    assert hours is not None and f"none succeeded in {hours[1]} h" in row


def test_the_last_good_backup_pages_before_the_lifecycle_rule_can_delete_it() -> None:
    """ops28: the backup account's rule deletes a night 36 days (retention + 1) after its
    last read (ops27 F2). Only the nightly backup reads the last good night while the nights
    fail: with the app down, or its role on the backup account lost, it is deleted on day 36
    and only the 26-hour backup-missing alert, firing for a month by then, had said anything.
    Now backup-expiring pages (severity 0) five days before, tied to the same retention, and
    says what keeps the night (``inning backup --keep``), which the runbook explains."""
    alerts = _log_alerts()
    query = alerts["backup-expiring"]
    main = bicep("main.bicep")
    retention = int(re.search(r"^param backupRetentionDays int = (\d+)$", main, re.M)[1])  # type: ignore[index]
    assert "backupRetentionDays: backupRetentionDays" in main[main.index("module alerts") :]
    storage = bicep("app/backup-storage.bicep")
    assert "daysAfterLastAccessTimeGreaterThan: retentionDays + 1" in storage
    where = re.search(r"\| where ([^|]*)$", query)
    assert where and "inning.backup.newest_age_hours" in query
    condition = where[1].replace("${(backupRetentionDays - 5) * 24}", str((retention - 5) * 24))

    def pages(age_hours: float) -> bool:
        return bool(eval(condition, {}, {"age": age_hours}))  # KQL's and / > / < as Python's

    deleted_after = (retention + 1) * 24
    assert not pages(27) and not pages(29 * 24)  # backup-missing's, not this one's
    assert pages((retention - 5) * 24 + 1) and pages(deleted_after - 1)
    assert not pages(10_000)  # no backup at all: backup-missing says so
    alerts_bicep = bicep("app/alerts.bicep")
    block = alerts_bicep[alerts_bicep.index("name: 'backup-expiring'") :].split("\n  }", 1)[0]
    assert "severity: 0" in block and "inning backup --keep" in block
    runbook = (ROOT / "docs" / "operations.md").read_text()
    assert "| backup-expiring |" in runbook and "inning backup --keep" in runbook
