"""The drift test: what the code names exists in the Bicep, and no secret sits in a plain
setting. A provision then creates every table, queue and container the code uses, and sets
every setting it reads (nothing set by hand has to survive a provision)."""

from __future__ import annotations

import ast
import re

from shared.adapters.tables.memory import InMemoryTableStore
from shared.services.repositories import Repositories
from tests.support.code_scan import ROOT, string_constants, triggers

INFRA = ROOT / "infra"
API = (INFRA / "app" / "api.bicep").read_text()
STORAGE = (INFRA / "app" / "storage.bicep").read_text()
SECRET_NAME = re.compile(r"(SECRET|PASSWORD|PEPPER|TOKEN$|_KEYS?$|^MOLLIE_KEY)")


def bicep_list(text: str, var: str) -> set[str]:
    block = re.search(rf"var {var} = \[(.*?)\n\]", text, re.S)
    assert block, f"var {var} not found"
    return set(re.findall(r"^\s*'([^']+)'", block.group(1), re.M))


def app_settings() -> dict[str, str]:
    """Literal app settings of api.bicep: name -> value expression."""
    return dict(re.findall(r"\{ name: '([^']+)', value: (.+?) \}\n", API))


def settings_read_by_code() -> set[str]:
    """Names read from the environment in shared/settings.py (``e.get("X")`` / ``e["X"]``),
    the ``%X%`` schedules of the triggers, and the providers' settings (``p["X"]``)."""
    names: set[str] = set()
    for path in [ROOT / "shared" / "settings.py", *(ROOT / "shared").rglob("*.py")]:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            key: ast.AST | None = None
            owner: ast.AST | None = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "get" and node.args:
                    key, owner = node.args[0], node.func.value
            elif isinstance(node, ast.Subscript):
                key, owner = node.slice, node.value
            if (
                isinstance(key, ast.Constant)
                and isinstance(key.value, str)
                and re.fullmatch(r"[A-Z][A-Za-z0-9_]+", key.value)
                and "_" in key.value
                and _is_settings_mapping(owner, path.name)
            ):
                names.add(key.value)
    for trigger in triggers():
        names |= set(re.findall(r"%([A-Za-z0-9_]+)%", " ".join(trigger.args.values())))
    return names


def _is_settings_mapping(owner: ast.AST | None, filename: str) -> bool:
    text = ast.unparse(owner) if owner is not None else ""
    if filename == "settings.py":
        return text in ("e", "os.environ")
    return text in ("p", "providers", "self.providers", "self.settings.providers", "s.providers")


def test_every_setting_the_code_reads_is_set_by_the_bicep() -> None:
    declared = (
        set(app_settings()) | bicep_list(API, "providerSecrets") | bicep_list(API, "providerPlain")
    )
    storage_alternatives = {
        # locally a connection string; in Azure the identity-based form (accountName)
        "AzureWebJobsStorage",
        "AzureWebJobsStorage__tableServiceUri",
        "AzureWebJobsStorage__blobServiceUri",
        "AzureWebJobsStorage__queueServiceUri",
    }
    # set by the App Service platform on every instance, never by us: its presence says the
    # code runs in Azure (settings.py refuses INNING_ENVIRONMENT=local there)
    platform_set = {"WEBSITE_INSTANCE_ID"}
    read = settings_read_by_code()
    assert {"INNING_API_KEY_PEPPER", "DUNNING_SCHEDULE", "CM_PRODUCT_TOKEN"} <= read
    missing = sorted(read - declared - storage_alternatives - platform_set)
    assert not missing, f"settings the code reads but the Bicep never sets: {missing}"


def test_no_secret_in_a_plain_setting() -> None:
    for name, value in app_settings().items():
        if SECRET_NAME.search(name):
            assert value.startswith("'@Microsoft.KeyVault("), (name, value)
    secrets, plain = bicep_list(API, "providerSecrets"), bicep_list(API, "providerPlain")
    assert all(SECRET_NAME.search(n) for n in secrets)
    assert not any(SECRET_NAME.search(n) for n in plain), plain
    for name in settings_read_by_code():
        if SECRET_NAME.search(name) and name.startswith(
            ("GRAPH_", "CM_", "WHATSAPP_", "TWILIO_", "PINGEN_", "MOLLIE_")
        ):
            assert name in secrets, f"{name} looks secret: list it in providerSecrets"
    # the plain list is filtered by name, so a token typed into INNING_PROVIDER_SETTINGS is dropped
    assert "filter(plainPairs, p => contains(providerPlain, p.name))" in API
    assert "contains(providerSecrets, n) || startsWith(n, 'MOLLIE_KEY_')" in API
    code = (ROOT / "shared" / "services" / "online_payments.py").read_text()
    assert 'f"MOLLIE_KEY_{' in code  # the dynamic names the prefix rule is for


def test_every_table_the_code_creates_is_declared() -> None:
    store = InMemoryTableStore()
    Repositories.over(store).ensure_tables()
    created = set(store._tables)
    assert {"Invoices", "ClientRuns", "MolliePayments"} <= created
    missing = sorted(created - bicep_list(STORAGE, "tables"))
    assert not missing, f"tables missing from storage.bicep: {missing}"


def test_every_queue_is_declared_with_its_poison_queue() -> None:
    declared = bicep_list(STORAGE, "queues")
    named = {t.args["queue_name"] for t in triggers() if t.kind == "queue_trigger"}
    named |= set(string_constants(r"(^|_)QUEUE$").values())
    assert {"dunning-run", "mollie-webhook", "send-email"} <= named
    for queue in sorted(named):
        assert queue in declared, f"queue {queue} missing from storage.bicep"
        if not queue.endswith("-poison"):
            assert f"{queue}-poison" in declared, f"{queue}-poison missing from storage.bicep"
    if any(t.kind == "blob_trigger" for t in triggers()):
        assert "webjobs-blobtrigger-poison" in declared


def test_every_container_is_declared() -> None:
    declared = bicep_list(STORAGE, "containers")
    named = set(string_constants(r"(CONTAINER|^INBOX|^QUARANTINE|^INVOICE_PDFS)$").values())
    named |= {t.args["path"].split("/", 1)[0] for t in triggers() if t.kind == "blob_trigger"}
    assert {"statements", "statements-quarantine", "messages", "backups"} <= named
    missing = sorted(named - declared)
    assert not missing, f"containers missing from storage.bicep: {missing}"


def test_every_trigger_connection_is_configured() -> None:
    settings = app_settings()
    for trigger in triggers():
        connection = trigger.args.get("connection")
        if connection is None:
            continue
        assert (
            connection in settings
            or f"{connection}__accountName" in settings
            or f"{connection}__serviceUri" in settings
        ), f"{trigger.function}: connection {connection} has no setting in api.bicep"
