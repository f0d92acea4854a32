"""Cheap structural checks of the deployment files (no Bicep compiler on these machines;
`make lint` also runs checkov over infra/)."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
INFRA = ROOT / "infra"


def bicep(name: str) -> str:
    return (INFRA / name).read_text()


def test_every_module_exists():
    for path in INFRA.rglob("*.bicep"):
        for module in re.findall(r"module \w+ '([^']+)'", path.read_text()):
            assert (path.parent / module).exists(), (path, module)


def test_no_storage_keys_and_identity_based_storage():
    text = "\n".join(p.read_text() for p in INFRA.rglob("*.bicep"))
    assert "allowSharedKeyAccess: false" in text
    assert "AccountKey" not in text
    # the only listKeys reads the Functions host's keys (the blob extension's webhook key)
    assert re.findall(r"listKeys\('([^']+)'", text) == ["${site.id}/host/default"]
    assert "AzureWebJobsStorage__accountName" in text
    assert "AzureWebJobsStorage__credential" in text


def test_parameters_match_main():
    params = json.loads(bicep("main.parameters.json"))["parameters"]
    declared = set(re.findall(r"^param (\w+)", bicep("main.bicep"), re.MULTILINE))
    assert set(params) <= declared


def test_secrets_are_not_read_from_the_operators_environment():
    """The pepper and the other secrets no longer come from azd env values (kept in plain
    text under .azure/ and re-read on every provision): the deployment generates them once."""
    params = bicep("main.parameters.json")
    for name in ("INNING_API_KEY_PEPPER", "INNING_CALLBACK_TOKEN", "INNING_PORTAL_KEYS"):
        assert name not in params
    main = bicep("main.bicep")
    assert main.count("= newGuid()") == 5
    assert "secretsCreated: secretsCreated" in main


def test_secrets_are_created_only_when_absent():
    vault = bicep("app/keyvault.bicep")
    secrets = re.findall(r"resource \w+ 'Microsoft.KeyVault/vaults/secrets@[^']+' = (.*)", vault)
    assert secrets and all("if (!secretsCreated)" in s for s in secrets), secrets
    guard = (INFRA / "hooks" / "secrets-guard.sh").read_text()
    assert "az keyvault secret show" in guard and "azd env set INNING_SECRETS_CREATED true" in guard
    assert "exit 1" in guard  # fails closed when the vault cannot be read
    azure_yaml = (ROOT / "azure.yaml").read_text()
    assert "preprovision:" in azure_yaml and "infra/hooks/secrets-guard.sh" in azure_yaml
    assert "postprovision:" in azure_yaml
    assert "${INNING_SECRETS_CREATED=false}" in bicep("main.parameters.json")


def test_the_app_waits_for_its_role_assignments():
    main = bicep("main.bicep")
    api_module = main[main.index("module api ") :]
    api_module = api_module[: api_module.index("\n}\n")]
    assert "dependsOn: [ rbac ]" in api_module
    rbac = bicep("app/rbac.bicep")
    assert "b86a8fe4-44ce-4948-aee5-eccb2c155cd7" in rbac  # Key Vault Secrets Officer


def test_azd_state_is_neither_committed_nor_deployed():
    assert ".azure/" in (ROOT / ".gitignore").read_text().splitlines()
    assert ".azure" in (ROOT / ".funcignore").read_text().splitlines()


def test_host_json_and_routes():
    host = json.loads((ROOT / "host.json").read_text())
    assert host["version"] == "2.0"
    assert host["extensionBundle"]["version"] == "[4.*, 5.0.0)"
    queues = host["extensions"]["queues"]
    assert queues["messageEncoding"] == "base64"
    assert 1 <= queues["batchSize"] <= 32


def test_request_telemetry_is_not_filtered():
    logging = json.loads((ROOT / "host.json").read_text())["logging"]
    assert logging["logLevel"].get("Host.Results", "Information") in (
        "Information",
        "Trace",
        "Debug",
    )
    assert "Request" in logging["applicationInsights"]["samplingSettings"]["excludedTypes"]


def test_no_timer_runs_on_startup():
    for path in [*(ROOT / "functions").rglob("*.py"), ROOT / "function_app.py"]:
        assert "run_on_startup=True" not in path.read_text(), path


def test_production_storage_is_locked():
    storage = bicep("app/storage.bicep")
    assert "Microsoft.Authorization/locks@" in storage and "level: 'CanNotDelete'" in storage
    assert "${INNING_LOCK_STORAGE=true}" in bicep("main.parameters.json")


def test_flex_concurrency_and_warm_instance_are_explicit():
    api = bicep("app/api.bicep")
    assert "alwaysReady:" in api and "perInstanceConcurrency: httpConcurrency" in api
    assert "PYTHON_THREADPOOL_THREAD_COUNT" in api
    main = bicep("main.bicep")
    assert "param alwaysReadyInstances int = 1" in main
    assert "param httpConcurrency int = 8" in main


def test_alerts_availability_and_action_group():
    alerts = bicep("app/alerts.bicep")
    assert "Microsoft.Insights/webtests@" in alerts
    assert "/api/v1/health" in alerts
    assert "Microsoft.Insights/actionGroups@" in alerts
    for name in (
        "poison-queue",
        "dunning-run-failed",
        "installment-run-failed",
        "restore-money-held",
        "dunning-run-missing",
        "client-run-stale",
        "statement-quarantined",
        "http-5xx-rate",
        "channel-unconfigured",
    ):
        assert f"name: '{name}'" in alerts, name
    main = bicep("main.bicep")
    assert "actionGroupId: alertActionGroupId" in main


def test_alert_metric_names_exist_in_code():
    """The alerts query metrics by name: each must be emitted somewhere in shared/."""
    alerts = bicep("app/alerts.bicep")
    code = "\n".join(p.read_text() for p in (ROOT / "shared").rglob("*.py"))
    for metric in set(re.findall(r'name == "(inning\.[a-z_.]+)"', alerts)):
        assert f'"{metric}"' in code, metric


def test_app_settings_cover_the_local_sample():
    api = bicep("app/api.bicep")
    sample = json.loads((ROOT / "local.settings.sample.json").read_text())["Values"]
    for name in sample:
        # provider settings come through providerSecretNames / providerSettings
        # (tests/unit/test_infra_drift.py checks those lists against the code)
        if name.startswith(("_", "FUNCTIONS_", "AzureWebJobsStorage", "AzureFunctionsWebHost")):
            continue
        if name.startswith(("GRAPH_", "CM_", "WHATSAPP_", "TWILIO_", "PINGEN_", "MOLLIE_")):
            assert f"'{name}'" in api, name
            continue
        assert f"name: '{name}'" in api, name
