"""A return without end-to-end id does not undo a booked payment when a credit of the same
payer and amount that was not booked fits it as well (attack13 F3): a recalled duplicate
transfer (DUPL) reopened the invoice the first transfer paid, and left the duplicate's own
suggestion open to be booked with money that had gone back. On the agency's pooled account a
return whose reference and text differ from the one booked payment of that payer and amount
(money meant for another client) does not undo it either: a person decides, on an item
naming both."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.api.console.action_text import title as translated
from shared.domain.statements.mt940_writer import OutLine
from tests.unit.services.test_statement_ingest import PAYER, actions, invoice, statement
from tests.unit.services.test_statement_ingest import setup as setup
from tests.unit.statements.test_pooled_known_payers import (
    KEES,
    POOL,
    c3_stores_kees_iban,
    pay,
    status,
)
from tests.unit.statements.test_pooled_known_payers import pool as pool


def _payments(world: Any, number: str = "C1") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = world.agency_a.call("GET", f"/v1/clients/{number}/payments").body[
        "items"
    ]
    return items


def _items(world: Any, path: str, kind: str) -> list[dict[str, Any]]:
    return [i for i in world.agency_a.call("GET", path).body["items"] if i["kind"] == kind]


def _paid_twice(world: Any) -> str:
    """J de Vries pays F-0001 on 3-3 (booked) and again on 4-3 with the same kenmerk (listed)."""
    ref: str = invoice(world, "F-0001")["payment_reference"]
    for n, day in enumerate((date(2025, 3, 3), date(2025, 3, 4))):
        line = OutLine(day, 12_100, "", reference=ref, counterparty_iban=PAYER,
                       counterparty_name="J de Vries")  # fmt: skip
        world.services.statements.ingest(f"agency-a/d{n}.sta", statement(
            [line], opening=100_000 + 12_100 * n, day=day, sid=f"S{n}"))  # fmt: skip
    assert invoice(world, "F-0001")["status"] == "paid"
    assert actions(world) == ["payment_suggestion"]
    return ref


def _recall(world: Any, text: str, ref: str | None, sid: str = "S9") -> Any:
    back = OutLine(date(2025, 3, 6), -12_100, text, reference=ref, counterparty_iban=PAYER,
                   counterparty_name="J de Vries", return_reason="DUPL")  # fmt: skip
    return world.services.statements.ingest(f"agency-a/{sid}.sta", statement(
        [back], opening=124_200, day=date(2025, 3, 6), sid=sid))  # fmt: skip


def test_the_recall_of_a_duplicate_does_not_reopen_the_paid_invoice(setup: Any) -> None:
    ref = _paid_twice(setup)
    report = _recall(setup, "", ref)
    assert report.returned == 1
    assert invoice(setup, "F-0001")["status"] == "paid"
    assert [p["reversed"] for p in _payments(setup)] == [False]
    [item] = _items(setup, "/v1/clients/C1/actions", "unmatched_return")
    [suggestion] = _items(setup, "/v1/clients/C1/actions", "payment_suggestion")
    assert item["detail"]["unbooked_lines"] == [suggestion["action_id"]]
    assert item["detail"]["payments"] == [_payments(setup)[0]["payment_id"]]
    assert "not booked fits it as well" in item["title"]
    assert "niet geboekte betaling" in translated(item["title"], "nl")
    # the person reverses the booked one if that is what went back: it is the item's
    url = f"/v1/clients/C1/actions/{item['action_id']}/reverse-payment"
    done = setup.agency_a.call("POST", url, {"payment": item["detail"]["payments"][0],
                                             "note": "bank: the first went back"})  # fmt: skip
    assert done.status == 200 and invoice(setup, "F-0001")["status"] == "open"


def test_the_listed_duplicate_waits_for_the_persons_decision_on_the_return(setup: Any) -> None:
    """codereview13 #5: the return's item named the duplicate, but the duplicate's own
    suggestion stayed bookable: confirmed, the 121.00 the bank sent back was booked as
    received (F-0001 overpaid by it). Its confirm now waits until the return is decided."""
    ref = _paid_twice(setup)
    _recall(setup, "", ref)
    [ret] = _items(setup, "/v1/clients/C1/actions", "unmatched_return")
    [twin] = _items(setup, "/v1/clients/C1/actions", "payment_suggestion")
    confirm = f"/v1/clients/C1/actions/{twin['action_id']}/confirm"
    refused = setup.agency_a.call("POST", confirm, {"invoices": ["F-0001"]})
    assert refused.status == 422 and "credit_return_undecided" in str(refused.body)
    assert [p["reversed"] for p in _payments(setup)] == [False]  # nothing booked
    _recall(setup, "", ref)  # the same file again: held as before, one item
    assert len(_items(setup, "/v1/clients/C1/actions", "unmatched_return")) == 1
    # the person decides the first transfer went back: the duplicate is money received
    url = f"/v1/clients/C1/actions/{ret['action_id']}/reverse-payment"
    done = setup.agency_a.call("POST", url, {"payment": ret["detail"]["payments"][0],
                                             "note": "bank: the first went back"})  # fmt: skip
    assert done.status == 200
    booked = setup.agency_a.call("POST", confirm, {"invoices": ["F-0001"]})
    assert booked.status == 200, booked.body
    assert invoice(setup, "F-0001")["status"] == "paid"


def test_a_return_that_fits_the_booked_payment_better_undoes_it(setup: Any) -> None:
    """The listed twin quoted another text: the return's own text names the booked payment,
    which it undoes as before."""
    ref = invoice(setup, "F-0001")["payment_reference"]
    one = OutLine(date(2025, 3, 3), 12_100, "factuur F-0001", reference=ref,
                  counterparty_iban=PAYER, counterparty_name="J de Vries")  # fmt: skip
    setup.services.statements.ingest("agency-a/d1.sta", statement([one]))
    two = OutLine(date(2025, 3, 4), 12_100, "voorschot", counterparty_iban=PAYER,
                  counterparty_name="J de Vries")  # fmt: skip
    setup.services.statements.ingest("agency-a/d2.sta", statement(
        [two], opening=112_100, day=date(2025, 3, 4), sid="S2"))  # fmt: skip
    assert invoice(setup, "F-0001")["status"] == "paid"
    assert len(actions(setup)) == 1  # the second, listed
    _recall(setup, "factuur F-0001", ref)
    assert invoice(setup, "F-0001")["status"] == "open"
    assert _items(setup, "/v1/clients/C1/actions", "unmatched_return") == []


def test_without_a_listed_twin_the_one_booked_payment_is_undone_as_before(setup: Any) -> None:
    ref = invoice(setup, "F-0001")["payment_reference"]
    one = OutLine(date(2025, 3, 3), 12_100, "", reference=ref, counterparty_iban=PAYER,
                  counterparty_name="J de Vries")  # fmt: skip
    setup.services.statements.ingest("agency-a/d1.sta", statement([one]))
    _recall(setup, "", None)
    assert invoice(setup, "F-0001")["status"] == "open"


def test_a_recall_of_money_meant_for_another_client_leaves_c2s_payment(pool: Any) -> None:
    """Pooled account: Kees pays C2's H-1 (booked), then 420.00 'voor Z-1' meant for C3
    (listed); the bank returns that second transfer: H-1 stays paid."""
    a = pool.agency_a
    ref = a.call("GET", "/v1/clients/C2/invoices/H-1").body["payment_reference"]
    assert pay(pool, ref, "S1").booked == 1
    c3_stores_kees_iban(pool)
    second = OutLine(date(2025, 3, 4), 42_000, "voor Z-1", counterparty_iban=KEES,
                     counterparty_name="KEES KLANT BV")  # fmt: skip
    pool.services.statements.ingest("agency-a/S2.sta", statement(
        [second], account=POOL, sid="S2", opening=142_000, day=date(2025, 3, 4)))  # fmt: skip
    back = OutLine(date(2025, 3, 6), -42_000, "voor Z-1", counterparty_iban=KEES,
                   counterparty_name="KEES KLANT BV", return_reason="DUPL")  # fmt: skip
    pool.services.statements.ingest("agency-a/S3.sta", statement(
        [back], account=POOL, sid="S3", opening=184_000, day=date(2025, 3, 6)))  # fmt: skip
    assert status(pool, "C2", "H-1") == "paid"
    assert [p["reversed"] for p in _payments(pool, "C2")] == [False]
    [item] = _items(pool, "/v1/actions", "unmatched_return")
    assert item["detail"]["unbooked_lines"]


def test_on_the_pooled_account_a_return_of_another_text_undoes_no_payment(pool: Any) -> None:
    """No listed twin, but the return's text and reference are not the booked payment's: on
    the pooled account that may be another client's money, so the agency decides."""
    a = pool.agency_a
    ref = a.call("GET", "/v1/clients/C2/invoices/H-1").body["payment_reference"]
    assert pay(pool, ref, "S1").booked == 1
    back = OutLine(date(2025, 3, 6), -42_000, "voor Z-1", counterparty_iban=KEES,
                   counterparty_name="KEES KLANT BV", return_reason="AC04")  # fmt: skip
    pool.services.statements.ingest("agency-a/S3.sta", statement(
        [back], account=POOL, sid="S3", opening=142_000, day=date(2025, 3, 6)))  # fmt: skip
    assert status(pool, "C2", "H-1") == "paid"
    [item] = _items(pool, "/v1/actions", "unmatched_return")
    assert "quoted another reference and text" in item["title"]
    assert "ander kenmerk" in translated(item["title"], "nl")
    # the same return quoting H-1's kenmerk is H-1's: undone as before
    again = OutLine(date(2025, 3, 7), -42_000, "", reference=ref, counterparty_iban=KEES,
                    counterparty_name="KEES KLANT BV", return_reason="AC04")  # fmt: skip
    pool.services.statements.ingest("agency-a/S4.sta", statement(
        [again], account=POOL, sid="S4", opening=100_000, day=date(2025, 3, 7)))  # fmt: skip
    assert status(pool, "C2", "H-1") == "open"
