"""The matching index is never written back from a stale read by an import's follow-ups
(review failure3, finding 2). Request A has written its Invoices transaction (the follow-ups
mark on it) and not yet its follow-ups; then request B (the retry) runs from start to end, or
staff credit G0; then A finishes. With the same rows, with the retry correcting an amount (the
client's system resent after fixing a line), and with a credit note: the index ends as the
invoices are (no row of an old amount, none of a credited invoice). Failed before the
follow-ups read the invoices back (``InvoiceRepository.follow_up``)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.tables.match_index_repo import MATCH_INDEX, is_matchable
from tests.unit.api.conftest import invoice_row
from tests.unit.services.test_import_follow_ups import _marks, _world_with_debtors


def _index(world, cid):
    return sorted(
        (r.rk, r.data.get("Open"))
        for r in world.store.query(MATCH_INDEX, pk=cid, page_size=1000).rows
        if str(r.data.get("Number", "")).startswith("G")
    )


@pytest.mark.parametrize("corrected", [False, True, "credit"])
def test_retry_during_the_first(corrected):
    world = _world_with_debtors()
    rows = [invoice_row(f"G{i}", f"E{i}", due_date="2025-03-04") for i in range(3)]
    rows2 = [dict(r) for r in rows]
    if corrected is True:
        rows2[0]["amount"] = "77.00"
        rows2[0].pop("open_amount", None)
    state: dict[str, Any] = {"after_invoices": False, "done": False, "b": None}

    def b_runs(op: str, table: str) -> bool:
        if state["done"]:
            return False
        if table == "Invoices" and op == "transact":
            state["after_invoices"] = True
            return False
        if state["after_invoices"]:
            state["done"] = True
            if corrected == "credit":  # staff credit G0 in the console meanwhile
                cid = world.services.repos.clients.ids_for_numbers("agency-a", ["C1"])["C1"]
                client = world.services.repos.clients.get(cid)[0]
                world.services.invoice_status.credit(client, "G0", "staff")
                state["b"] = world.api.call("GET", "/v1/clients/C1/invoices/G0")
            else:
                state["b"] = world.api.call("POST", "/v1/clients/C1/invoices", {"items": rows2})
        return False

    world.plan.enabled = True
    world.plan.rule(b_runs, "reset", times=1)
    a = world.api.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    world.plan.enabled = False
    b = state["b"]
    print("A:", a.status, a.body, "\nB:", b.status, b.body)
    cid = world.services.repos.clients.ids_for_numbers("agency-a", ["C1"])["C1"]
    invs = {
        n: s.invoice
        for n, s in world.services.repos.invoices.get_many(cid, ["G0", "G1", "G2"]).items()
    }
    print("invoices:", {n: (i.amount, i.open_amount) for n, i in invs.items()})
    idx = _index(world, cid)
    print("index:", idx)
    print("marks:", _marks(world, ["G0", "G1", "G2"]))
    figs = world.services.console_figures.portfolio(cid)
    print(
        "figures:",
        figs
        if not hasattr(figs, "__dict__")
        else {k: v for k, v in vars(figs).items() if "open" in k.lower()},
    )
    opens = {rk.split("|")[-1]: o for rk, o in idx}
    # an invoice with nothing open (credited) has no rows at all
    expected = {n: i.open_amount if is_matchable(i) else None for n, i in invs.items()}
    assert {n: opens.get(n) for n in invs} == expected, (opens, expected)
    assert not any(
        rk.startswith("a|") and o != invs[rk.split("|")[-1]].open_amount for rk, o in idx
    ), idx


@pytest.mark.parametrize("race", [False, True])
def test_the_debtor_pays_the_corrected_amount_by_reference(race):
    """What the stale index costs: the debtor pays G0's corrected 77.00 with its reference.
    Without the race the line is booked; with it, it goes to a person."""
    from datetime import date

    from shared.domain.statements.mt940_writer import OutLine, write_mt940
    from tests.faults.test_booking_under_faults import ACCOUNT
    from tests.unit.api.conftest import verify_ibans

    world = _world_with_debtors()
    rows = [invoice_row(f"G{i}", f"E{i}", due_date="2025-03-04") for i in range(3)]
    rows2 = [dict(r) for r in rows]
    rows2[0]["amount"] = "77.00"
    state = {"after": False, "done": False}

    def b_runs(op: str, table: str) -> bool:
        if state["done"] or not race:
            return False
        if table == "Invoices" and op == "transact":
            state["after"] = True
            return False
        if state["after"]:
            state["done"] = True
            world.api.call("POST", "/v1/clients/C1/invoices", {"items": rows2})
        return False

    world.plan.enabled = True
    world.plan.rule(b_runs, "reset", times=1)
    world.api.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    world.plan.enabled = False
    if not race:
        world.api.call("POST", "/v1/clients/C1/invoices", {"items": rows2})
    verify_ibans(world.api, "C1")
    ref = world.api.call("GET", "/v1/clients/C1/invoices/G0").body["payment_reference"]
    data = write_mt940(
        ACCOUNT,
        [
            OutLine(
                date(2025, 3, 3),
                7_700,
                "",
                counterparty_iban="NL02RABO0123456789",
                counterparty_name="Debtor E0",
                reference=ref,
                end_to_end_id="E-G0",
            )
        ],
        opening=0,
        opening_date=date(2025, 3, 3),
        statement_id="S9",
    ).encode()
    report = world.services.statements.ingest("agency-a/g0.sta", data)
    g0 = world.api.call("GET", "/v1/clients/C1/invoices/G0").body
    print(
        f"race={race}: report booked={report.booked} suggested={report.suggested} unmatched={report.unmatched}; G0 {g0['status']} open {g0['open_amount']}"
    )
    assert g0["status"] == "paid", g0
