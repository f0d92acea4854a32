"""A settlement statement is the agency's invoice for its fee (README, docs/law.md: its VAT is
the rate on that fee, art. 35a Wet OB 1968), so it carries what that article asks of an invoice
that Inning had nowhere (newcomer24 F2): the agency's VAT number and address and the client's
address. Before, a VAT-deducting client was charged 528.91 fee VAT on a statement headed only
"Kust Incasso B.V. aan Scheepswerf Noordzee B.V. (WERF)"; the agency had no VAT number or
address to give."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pypdf

from shared.domain.parties import Agency
from tests.unit.api.conftest import client_row
from tests.unit.settlement.conftest import THIRD_PARTY, payment
from tests.unit.settlement.test_settlement_api import AGREEMENT, raw_get

ADDRESS = {"street": "Werfkade 7", "postal_code": "1781 AA", "city": "Den Helder"}


def _statement_text(world: Any, agency: Agency, **client: Any) -> str:
    world.services.repos.agencies.save(agency)
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1", **client)]})
    assert (
        world.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", AGREEMENT).status == 200
    )
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    world.services.repos.payments.add(payment(cid, "p1", date(2025, 3, 1)))
    run = world.services.settlement_runs.run_agency("agency-a", date(2025, 3, 3))
    path = f"/v1/settlements/{run.run_id}/files/{run.run_id}-{cid}.pdf"
    status, pdf, _ = raw_get(world, world.agency_a.key, path)
    assert status == 200
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_statement_names_the_agencys_vat_number_and_both_addresses(world: Any) -> None:
    agency = Agency("agency-a", "Acme Incasso", THIRD_PARTY, None, "NL123456789B01",
                    "Havenstraat 1, 2582 AB Den Haag")  # fmt: skip
    text = " ".join(_statement_text(world, agency, postal_address=ADDRESS).split())
    assert (
        "Incassobureau: Acme Incasso, Havenstraat 1, 2582 AB Den Haag, btw-nummer NL123456789B01"
        in text
    )
    assert "Opdrachtgever: Client C1, Werfkade 7, 1781 AA Den Helder" in text


def test_without_them_on_record_the_heading_is_as_before(world: Any) -> None:
    text = _statement_text(world, Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    assert "Acme Incasso aan Client C1 (C1)" in text
    assert (
        "btw-nummer" not in text and "Incassobureau:" not in text and "Opdrachtgever:" not in text
    )


def test_the_agency_row_keeps_them(world: Any) -> None:
    agencies = world.services.repos.agencies
    agencies.save(Agency("agency-a", "Acme Incasso", None, None, "NL123456789B01", "Kade 1, Urk"))
    found = agencies.get("agency-a")
    assert found is not None
    assert (found.vat_number, found.postal_address) == ("NL123456789B01", "Kade 1, Urk")
