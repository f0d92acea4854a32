"""A betalingskenmerk of zeros names nothing: the bank side reads it as no reference
(leftover33), so a transfer quoting it is never matched by it. The import refuses it as a new
invoice's ``payment_reference`` and as a changed one (a row error on that column, saying why),
but takes an invoice stored with it sent again with it unchanged: its rows and the letters that
quote it stay valid. The console's upload preview says it in Dutch
(tests/unit/console/test_upload_zero_reference.py)."""

from __future__ import annotations

import pytest

from shared.services import imports
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

ZEROS = "0000000000000000"
VALID = "5000056789012345"


def _setup(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row()]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    return a


def _errors(reply) -> dict[int, tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {e["index"]: (e["field"], e["message"]) for e in reply.body["errors"]}


@pytest.mark.parametrize("dry_run", ["false", "true"])
def test_a_new_invoice_with_a_kenmerk_of_zeros_is_refused(world, dry_run):
    a = _setup(world)
    rows = [
        invoice_row("Z1", "D1", payment_reference=ZEROS),
        invoice_row("Z2", "D1", payment_reference="0000 0000 0000 0000"),
        invoice_row("Z3", "D1", payment_reference="0000000"),  # the 7-digit form
        invoice_row("OK", "D1", payment_reference=VALID),
    ]
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": rows}, dry_run=dry_run)
    assert reply.status == 200 and reply.body["created"] == 1, reply.body
    errors = _errors(reply)
    assert set(errors) == {0, 1, 2}
    for field, message in errors.values():
        assert field == "payment_reference"
        assert "is no reference: a bank reads it as none" in message
    assert a.call("GET", "/v1/clients/C1/invoices/Z1").status == 404


def test_a_stored_reference_changed_to_zeros_is_refused(world):
    a = _setup(world)
    rows = [invoice_row("F1", "D1", payment_reference=VALID), invoice_row("F2", "D1")]
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == 2
    again = [invoice_row(n, "D1", payment_reference=ZEROS) for n in ("F1", "F2")]
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": again})
    assert reply.body["updated"] == 0 and set(_errors(reply)) == {0, 1}, reply.body
    assert _errors(reply)[0][0] == "payment_reference"
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["payment_reference"] == VALID


def test_an_invoice_stored_with_zeros_is_taken_sent_again_unchanged(world, monkeypatch):
    a = _setup(world)
    with monkeypatch.context() as before:  # stored before the rule
        before.setattr(imports, "zero_reference_refused", lambda draft, previous: None)
        rows = [invoice_row("OLD", "D1", payment_reference=ZEROS)]
        assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == 1
    same = a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    assert same.body["unchanged"] == 1 and same.body["errors"] == [], same.body
    spaced = invoice_row("OLD", "D1", amount="100.00", payment_reference="0000 0000 0000 0000")
    moved = a.call("POST", "/v1/clients/C1/invoices", {"items": [spaced]})
    assert moved.body["updated"] == 1 and moved.body["errors"] == [], moved.body
    omitted = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("OLD", "D1")]})
    assert omitted.body["errors"] == [], omitted.body  # omitted: the stored one is kept
    # another reference of zeros is a changed one
    seven = invoice_row("OLD", "D1", payment_reference="0000000")
    refused = a.call("POST", "/v1/clients/C1/invoices", {"items": [seven]})
    assert _errors(refused)[0][0] == "payment_reference", refused.body
    # and a real reference replaces the zeros as before
    real = a.call("POST", "/v1/clients/C1/invoices",
                  {"items": [invoice_row("OLD", "D1", payment_reference=VALID)]})  # fmt: skip
    assert real.body["updated"] == 1, real.body
