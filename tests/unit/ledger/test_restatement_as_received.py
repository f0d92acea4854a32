"""After a restatement (a rate table put in force, a due date moved, the debtor corrected to a
consumer) the claims read as if the final terms had held from the start and every standing
payment had been booked in the order received with its designation (docs/law.md,
restatements; law12b #1-#3).

World A is the story: business debtor D1 (agreed costs 15 %), F1 and F2 300.00 due 1-12-2025,
14-day letter 5-1-2026; p1 naming F1, p2 on 20-7-2026 naming F2 (the rest by 6:43 to F1);
22-7 a rate row from 2026-07-01 put in force (consumer 5 %, commercial 11 %); 23-7 F1's due
date moved to 15-12-2025; 24-7 the debtor corrected to a consumer; 25-7 p1 comes back. World B
has the final terms from the start and only the payments that stand. Both are read on 1-8
and 1-10: the claims, the payments' rows and the open overpayment items. With "wsnp", a WSNP
from 15-7 is recorded on 26-7 in world A, on 15-7 (before p2) in world B (codereview12 #4)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from shared.domain.law.interest_rates import rate_table_csv
from shared.domain.records import PaymentSource
from tests.support.rate_tables import table_before_july_2026
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, make_world
from tests.unit.ledger.test_rate_table_restatement import deliver

# written for the shipped table that ended at 2026-01-01 (tests/support/rate_tables.py)
pytestmark = pytest.mark.usefixtures("shipped_before_july_2026")

AT = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
ALL = ("rates", "due", "kind", "storno")
SMALL: dict[str, Any] = {}
# F1 50,000.00, p1 20,000.00 on 10-3-2026, p2 40,000.00
LARGE: dict[str, Any] = {"f1": "50000.00", "p1": (2_000_000, date(2026, 3, 10)), "p2": 4_000_000}


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def _rates(world: Any) -> None:
    lines = [*rate_table_csv(table_before_july_2026()).splitlines(), "2026-07-01,5.00,11.00"]
    world.services.statutory_rates.upload(("\n".join(lines) + "\n").encode(), author="test")
    deliver(world, later=True)


def _story(final: bool, steps: tuple[str, ...], f1: str = "1000.00",
           p1: tuple[int, date] = (40_000, date(2026, 7, 10)), p2: int = 150_000,
           back: str = "p1") -> dict[Any, Any]:  # fmt: skip
    def now(step: str) -> bool:
        return final and step in steps

    world = make_world(AT)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", b2b_collection_costs_rate="15")]})
    kind = "b2c" if now("kind") else "b2b"
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind=kind, name="X")]})
    if now("rates"):
        _rates(world)
    rows = [
        invoice_row("F1", "D1", amount=f1, invoice_date="2025-11-01",
                    due_date="2025-12-15" if now("due") else "2025-12-01",
                    fourteen_day_letter_on="2026-01-05"),
        invoice_row("F2", "D1", amount="300.00", invoice_date="2025-11-01",
                    due_date="2025-12-01", fourteen_day_letter_on="2026-01-05"),
    ]  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status == 200
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert cid is not None
    found = world.services.repos.clients.get(cid)
    assert found is not None
    c1 = found[0]
    pay = world.services.payments

    def wsnp() -> None:
        r = a.call("POST", "/v1/clients/C1/debtors/D1/standing",
                   {"standing": "wsnp", "since": "2026-07-15"})  # fmt: skip
        assert r.status == 200, r.body

    for pid, cents, day, number in (("p1", *p1, "F1"), ("p2", p2, date(2026, 7, 20), "F2")):
        if pid == back and now("storno"):
            continue
        if pid == "p2" and now("wsnp"):
            world.clock.at = _at(date(2026, 7, 15))
            wsnp()
        world.clock.at = _at(day)
        pay.book(c1, payment_id=pid, amount=cents, received_on=day, source=PaymentSource.BANK,
                 invoice_numbers=[number])  # fmt: skip
    if not final:
        world.clock.at = _at(date(2026, 7, 22))
        if "rates" in steps:
            _rates(world)
        world.clock.at = _at(date(2026, 7, 23))
        if "due" in steps:
            moved = a.call("POST", "/v1/clients/C1/invoices",
                           {"items": [rows[0] | {"due_date": "2025-12-15"}]})  # fmt: skip
            assert moved.body.get("updated") == 1, moved.body
        world.clock.at = _at(date(2026, 7, 24))
        if "kind" in steps:
            flip = a.call("POST", "/v1/clients/C1/debtors",
                          {"items": [debtor_row("D1", kind="b2c", name="X")]})  # fmt: skip
            assert flip.body["updated"] == 1, flip.body
        world.clock.at = _at(date(2026, 7, 25))
        if "storno" in steps:
            pay.reverse(c1, back, "storno")
        world.clock.at = _at(date(2026, 7, 26))
        if "wsnp" in steps:
            wsnp()
    world.clock.at = _at(date(2026, 8, 1))
    out: dict[Any, Any] = {}
    for on in ("2026-08-01", "2026-10-01"):
        for n in ("F1", "F2"):
            b = a.call("GET", f"/v1/clients/C1/invoices/{n}/claim", on=on).body
            out[(on, n)] = {k: b[k] for k in ("open", "paid")}
    for p in ("p1", "p2"):
        row = world.services.repos.payments.get(c1.client_id, p)
        if row is not None:
            lines = sorted((x.invoice_number, x.component, x.amount) for x in row.allocations)
            out[p] = (lines, row.unallocated)
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    out["items"] = sorted(i["title"].split(" (")[0] for i in items
                          if i["status"] != "resolved" and i["kind"] == "overpayment")  # fmt: skip
    return out


def _differences(steps: tuple[str, ...], **kw: Any) -> dict[Any, tuple[Any, Any]]:
    got, want = _story(False, steps, **kw), _story(True, steps, **kw)
    return {k: (got.get(k), want[k]) for k in want if got.get(k) != want[k]}


@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize("steps", [("rates",), ("due",), ("kind",), ("rates", "due", "kind")])
def test_a_restatement_reads_as_the_final_terms_from_the_start(
    steps: tuple[str, ...], size: str
) -> None:
    # large, kind: F1 paid interest 1,124.49 with 45.99 open where B has 1,080.48 and nothing
    # open, p2 7,289.46 over where B has 7,333.47 (#1); rates: F1 0.44 and F2 0.14 open while
    # p2 held 322.02 over, B 321.45 (#2); due: 7.15 interest open no history gives (#3)
    assert _differences(steps, **(LARGE if size == "large" else SMALL)) == {}


@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize(
    "steps", [("wsnp",), ("kind", "wsnp"), ("rates", "wsnp"), ("rates", "due", "kind", "wsnp")]
)
def test_a_ruling_recorded_after_the_payments_reads_as_known_from_its_day(
    steps: tuple[str, ...], size: str
) -> None:
    # codereview12 #4: p2 of 20-7 paid both claims before the WSNP of 15-7 was recorded; the
    # claims it paid were open on 15-7, so the ruling stops their interest all the same (art.
    # 128, 299 lid 1 Fw): large, wsnp: F1 paid interest 1,398.94 where B has 1,335.35 and p2
    # kept 64.09 less over (130.28 against 194.37) before the stop reached paid claims
    assert _differences(steps, **(LARGE if size == "large" else SMALL)) == {}


def test_a_ruling_recorded_late_gives_back_the_interest_of_its_days() -> None:
    """Large, wsnp: p2 of 20-7 paid F1's interest only up to 14-7 (1,335.35, not 1,398.94):
    the 64.09 of the scheme's days are over with the rest, 194.37 (not 130.28)."""
    got = _story(False, ("wsnp",), **LARGE)
    assert ("F1", "interest", 133_535) in got["p2"][0], got["p2"]
    assert got["p2"][1] == 19_437
    assert got["items"] == ["Overpayment of € 194,37"]


def test_the_consumer_corrected_after_two_payments_is_owed_his_overpayment() -> None:
    """By hand (#1): one notice over 50,300.00 = 1,278.00 (F1 1,270.38, F2 7.62); p1 on 10-3
    pays F1's costs, 6:119 interest and 18,110.44 principal; p2 on 20-7 pays F2 (300.00 + 7.62
    + 8.05) and F1's rest 31,889.56 with 461.30 interest: F1 paid interest 1,080.48, nothing
    open, p2 7,333.47 over."""
    got = _story(False, ("kind",), **LARGE)
    assert got[("2026-10-01", "F1")]["open"]["total"] == "0.00"
    assert got[("2026-10-01", "F1")]["paid"]["interest"] == "1080.48"
    assert got["p2"][1] == 733_347
    assert got["items"] == ["Overpayment of € 7.333,47"]


def test_a_late_rate_table_lets_the_payments_spare_money_pay_what_it_raised() -> None:
    """By hand (#2): p1 pays F1's costs 150.00, interest 61.69, principal 188.31; p2 pays F2
    (300.00 + 45.00 + 19.41) and F1's rest 811.69 + 2.45: nothing open, 321.45 over."""
    got = _story(False, ("rates",))
    assert got[("2026-08-01", "F1")]["open"]["total"] == "0.00"
    assert got[("2026-08-01", "F2")]["open"]["total"] == "0.00"
    assert got["p2"][1] == 32_145


@pytest.mark.parametrize(
    "steps", [ALL, ("storno",), ("rates", "storno"), ("due", "storno"), ("kind", "storno")]
)
def test_a_return_after_restatements_reads_as_booked_in_order(steps: tuple[str, ...]) -> None:
    # the return's own restatement rounds its interest apart from the received-order booking
    # (restate.py: its difference is a correction credited, accrued on the booked days): a
    # cent per restatement, no more, and never in the costs
    diff = _differences(steps)
    for key, (got, want) in diff.items():
        assert isinstance(key, tuple), (key, got, want)  # the rows and items are exact
        for part in ("open", "paid"):
            assert got[part]["costs"] == want[part]["costs"], (key, got, want)
            for c in ("principal", "interest"):
                apart = abs(Decimal(got[part][c]) - Decimal(want[part][c]))
                assert apart <= Decimal("0.01") * len(steps), (key, got, want)


@pytest.mark.parametrize("size", ["small", "large"])
def test_the_later_payment_returned_after_three_restatements(size: str) -> None:
    assert _differences(ALL, back="p2", **(LARGE if size == "large" else SMALL)) == {}


def test_all_three_restatements_and_the_first_payments_return_large() -> None:
    assert _differences(ALL, **LARGE) == {}
