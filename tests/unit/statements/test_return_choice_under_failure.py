"""A person's reverse-payment on an ``unmatched_return`` item under failure (failure13 F3, F4,
F5): the audit written once, after the reversal, whatever was cut off; one return undoes one
payment however a redelivery of its line and the person race; and a retry never claims as its
own a reversal another return made."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.adapters.tables.banking_repo import return_reference
from shared.domain.people.audit import Event
from shared.domain.statements.model import line_identities
from shared.domain.statements.mt940_writer import OutLine
from shared.domain.statements.parse import parse_statement_file
from tests.support.faults import SimulatedCrash
from tests.unit.services.test_statement_ingest import (  # noqa: F401
    ACCOUNT,
    PAYER,
    invoice,
    setup,
    statement,
)
from tests.unit.statements.test_returns_without_id import _payments, _return, _two_of_one_payer

NOTE = {"note": "the bank's return of 5 March"}


def _item(setup) -> dict[str, Any]:  # noqa: F811
    items: list[dict[str, Any]] = setup.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    [item] = [i for i in items if i["kind"] == "unmatched_return"]
    return item


def _url(item: dict[str, Any]) -> str:
    return f"/v1/clients/C1/actions/{item['action_id']}/reverse-payment"


def _reversed(setup) -> dict[str, bool]:  # noqa: F811
    return {p["payment_id"]: p["reversed"] for p in _payments(setup)}


def _audited(setup) -> list[str]:  # noqa: F811
    [client] = setup.services.repos.clients.list_for_agency("agency-a")[0]
    log = setup.services.people.kit.people.audit
    return [e.subject for e in log.between(f"client:{client.client_id}", "0", "z")
            if e.event is Event.PAYMENT_REVERSED]  # fmt: skip


@pytest.mark.parametrize("fault", [TimeoutError, SimulatedCrash], ids=["timeout", "crash"])
def test_a_reversal_whose_audit_failed_is_audited_once_by_the_retry(setup, monkeypatch, fault):  # noqa: F811
    _first, second = _two_of_one_payer(setup)
    setup.services.statements.ingest("agency-a/back.sta", _return(setup, "retour"))
    item, a, kit = _item(setup), setup.agency_a, setup.services.people.kit

    def down(*args: object, **kw: object) -> None:
        raise fault("the audit table is down")

    with monkeypatch.context() as m:
        m.setattr(kit, "audit", down)
        try:
            cut = a.call("POST", _url(item), {"payment": second, **NOTE})
            assert cut.status == 503
        except SimulatedCrash:
            pass
    assert _reversed(setup)[second] is True  # the reversal stands: it came before the audit
    for _ in range(2):  # the retry, and the same request once more
        assert a.call("POST", _url(item), {"payment": second, **NOTE}).status == 200
    assert _audited(setup) == [second]  # the person's act on the log, once


def test_a_reversal_cut_off_before_it_happened_is_not_audited(setup, monkeypatch):  # noqa: F811
    _first, second = _two_of_one_payer(setup)
    setup.services.statements.ingest("agency-a/back.sta", _return(setup, "retour"))
    item = _item(setup)

    def crash(*args: object, **kw: object) -> None:
        raise SimulatedCrash("before the reversal")

    with monkeypatch.context() as m:
        m.setattr(setup.services.payments, "reverse", crash)
        with pytest.raises(SimulatedCrash):
            setup.agency_a.call("POST", _url(item), {"payment": second, **NOTE})
    assert _reversed(setup)[second] is False and _audited(setup) == []


def test_a_return_read_again_while_a_person_reverses_undoes_one_payment(setup, monkeypatch):  # noqa: F811
    first, second = _two_of_one_payer(setup)
    data = _return(setup, "retour")
    service = setup.services.statements
    service.ingest("agency-a/back.sta", data)
    item, a = _item(setup), setup.agency_a
    [back] = parse_statement_file(data)
    [line_id] = line_identities(back)
    banking = setup.services.repos.banking
    real = banking.payments_for
    answers: dict[str, Any] = {}

    def payments_for(client_id: str, reference: str) -> Any:
        rows = real(client_id, reference)
        if reference == return_reference(line_id) and not answers:
            # the person's request lands between the redelivery's look-up of its line's
            # choice (none yet) and its weighing of the fits (then only the first is open)
            answers["person"] = a.call("POST", _url(item), {"payment": second, **NOTE})
        return rows

    monkeypatch.setattr(banking, "payments_for", payments_for)
    owner = banking.owner(ACCOUNT)
    service._returned(back.lines[0], service._clients_for(owner), owner, False, line_id,
                      item["action_id"])  # fmt: skip
    assert answers["person"].status == 200
    # one return of 121.00: the person's payment undone, F-0001 stays paid
    assert _reversed(setup) == {first: False, second: True}
    assert invoice(setup, "F-0001")["status"] == "paid"
    assert _audited(setup) == [second]


def test_a_choice_another_return_undid_meanwhile_is_not_claimed_by_the_retry(
    setup,  # noqa: F811
    monkeypatch,
):
    first, second = _two_of_one_payer(setup)
    svc = setup.services.statements
    svc.ingest("agency-a/back.sta", _return(setup, "retour"))
    item, a = _item(setup), setup.agency_a
    body = {"payment": second, **NOTE}

    def crash(*args: object, **kw: object) -> None:
        raise SimulatedCrash("after the item's choice")

    with monkeypatch.context() as m:  # the choice is saved on the item, then the request dies
        m.setattr(setup.services.repos.banking, "choose_for_return", crash)
        with pytest.raises(SimulatedCrash):
            a.call("POST", _url(item), body)
    # the next day the bank returns F-0004's payment quoting its reference: that return's
    ref = invoice(setup, "F-0004")["payment_reference"]
    r2 = OutLine(date(2025, 3, 6), -12_100, "retour", counterparty_iban=PAYER,
                 counterparty_name="J de Vries", return_reason="AC04", reference=ref)  # fmt: skip
    svc.ingest("agency-a/back2.sta",
               statement([r2], opening=112_100, day=date(2025, 3, 6), sid="S4"))  # fmt: skip
    assert _reversed(setup) == {first: False, second: True}
    again = a.call("POST", _url(item), body)
    assert (
        again.status == 422
        and again.body["error"]["details"][0]["code"] == "return_payment_reversed"
    )
    after = next(i for i in a.call("GET", "/v1/clients/C1/actions").body["items"]
                 if i["action_id"] == item["action_id"])  # fmt: skip
    # open, saying the payment went back with another return: the person picks again
    assert after["status"] == "open" and "reversing" not in after["detail"]
    assert after["detail"]["reversed_already"] == [second]
    assert after["detail"]["payments"] == [first]
    assert _audited(setup) == []  # the person reversed nothing
    assert a.call("POST", _url(item), {"payment": first, **NOTE}).status == 200
    assert _reversed(setup) == {first: True, second: True} and _audited(setup) == [first]


def test_a_payment_a_persons_choice_holds_is_not_taken_by_another_return(
    setup,  # noqa: F811
    monkeypatch,
):
    first, second = _two_of_one_payer(setup)
    svc = setup.services.statements
    svc.ingest("agency-a/back.sta", _return(setup, "retour"))
    item, a = _item(setup), setup.agency_a

    def crash(*args: object, **kw: object) -> None:
        raise SimulatedCrash("after the choice, before the reversal")

    with monkeypatch.context() as m:
        m.setattr(setup.services.payments, "reverse", crash)
        with pytest.raises(SimulatedCrash):
            a.call("POST", _url(item), {"payment": second, **NOTE})
    ref = invoice(setup, "F-0004")["payment_reference"]
    r2 = OutLine(date(2025, 3, 6), -12_100, "retour", counterparty_iban=PAYER,
                 counterparty_name="J de Vries", return_reason="AC04", reference=ref)  # fmt: skip
    svc.ingest("agency-a/back2.sta",
               statement([r2], opening=112_100, day=date(2025, 3, 6), sid="S4"))  # fmt: skip
    # the second return finds F-0004's payment the first return's: listed, not undone twice
    listed = [i for i in a.call("GET", "/v1/clients/C1/actions").body["items"]
              if i["kind"] == "unmatched_return" and i["action_id"] != item["action_id"]]  # fmt: skip
    assert [i["detail"].get("reversed_already") for i in listed] == [[second]]
    assert a.call("POST", _url(item), {"payment": second, **NOTE}).status == 200
    assert _reversed(setup) == {first: False, second: True} and _audited(setup) == [second]


def test_a_reversal_the_code_before_began_is_finished_by_the_retry(setup):  # noqa: F811
    """A person's request cut off under the code before the deploy (its choice written only
    under the return line in the client's partition, the payment reversed, the item not
    resolved): the retry finishes it as the person's, not as another return's."""
    from dataclasses import replace

    from shared.adapters.tables.banking_repo import PaymentRef

    _first, second = _two_of_one_payer(setup)
    setup.services.statements.ingest("agency-a/back.sta", _return(setup, "retour"))
    item = _item(setup)
    [client] = setup.services.repos.clients.list_for_agency("agency-a")[0]
    repos = setup.services.repos
    stored, etag = repos.actions.get(client.client_id, item["action_id"])
    repos.actions.save(replace(stored, detail={**stored.detail, "reversing": second}), etag)
    line_id = stored.detail["line_id"]
    repos.banking.remember_payment(client.client_id,
                                   PaymentRef(return_reference(line_id), second, 12_100))  # fmt: skip
    setup.services.payments.reverse(client, second, "returned by the bank (retour)")
    done = setup.agency_a.call("POST", _url(item), {"payment": second, **NOTE})
    assert done.status == 200 and done.body["status"] == "resolved"
    assert _audited(setup) == [second]
