"""newcomer15c #3: staff's upload row changing an invoice in collection. The Dutch page gave
the refusal as the API's English sentence naming ``POST …/invoices/F-0001/credit``, and a row
changing only the invoice date was told to "lower it by a credit note". The refusal has a code
(``invoice_in_collection_amount`` / ``_date``) whose words each page says in its language,
worded by what changed; the API's import keeps its English text."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from shared.api.console.refusal_text import refusal
from shared.api.console.upload_reasons import reason
from shared.domain.invoices import Invoice
from shared.domain.people.authorisation import Role
from shared.services.claim_terms_changes import IN_COLLECTION_WHY, in_collection_refusal
from tests.unit.api.conftest import invoice_row
from tests.unit.console.conftest import desk_for
from tests.unit.console.money_support import text
from tests.unit.console.test_upload_changes_stored import HEADER, _preview, _stored, _world


def _refused(page) -> str:  # type: ignore[no-untyped-def]
    body = text(page)
    found = re.search(r"<thead><tr><th[^>]*>(?:Regel|Line)</th>.*?</table>", body, re.S)
    assert found, body[:2000]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


def _in_dunning(world, tenants) -> None:  # type: ignore[no-untyped-def]
    _world(world)
    found = _stored(world, tenants)
    world.services.repos.invoices.save(replace(found.invoice, dunning_step=0,
                                               dunning_step_on=date(2026, 11, 1)), found)  # fmt: skip


def test_the_dutch_page_says_the_amount_refusal_in_dutch_and_points_to_the_dossier(world, tenants):  # type: ignore[no-untyped-def]
    _in_dunning(world, tenants)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    rows = _refused(_preview(staff, HEADER + b"F-0001;D-1001;18-09-2026;18-10-2026;99,00\r\n"))
    assert "Factuur F-0001 is in incasso (herinneringen gestart)" in rows, rows
    assert "wijzigt het bedrag niet" in rows and "Factuur crediteren" in rows, rows
    assert "POST" not in rows and "invoice F-0001" not in rows, rows


def test_a_date_change_is_not_told_to_lower_the_invoice(world, tenants):  # type: ignore[no-untyped-def]
    _in_dunning(world, tenants)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    row = b"F-0001;D-1001;25-09-2026;18-10-2026;121,00\r\n"  # the invoice date alone
    rows = _refused(_preview(staff, HEADER + row))
    assert "factuurdatum" in rows and "wijzigt de factuurdatum niet" in rows, rows
    assert "Vraag een beheerder" in rows and "trek de factuur in" in rows, rows
    assert "creditnota" not in rows and "Verlaag" not in rows and "POST" not in rows, rows
    english = _refused(_preview(staff, HEADER + row, "en"))
    assert "does not change its invoice date" in english and "Ask an administrator" in english
    assert "credit note" not in english and "lower" not in english.lower(), english
    assert _stored(world, tenants).invoice.invoice_date == date(2026, 9, 18)


def test_the_api_keeps_its_english_text_worded_by_what_changed(world, tenants):  # type: ignore[no-untyped-def]
    _in_dunning(world, tenants)
    key = world.agency_a.as_key(world.agency_a.call(
        "POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"])  # fmt: skip
    reply = key.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F-0001", "D-1001", invoice_date="2026-09-18", due_date="2026-12-01",
                    amount="121.00")]})  # fmt: skip
    (error,) = reply.body["errors"]
    assert error["field"] == "due_date", reply.body
    assert error["message"].startswith(
        "invoice F-0001 is in collection (dunning started): an import by staff or a staff key "
        "does not change its due date; have an administrator"
    ), error
    assert "credit note" not in error["message"], error


@pytest.mark.parametrize("busy", sorted(IN_COLLECTION_WHY))
@pytest.mark.parametrize("field", ["amount", "invoice_date", "due_date"])
def test_every_reason_and_field_is_worded_in_both_languages(busy: str, field: str) -> None:
    invoice = Invoice("c1", "F-7", "D-1", date(2026, 9, 18), date(2026, 10, 18), 12100)
    exc = in_collection_refusal(invoice, busy, field)
    assert exc.code == ("invoice_in_collection_amount" if field == "amount"
                        else "invoice_in_collection_date")  # fmt: skip
    # the row keeps only the English text: read back, it is the refusal's own code and params
    for lang in ("nl", "en"):
        said = reason(str(exc), lang)
        assert said == refusal(exc, lang), said
        assert "POST" not in said and "{" not in said and "_" not in said, said
    dutch = refusal(exc, "nl")
    assert busy not in dutch and "Factuur F-7 is in incasso" in dutch, dutch
