"""The invoice's contract_date and claim_kind (docs/law.md) through the integration API, the
console's CSV reading, and the upload job's stored rows: accepted, checked, stored, shown,
kept when a later import omits them, and used by the claim's interest."""

from __future__ import annotations

from datetime import date

from shared.api.console.invoice_csv import read_rows
from shared.domain.law.prescription import ClaimKind
from shared.services.imports import InvoiceDraft
from shared.services.invoice_upload import Upload
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def setup(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row()]})
    a.call(
        "POST",
        "/v1/clients/C1/debtors",
        {"items": [debtor_row("D1"), debtor_row("B1", kind="b2b", kvk_number="12345678")]},
    )
    return a


def test_the_fields_are_stored_shown_and_kept_when_omitted(world):
    a = setup(world)
    rows = [
        invoice_row("F1", "D1", contract_date="2024-12-20", claim_kind="consumer_sale"),
        invoice_row("F2", "D1", claim_kind="other"),
        invoice_row("F3", "D1"),
    ]
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    assert reply.body["created"] == 3 and reply.body["errors"] == [], reply.body
    f1 = a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert (f1["contract_date"], f1["claim_kind"]) == ("2024-12-20", "consumer_sale")
    f2 = a.call("GET", "/v1/clients/C1/invoices/F2").body
    assert (f2["contract_date"], f2["claim_kind"]) == (None, "other")
    f3 = a.call("GET", "/v1/clients/C1/invoices/F3").body
    assert (f3["contract_date"], f3["claim_kind"]) == (None, None)
    # a re-send without them changes the amount and keeps what was sent before
    again = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", "D1", amount="100.00")]})  # fmt: skip
    assert again.body["updated"] == 1, again.body
    f1 = a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert (f1["amount"], f1["contract_date"], f1["claim_kind"]) == (
        "100.00", "2024-12-20", "consumer_sale",
    )  # fmt: skip


def test_bad_values_are_refused_per_row(world):
    a = setup(world)
    rows = [
        invoice_row("K1", "D1", claim_kind="sale"),
        invoice_row("K2", "D1", due_date="2025-01-31", contract_date="2025-02-01"),
        invoice_row("K3", "D1", contract_date="1899-01-01"),
        invoice_row("K4", "D1", contract_date="2025-01-31"),  # the due date itself: fine
    ]
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    assert reply.body["created"] == 1, reply.body
    errors = {(e["index"], e["field"]): e["message"] for e in reply.body["errors"]}
    # a rule across fields names the field it is about, as every row error does (newcomer31 F9)
    assert set(errors) == {(0, "claim_kind"), (1, "contract_date"), (2, "contract_date")}, errors
    assert "contract_date is after due_date" in errors[(1, "contract_date")]


def test_the_claim_shows_the_contract_date_and_margin_its_interest_went_by(world):
    a = setup(world)
    # EUR 1,000.00 owed by a business, due 2013-04-30, interest from 2013-05-01, settled on
    # 2013-07-31 (6:119a counts that day: up to 2013-08-01; docs/law.md; the table's 6:119a
    # rows are ECB + 8 from 16-3-2013):
    #   agreement of 2013-04-02 (+ 8): 61 d @ 8.75 % = 14.623288, 31 d @ 8.50 % = 7.219178
    #     -> 21.842466 -> 21.84
    #   agreement of 2013-03-01 (+ 7): 61 d @ 7.75 % = 12.952055, 31 d @ 7.50 % = 6.369863
    #     -> 19.321918 -> 19.32
    # the invoice date counts when no contract date is sent: 2013-04-01 is after 16-3-2013
    common = {"invoice_date": "2013-04-01", "due_date": "2013-04-30", "amount": "1000.00"}
    rows = [
        invoice_row("NEW", "B1", contract_date="2013-04-02", **common),
        invoice_row("OLD", "B1", contract_date="2013-03-01", **common),
        invoice_row("DEFAULT", "B1", **common),
    ]
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == 3
    seen = {}
    for number in ("NEW", "OLD", "DEFAULT"):
        body = a.call("GET", f"/v1/clients/C1/invoices/{number}/claim", on="2013-07-31").body
        seen[number] = (body["interest"], body["contract_date"], body["commercial_margin"])
    assert seen == {
        "NEW": ("21.84", "2013-04-02", "ECB + 8"),
        "OLD": ("19.32", "2013-03-01", "ECB + 7"),
        "DEFAULT": ("21.84", "2013-04-01", "ECB + 8"),
    }


def test_the_console_csv_reads_the_columns_by_their_dutch_names_too():
    data = (
        b"factuurnummer;debiteur;factuurdatum;vervaldatum;bedrag;contractdatum;soort_vordering\n"
        b"F1;D1;01-02-2025;03-03-2025;121,00;15-01-2025;consumer_sale\n"
        b"F2;D1;2025-02-01;2025-03-03;10.00;;\n"
    )
    rows = read_rows(data)
    assert rows[0]["contract_date"] == "2025-01-15" and rows[0]["claim_kind"] == "consumer_sale"
    assert "contract_date" not in rows[1] and "claim_kind" not in rows[1]


def test_an_upload_job_keeps_the_fields_in_its_stored_rows():
    draft = InvoiceDraft(
        "F1", "D1", date(2025, 2, 1), date(2025, 3, 3), 12100,
        contract_date=date(2025, 1, 15), claim_kind=ClaimKind.OTHER,
    )  # fmt: skip
    loaded = Upload.load(Upload("f.csv", [(0, draft)], []).dump())
    assert loaded.rows == [(0, draft)]


def test_a_14_day_letter_on_the_due_date_is_refused_before_default(world):
    """The debtor may pay on the due date itself; default starts the day after (6:81/6:83 sub
    a BW), and a 14-day letter sent before default is no letter under 6:96 lid 6: no costs
    may rest on it. The day after the due date is the first day a letter counts."""
    from shared.api.console.upload_reasons import reason

    a = setup(world)
    rows = [
        invoice_row("L1", "D1", due_date="2025-01-31", fourteen_day_letter_on="2025-01-31"),
        invoice_row("L2", "D1", due_date="2025-01-31", fourteen_day_letter_on="2025-01-30"),
        invoice_row("L3", "D1", due_date="2025-01-31", fourteen_day_letter_on="2025-02-01"),
    ]
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    assert reply.body["created"] == 1, reply.body
    errors = {e["index"]: e["message"] for e in reply.body["errors"]}
    assert set(errors) == {0, 1}, errors
    assert "on or before due_date" in errors[0]
    assert reason(errors[0], "nl") == "de veertiendagenbrief ligt op of vóór de vervaldatum"
    assert world.services.repos.invoices.get("C1", "L1") is None


def test_a_new_14_day_letter_date_alone_is_an_update_not_unchanged(world):
    """law-fixes6's note: a re-send that only gives the 14-day letter's date changes the claim's
    costs term (the invoice row holds no such date) and answered ``unchanged: 1``."""
    a = setup(world)
    assert (
        a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", "D1")]}).body[
            "created"
        ]
        == 1
    )
    dated = invoice_row("F1", "D1", fourteen_day_letter_on="2025-02-10")
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": [dated]}).body
    assert (reply["updated"], reply["unchanged"]) == (1, 0), reply
    again = a.call("POST", "/v1/clients/C1/invoices", {"items": [dated]}).body
    assert (again["updated"], again["unchanged"]) == (0, 1), again


def test_every_rule_across_fields_names_its_field(world):
    """newcomer31 F9: the checks across fields of an invoice row came back with field null."""
    a = setup(world)
    rows = [
        invoice_row("R1", "D1", invoice_date="2025-02-01", due_date="2025-01-31"),
        invoice_row("R2", "D1", due_date="2025-01-31", interest_from="2025-01-31"),
        invoice_row("R3", "D1", due_date="2025-01-31", fourteen_day_letter_on="2025-01-30"),
        invoice_row("R4", "D1", amount="10.00", open_amount="20.00"),
    ]
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    fields = [(e["index"], e["field"]) for e in reply.body["errors"]]
    assert fields == [
        (0, "due_date"), (1, "interest_from"), (2, "fourteen_day_letter_on"), (3, "open_amount"),
    ], reply.body  # fmt: skip


def test_a_date_it_cannot_read_says_the_form_and_what_came(world):
    """newcomer31 F7: pydantic's "Input should be a valid date or datetime, invalid character
    in year" said neither the form expected nor what was sent."""
    a = setup(world)
    rows = [invoice_row("B1", "D1", due_date="31-01-2025"), invoice_row("B2", "D1", due_date="2025-02-30")]  # fmt: skip
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    errors = [(e["field"], e["message"]) for e in reply.body["errors"]]
    assert errors == [
        ("due_date", "expected a date as YYYY-MM-DD (e.g. 2025-12-31), not '31-01-2025' (invalid character in year)"),
        ("due_date", "expected a date as YYYY-MM-DD (e.g. 2025-12-31), not '2025-02-30' (day value is outside expected range)"),
    ], reply.body  # fmt: skip


def test_the_console_still_says_the_date_refusal_in_dutch():
    from shared.api.console.upload_reasons import reason

    said = "expected a date as YYYY-MM-DD (e.g. 2025-12-31), not '31-01-2025' (invalid character in year)"  # fmt: skip
    assert reason(said, "nl") == "geen datum (voorbeeld: 31-12-2025 of 2025-12-31)"
