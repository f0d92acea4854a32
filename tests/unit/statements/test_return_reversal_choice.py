"""A person reversing the payment a return sent back chooses among the return's own payments:
those its item names, or another of the return's payer account (attack13 F2: a client's key
reversed any bank payment of the amount from an item its own upload wrote, the agency's
pooled money too). Money on the agency's pooled account, an item on the agency's list, and a
bank-booked payment named by a client's uploaded return are the agency's to reverse."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.records import ActionItem
from shared.domain.scopes import agency_scope
from shared.domain.statements.mt940_writer import OutLine
from shared.services.errors import Invalid
from tests.unit.api.conftest import client_iban
from tests.unit.api.conftest import world as world
from tests.unit.services.test_statement_ingest import PAYER, invoice, statement
from tests.unit.services.test_statement_ingest import setup as setup
from tests.unit.statements.test_client_written_statements import _upload
from tests.unit.statements.test_pooled_known_payers import KEES, pay, status
from tests.unit.statements.test_pooled_known_payers import pool as pool

STRANGER = "NL20INGB0001234567"
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _client_key(world: Any, number: str) -> Any:
    """The client's admin key: the one client key the route lets through (reverse_receipts)."""
    a = world.agency_a
    body = {"scope": "client", "client": number, "admin": True}
    return a.as_key(a.call("POST", "/v1/keys", body).body["key"])


def _return_item(world: Any, number: str) -> dict[str, Any]:
    items = world.agency_a.call("GET", f"/v1/clients/{number}/actions").body["items"]
    [item] = [i for i in items if i["kind"] == "unmatched_return"]
    return dict(item)


def test_a_clients_key_reverses_no_payment_its_return_does_not_name(setup: Any) -> None:
    w = setup
    ref = invoice(w, "F-0001")["payment_reference"]
    paid = statement([OutLine(date(2025, 3, 3), 12_100, "", reference=ref,
                              counterparty_iban=PAYER, counterparty_name="J de Vries")])  # fmt: skip
    assert w.services.statements.ingest("agency-a/bank/day1.sta", paid).booked == 1
    [payment] = w.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    # the client's staff upload a 'return' of 121.00 from an account no payment came from
    back = OutLine(date(2025, 3, 4), -12_100, "retour", counterparty_iban=STRANGER,
                   counterparty_name="Niemand", return_reason="AC04")  # fmt: skip
    _upload(w, "C1", "t-ret.sta", statement([back], opening=112_100, day=date(2025, 3, 4),
                                            sid="S2"))  # fmt: skip
    item = _return_item(w, "C1")
    assert item["detail"]["payments"] == [] and item["detail"]["client_written"] is True
    url = f"/v1/clients/C1/actions/{item['action_id']}/reverse-payment"
    body = {"payment": payment["payment_id"], "note": "returned"}
    refused = _client_key(w, "C1").call("POST", url, body)
    assert refused.status == 422
    assert refused.body["error"]["details"][0]["code"] == "return_payment_not_named"
    assert invoice(w, "F-0001")["status"] == "paid"
    assert not w.agency_a.call("GET", "/v1/clients/C1/payments").body["items"][0]["reversed"]
    # an item that names its candidates binds the agency too; one naming none (a payment
    # booked before payers were remembered) is the agency's staff's to name
    c1 = w.services.repos.clients.get(w.services.repos.clients.id_for_number("agency-a", "C1"))[0]
    w.services.repos.actions.add(ActionItem(
        c1.client_id, "r-named", "unmatched_return", "Returned payment", NOW,
        detail={"amount": -12_100, "date": "2025-03-04", "return_reason": "AC04",
                "payer_iban": STRANGER, "payments": ["bank-other-1"]},
    ))  # fmt: skip
    named = w.agency_a.call("POST", "/v1/clients/C1/actions/r-named/reverse-payment", body)
    assert named.status == 422
    assert named.body["error"]["details"][0]["code"] == "return_payment_not_named"
    assert w.agency_a.call("POST", url, body).status == 200
    assert invoice(w, "F-0001")["status"] == "open"


def test_a_clients_key_reverses_nothing_of_the_pooled_account(pool: Any) -> None:
    a = pool.agency_a
    ref = a.call("GET", "/v1/clients/C2/invoices/H-1").body["payment_reference"]
    assert pay(pool, ref, "S1").booked == 1
    [payment] = a.call("GET", "/v1/clients/C2/payments").body["items"]
    back = OutLine(date(2025, 3, 4), -42_000, "retour", counterparty_iban=STRANGER,
                   counterparty_name="Niemand", return_reason="AC04")  # fmt: skip
    _upload(pool, "C2", "t-ret.sta", statement([back], opening=142_000, day=date(2025, 3, 4),
                                               sid="S2", account=client_iban("C2")))  # fmt: skip
    item = _return_item(pool, "C2")
    url = f"/v1/clients/C2/actions/{item['action_id']}/reverse-payment"
    refused = _client_key(pool, "C2").call("POST", url, {"payment": payment["payment_id"],
                                                         "note": "returned"})  # fmt: skip
    assert refused.status == 422 and status(pool, "C2", "H-1") == "paid"
    # the pooled payment named on the client's own item (Kees's account): still the agency's
    services = pool.services
    c2 = services.repos.clients.get(services.repos.clients.id_for_number("agency-a", "C2"))[0]
    services.repos.actions.add(ActionItem(
        c2.client_id, "r-kees", "unmatched_return", "Returned payment", NOW,
        detail={"amount": -42_000, "date": "2025-03-04", "return_reason": "AC04",
                "payer_iban": KEES, "payments": [payment["payment_id"]]},
    ))  # fmt: skip
    url = "/v1/clients/C2/actions/r-kees/reverse-payment"
    body = {"payment": payment["payment_id"], "note": "bank: AC04"}
    refused = _client_key(pool, "C2").call("POST", url, body)
    assert (
        refused.status == 422
        and refused.body["error"]["details"][0]["code"] == "return_agency_decides"
    )
    assert status(pool, "C2", "H-1") == "paid"
    assert a.call("POST", url, body).status == 200
    assert status(pool, "C2", "H-1") == "open"


def test_only_the_agency_chooses_on_its_own_list(pool: Any) -> None:
    """The service refuses a client's person on an item of the agency's list, whatever route
    or page brought the request."""
    a = pool.agency_a
    ref = a.call("GET", "/v1/clients/C2/invoices/H-1").body["payment_reference"]
    assert pay(pool, ref, "S1").booked == 1
    [payment] = a.call("GET", "/v1/clients/C2/payments").body["items"]
    services = pool.services
    c2 = services.repos.clients.get(services.repos.clients.id_for_number("agency-a", "C2"))[0]
    scope = agency_scope("agency-a")
    services.repos.actions.add(ActionItem(
        scope, "r-pool", "unmatched_return", "Returned payment", NOW,
        detail={"amount": -42_000, "date": "2025-03-04", "return_reason": "AC04",
                "payer_iban": KEES, "payments": [payment["payment_id"]]},
    ))  # fmt: skip
    with pytest.raises(Invalid) as refused:
        services.returns.reverse(scope, "r-pool", c2, payment["payment_id"], "mine", "k", "u",
                                 by_agency=False)  # fmt: skip
    assert refused.value.code == "return_agency_decides"
    assert status(pool, "C2", "H-1") == "paid"
    done = services.returns.reverse(scope, "r-pool", c2, payment["payment_id"], "bank: AC04",
                                    "k", "u", by_agency=True)  # fmt: skip
    assert done.status.value == "resolved" and status(pool, "C2", "H-1") == "open"


def test_a_bank_booked_payment_is_not_the_clients_to_reverse_on_its_uploaded_return(
    setup: Any,
) -> None:
    """The client's upload returns J de Vries's 121.00 and a person names his payment the
    bank's file booked (of his account, so the return's): the agency's decision, not the
    client's (attack10 F7), whichever way the item came to hold it."""
    w = setup
    ref = invoice(w, "F-0001")["payment_reference"]
    paid = statement([OutLine(date(2025, 3, 3), 12_100, "", reference=ref,
                              counterparty_iban=PAYER, counterparty_name="J de Vries")])  # fmt: skip
    assert w.services.statements.ingest("agency-a/bank/day1.sta", paid).booked == 1
    [payment] = w.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    c1 = w.services.repos.clients.get(w.services.repos.clients.id_for_number("agency-a", "C1"))[0]
    w.services.repos.actions.add(ActionItem(
        c1.client_id, "r-up", "unmatched_return", "Returned payment", NOW,
        detail={"amount": -12_100, "date": "2025-03-04", "return_reason": "AC04",
                "payer_iban": PAYER, "payments": [], "client_written": True},
    ))  # fmt: skip
    url = "/v1/clients/C1/actions/r-up/reverse-payment"
    body = {"payment": payment["payment_id"], "note": "returned"}
    refused = _client_key(w, "C1").call("POST", url, body)
    assert (
        refused.status == 422
        and refused.body["error"]["details"][0]["code"] == "return_agency_decides"
    )
    assert invoice(w, "F-0001")["status"] == "paid"
    assert w.agency_a.call("POST", url, body).status == 200
    assert invoice(w, "F-0001")["status"] == "open"
