"""Cheap structural checks of the deployment files (no Bicep compiler on these machines)."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
INFRA = ROOT / "infra"


def test_every_module_exists():
    for bicep in INFRA.rglob("*.bicep"):
        for module in re.findall(r"module \w+ '([^']+)'", bicep.read_text()):
            assert (bicep.parent / module).exists(), (bicep, module)


def test_no_storage_keys_and_identity_based_storage():
    text = "\n".join(p.read_text() for p in INFRA.rglob("*.bicep"))
    assert "allowSharedKeyAccess: false" in text
    assert "listKeys" not in text and "AccountKey" not in text
    assert "AzureWebJobsStorage__accountName" in text
    assert "AzureWebJobsStorage__credential" in text


def test_parameters_match_main():
    params = json.loads((INFRA / "main.parameters.json").read_text())["parameters"]
    main = (INFRA / "main.bicep").read_text()
    declared = set(re.findall(r"^param (\w+)", main, re.MULTILINE))
    assert set(params) <= declared


def test_app_settings_cover_what_the_code_reads():
    api = (INFRA / "app" / "api.bicep").read_text()
    sample = json.loads((ROOT / "local.settings.sample.json").read_text())["Values"]
    for name in sample:
        # provider credentials are optional and set by ops as Key Vault references (README)
        if name.startswith(
            (
                "_",
                "FUNCTIONS_",
                "AzureWebJobsStorage",
                "AzureFunctionsWebHost",
                "GRAPH_",
                "CM_",
                "WHATSAPP_",
                "TWILIO_",
                "PINGEN_",
            )
        ):
            continue
        assert name in api, name


def test_host_json_and_routes():
    host = json.loads((ROOT / "host.json").read_text())
    assert host["version"] == "2.0"
    assert host["extensionBundle"]["version"] == "[4.*, 5.0.0)"
    queues = host["extensions"]["queues"]
    assert queues["messageEncoding"] == "base64"
    assert 1 <= queues["batchSize"] <= 32


def test_no_timer_runs_on_startup():
    for path in [*(ROOT / "functions").rglob("*.py"), ROOT / "function_app.py"]:
        assert "run_on_startup=True" not in path.read_text(), path
