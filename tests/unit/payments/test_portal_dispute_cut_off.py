"""A debtor's dispute in the portal cut off after the invoice's write (the worker died, the
debtor saw an error page): the page then offers the invoice as disputed only, so the request
is seldom sent again. The dispute stopped dunning and no person was told of it (failure26
F4: 0 dispute items, and on a case invoice 0 items for the agency; now the client's item and
the agency's news are written before the invoice, 1 each)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from shared.adapters.tables import schema
from tests.support.faults import SimulatedCrash
from tests.unit.dunning.test_daily_run import engine  # noqa: F401
from tests.unit.payments.conftest import shop  # noqa: F401
from tests.unit.payments.test_portal import enter, portal  # noqa: F401


def _cut_after_the_invoice_write(world: Any, request: Callable[[], object]) -> None:
    """``request`` with the worker dying right after the invoice's write landed."""
    store = world.services.repos.store
    real = store.transact

    def cut(table: str, ops: Any, *a: Any, **kw: Any) -> Any:
        done = real(table, ops, *a, **kw)
        if table == schema.INVOICES:
            raise SimulatedCrash("the worker died after the invoice's write")
        return done

    store.transact = cut
    try:
        request()
        raise AssertionError("not cut off")
    except SimulatedCrash:
        pass
    finally:
        store.transact = real


def test_a_dispute_cut_off_after_the_invoice_write_is_on_the_clients_list(portal):  # noqa: F811
    world, _, app = portal
    browser = enter(world, app)
    _cut_after_the_invoice_write(
        world, lambda: browser.post("/portal/dispute", invoice="F1", reason="nooit geleverd")
    )
    cid = world.services.repos.clients.id_for_number("agency-a", "C1") or ""
    assert world.services.repos.invoices.get(cid, "F1").invoice.dispute_reason == "nooit geleverd"
    page = browser.page()
    offered = re.search(r'<select id="dp-inv" name="invoice">(.*?)</select>', page)
    assert offered is not None and "F1" not in offered.group(1)  # nothing to send again
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [(i["kind"], i["title"]) for i in items if i["kind"] == "dispute"] == [
        ("dispute", "Dispute on invoice F1")
    ]


def test_a_dispute_on_a_case_invoice_cut_off_after_the_invoice_write_reaches_the_agency(  # type: ignore[no-untyped-def]
    engine,  # noqa: F811
):
    from tests.unit.dunning.test_case_follows_credit import _agency_items
    from tests.unit.dunning.test_case_withdrawal_by_client import handed_over

    world, client = engine
    case_id = handed_over(world, client)
    status = world.services.invoice_status
    _cut_after_the_invoice_write(
        world, lambda: status.dispute(client, "F1", "nooit geleverd", author="portal")
    )
    [item] = _agency_items(world, "case_invoice_disputed")  # was none
    assert item["title"].startswith(f"Invoice F1 of case {case_id} (debtor D1) is disputed")
