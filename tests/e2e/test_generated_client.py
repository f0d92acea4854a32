"""A Python client generated from the served OpenAPI document by a maintained generator
(openapi-python-client, at test time into a temporary folder) works against the app: if the
document lied about a parameter, a body or a status, the generated code would not."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import serving
from tools import azurite

GENERATOR_CONFIG = {
    "project_name_override": "inning_client",
    "package_name_override": "inning_client",
    "post_hooks": [],
    # the generator sends PDF and CSV uploads as bytes only under the generic binary type
    "content_type_overrides": {
        "application/pdf": "application/octet-stream",
        "text/csv": "application/octet-stream",
    },
}


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    """The demo app on an Azurite of this module's own: the requests below write clients,
    debtors and invoices that the other end-to-end tests must not see."""
    with (
        azurite.running(tmp_path_factory.mktemp("azurite")) as ports,
        serving(
            ports.connection_string, tmp_path_factory.mktemp("data"), INNING_ENVIRONMENT="local"
        ) as running,
    ):
        yield running


@pytest.fixture(scope="module")
def generated(served, tmp_path_factory) -> Iterator[Any]:
    url, _ = served
    work = tmp_path_factory.mktemp("client")
    (work / "openapi.json").write_text(httpx.get(f"{url}/api/v1/openapi.json").text)
    (work / "config.json").write_text(json.dumps(GENERATOR_CONFIG))
    done = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", "openapi.json",
         "--output-path", "inning_client", "--meta", "none", "--config", "config.json"],
        cwd=work, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "will not be generated" not in done.stdout + done.stderr, done.stdout
    sys.path.insert(0, str(work))
    try:
        yield importlib.import_module("inning_client")
    finally:
        sys.path.remove(str(work))
        for name in [m for m in sys.modules if m.split(".")[0] == "inning_client"]:
            del sys.modules[name]


def api(name: str) -> Any:
    return importlib.import_module(f"inning_client.api.{name}")


def client_for(generated: Any, url: str, key: str) -> Any:
    return generated.AuthenticatedClient(
        base_url=f"{url}/api", token=key, prefix="", auth_header_name="X-Api-Key"
    )


def test_the_generated_client_reads_and_writes(served, generated):
    url, keys = served
    agency = client_for(generated, url, keys["agency"])
    bakkerij = client_for(generated, url, keys["BAKKERIJ"])
    models = importlib.import_module("inning_client.models")

    page = api("clients_and_debtors.get_v1_clients").sync(client=agency)
    assert isinstance(page, models.ClientOutPage)
    assert sorted(c.number for c in page.items) == ["ADVIES", "BAKKERIJ"]

    status = importlib.import_module(
        "inning_client.models.get_v1_clients_client_invoices_status"
    ).GetV1ClientsClientInvoicesStatus
    invoices = api("invoices.get_v1_clients_client_invoices").sync(
        "BAKKERIJ", client=bakkerij, status=status.DISPUTED
    )
    assert [i.number for i in invoices.items] == ["F-0004"]

    batch = models.InvoiceBatch.from_dict(
        {"items": [{"number": "GEN-1", "debtor": "D-1001", "invoice_date": "2025-03-01",
                    "due_date": "2025-03-15", "amount": "12.10"}]}
    )  # fmt: skip
    result = api("invoices.post_v1_clients_client_invoices").sync(
        "BAKKERIJ", client=bakkerij, body=batch
    )
    assert isinstance(result, models.BatchResultOut) and result.created + result.unchanged == 1
    one = api("invoices.get_v1_clients_client_invoices_invoice").sync(
        "BAKKERIJ", "GEN-1", client=bakkerij
    )
    assert isinstance(one, models.InvoiceOut) and one.open_amount == "12.10"


def test_the_generated_client_understands_errors_and_files(served, generated):
    url, keys = served
    advies = client_for(generated, url, keys["ADVIES"])
    models = importlib.import_module("inning_client.models")
    hidden = api("invoices.get_v1_clients_client_invoices_invoice").sync_detailed(
        "BAKKERIJ", "F-0001", client=advies
    )
    assert hidden.status_code == 404
    assert isinstance(hidden.parsed, models.ErrorOut)
    assert hidden.parsed.error.code == "not_found"
    assert hidden.parsed.error.request_id == hidden.headers["x-request-id"]

    usage = api("billing.get_v1_clients_client_usage_csv").sync_detailed(
        "ADVIES", client=advies, month="2025-03"
    )
    assert usage.status_code == 200 and usage.content.startswith(b"client,month,item")
    report = api("statements.get_v1_clients_client_exports_report_pdf").sync_detailed(
        "ADVIES", client=advies, from_=date(2025, 1, 1), to=date(2025, 12, 31)
    )
    assert report.status_code == 200 and report.content.startswith(b"%PDF")
    health = api("meta.get_v1_health").sync(client=generated.Client(base_url=f"{url}/api"))
    assert health.status == "ok"
    agency = client_for(generated, url, keys["agency"])
    rates = api("statutory_rates.get_v1_statutory_rates").sync(client=agency)
    assert rates.newest_rate_from == health.statutory_rates.newest_rate_from
