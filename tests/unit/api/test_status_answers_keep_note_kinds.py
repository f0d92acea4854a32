"""The answer of an invoice's status routes says each credit note's kind as the invoice keeps
it, as a GET does (README: "the invoice's `credit_notes` say each note's `kind`"). newcomer19
F3: a disputed invoice credited 1,250.00 as a discount and then resolved answered
``"kind": null`` for that note; an integration storing the answer lost the kind."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.api.conftest import client_row, debtor_row, invoice_row

NOTE = {"reference": "CN-1", "amount": "1250.00", "kind": "discount"}


def test_dispute_resolve_withdraw_answers_keep_the_discount(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D-2", kind="b2b")]})
    row = invoice_row("T-103", "D-2", amount="2500.00", invoice_date="2026-10-02",
                      due_date="2026-11-01")  # fmt: skip
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).body.get("errors")
    base = "/v1/clients/C1/invoices/T-103"
    credited = a.call("POST", f"{base}/credit", {"amount": "1250.00", "reference": "CN-1",
                                                 "kind": "discount"})  # fmt: skip
    assert credited.status == 200 and credited.body["credit_notes"] == [NOTE], credited.body
    answers = {
        "dispute": a.call("POST", f"{base}/dispute", {"reason": "de helft was verwelkt"}),
        "resolve-dispute": a.call("POST", f"{base}/resolve-dispute"),
        "withdraw": a.call("POST", f"{base}/withdraw"),
    }
    for route, reply in answers.items():
        assert reply.status == 200, (route, reply.body)
        assert reply.body["credit_notes"] == [NOTE], (route, reply.body["credit_notes"])
    assert a.call("GET", base).body["credit_notes"] == [NOTE]
