"""A debtor's dispute in the portal cut off after the invoice's write (the worker died, the
debtor saw an error page): the page then offers the invoice as disputed only, so the request
is seldom sent again. The dispute stopped dunning and no person was told of it (failure26
F4: 0 dispute items; now the item is written before the invoice, 1)."""

from __future__ import annotations

import re

from shared.adapters.tables import schema
from tests.support.faults import SimulatedCrash
from tests.unit.payments.conftest import shop  # noqa: F401
from tests.unit.payments.test_portal import enter, portal  # noqa: F401


def test_a_dispute_cut_off_after_the_invoice_write_is_on_the_clients_list(portal):  # noqa: F811
    world, _, app = portal
    browser = enter(world, app)
    store = world.services.repos.store
    real = store.transact

    def cut_after_the_invoice(table, ops, *a, **kw):  # type: ignore[no-untyped-def]
        done = real(table, ops, *a, **kw)
        if table == schema.INVOICES:
            raise SimulatedCrash("the worker died after the invoice's write")
        return done

    store.transact = cut_after_the_invoice
    try:
        browser.post("/portal/dispute", invoice="F1", reason="nooit geleverd")
        raise AssertionError("not cut off")
    except SimulatedCrash:
        pass
    finally:
        store.transact = real
    assert (
        world.services.repos.invoices.get(
            world.services.repos.clients.id_for_number("agency-a", "C1") or "", "F1"
        ).invoice.dispute_reason
        == "nooit geleverd"
    )
    page = browser.page()
    offered = re.search(r'<select id="dp-inv" name="invoice">(.*?)</select>', page)
    assert offered is not None and "F1" not in offered.group(1)  # nothing to send again
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [(i["kind"], i["title"]) for i in items if i["kind"] == "dispute"] == [
        ("dispute", "Dispute on invoice F1")
    ]
