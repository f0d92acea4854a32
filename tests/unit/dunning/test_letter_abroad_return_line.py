"""The daily run's letter to a debtor abroad names its sender's country on the return line
(newcomer17b F3: a 14-day letter to Antwerp ended its return line with "1234 AB  UTRECHT", so
a letter that came back from Belgium named no country to go back to). The PDF the run posts
is read back as the carrier reads the envelope's window."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pypdf
import pytest

import shared.services.dunning as dunning_module
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, day
from tests.unit.dunning.test_fourteen_day_letter_amounts import LETTER, WORKFLOW

ANTWERP = {"street": "Meir 12", "postal_code": "2000", "city": "Antwerpen", "country": "BE"}
UTRECHT = {"street": "Dorpsstraat 1", "postal_code": "1234ab", "city": "Utrecht"}
BRUSSELS = {"street": "Rue Haute 5", "postal_code": "1000", "city": "Bruxelles", "country": "BE"}


def _return_line(world: Any, monkeypatch: pytest.MonkeyPatch, sender: dict[str, str]) -> str:
    SEEN.clear()
    pdfs: list[bytes] = []
    real_letter = dunning_module.render_letter  # type: ignore[attr-defined]

    def letter(spec: Any) -> bytes:
        pdfs.append(real_letter(spec))
        return pdfs[-1]

    monkeypatch.setattr(dunning_module, "render_letter", letter)
    a = world.agency_a
    world.clock.at = datetime(2026, 11, 4, 8, 0, tzinfo=UTC)
    row = client_row("C1", contact_email="f@c1.example", postal_address=sender)
    assert a.call("POST", "/v1/clients", {"items": [row]}).status == 200
    debtor = debtor_row("D6", name="K. Bakker", address=ANTWERP)
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor]})
    template = {"language": "nl", "subject": "Veertiendagenbrief", "text": LETTER, "fourteen_day_letter": True}  # fmt: skip
    assert a.call("PUT", "/v1/clients/C1/templates/t-14", template).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/w", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    rules = {"rules": [{"workflow": "w"}]}
    assert a.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("2026-0061", "D6", amount="300.00", invoice_date="2026-10-01", due_date="2026-10-31"),
    ]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    sent = []
    for n in range(3):
        world.clock.at = datetime(2026, 11, 2, 8, 0, tzinfo=UTC) + timedelta(days=n)
        sent += day(world, client)
    assert [ch for _, ch, _, _ in sent] == ["letter"]
    [pdf] = pdfs
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    assert text[text.index("K. Bakker") + 3] == "BELGIUM"  # the debtor's own country line
    return text[text.index("K. Bakker") - 1]


def test_a_letter_abroad_from_a_client_at_home_ends_its_return_line_with_nederland(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = _return_line(world, monkeypatch, UTRECHT)
    assert line == "Client C1, Dorpsstraat 1, 1234 AB  UTRECHT, NEDERLAND"


def test_a_client_abroad_keeps_its_own_country_and_no_second_one(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = _return_line(world, monkeypatch, BRUSSELS)
    assert line == "Client C1, Rue Haute 5, 1000  BRUXELLES, BELGIUM"
