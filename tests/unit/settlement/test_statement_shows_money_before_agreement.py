"""settle27 left it: money received before the client's settlement agreement started was named
only in the agency's action item. A credit manager reconciling the statement with the bank saw
170.95 on the statement where 1,576.26 had come in (the client's own 2014 receipt of 1,405.31
left out without a word). The statement now lists it in a section of its own, in its PDF and
its CSV, once (the next statement does not show it again), with figures that add up: all
received = settled + before the agreement, and the settled part runs down to the payout."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pypdf

from shared.domain.records import Receiver
from shared.services.settlement.runs import CONTAINER
from tests.unit.settlement.conftest import payment
from tests.unit.settlement.test_settled_from_the_agreement import _new_client


def _files(world: Any, s: Any) -> tuple[list[list[str]], str]:
    rows = list(csv.reader(io.StringIO(world.services.files.get(CONTAINER, s.csv).decode())))
    reader = pypdf.PdfReader(io.BytesIO(world.services.files.get(CONTAINER, s.pdf)))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    return rows, text


def _run(world: Any, day: date) -> Any:
    world.clock.at = datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC)
    run = world.services.settlement_runs.run_agency("agency-a", day)
    assert run is not None
    (st,) = world.services.settlements.run("agency-a", run.run_id)[1]
    return st


def test_the_statement_names_the_money_received_before_the_agreement(world: Any) -> None:
    cid = _new_client(world)  # agreement from 2026-12-03
    old = payment(cid, "old", date(2014, 1, 5), principal=120531, costs=0, costs_vat=0,
                  interest=20000)  # fmt: skip
    world.services.repos.payments.add(replace(old, received_by=Receiver.CLIENT))  # its own bank
    world.services.repos.payments.add(payment(cid, "early", date(2026, 12, 1)))  # 170.95
    world.services.repos.payments.add(payment(cid, "new", date(2026, 12, 4)))  # 170.95
    st = _run(world, date(2026, 12, 7))
    t = st.totals
    assert t.payout == 10772  # only 12-04's money is settled, as before
    assert (t.before_agreement, t.before_agreement_direct) == (17095, 140531)
    rows, text = _files(world, st)
    before = [r for r in rows if r[0] == "payment_before_agreement"]
    assert [(r[1], r[2], r[6], r[8]) for r in before] == [
        ("2014-01-05", "old", "1405.31", "client"),
        ("2026-12-01", "early", "170.95", "third_party"),
    ]
    assert ["before_agreement_direct", "", "", "", "", "", "1405.31", "", "", "", "", ""] in rows
    assert "Ontvangen vóór de overeenkomst van 03-12-2026 (niet afgerekend)" in text
    assert "05-01-2014 F1 D1 betaling opdrachtgever" in text
    assert "01-12-2026 F1 D1 betaling derdengeld" in text
    # every euro that came in: 170.95 settled + 1,576.26 before = 1,747.21
    assert "Alle ontvangen betalingen EUR 1.747,21" in text
    assert "waarvan vóór de overeenkomst, niet afgerekend -EUR 1.576,26" in text
    assert "Over te maken EUR 107,72" in text
    # the next statement settles the new money and does not list the old again
    world.services.repos.payments.add(payment(cid, "later", date(2026, 12, 10)))
    nxt = _run(world, date(2026, 12, 14))
    assert (nxt.totals.before_agreement, nxt.totals.before_agreement_direct) == (0, 0)
    rows, text = _files(world, nxt)
    assert not [r for r in rows if r[0] == "payment_before_agreement"]
    assert "vóór de overeenkomst" not in text
