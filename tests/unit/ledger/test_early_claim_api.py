"""The review's probe through the API (newcomer review finding 9): a B2B invoice due 2014-05-31
answers the interest from its real interest_from; a claim from before the rate table says on
the claim which days are charged nothing, and the debtor's sum says it once."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def test_old_claims_through_the_api(world):
    world.clock.at = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("PR7", kind="b2b")]})
    rows = [
        invoice_row("PR7-2014", "PR7", invoice_date="2014-05-01", due_date="2014-05-31", amount="500.00"),
        invoice_row("PR7-2011", "PR7", invoice_date="2011-05-01", due_date="2011-05-31", amount="1000.00"),
    ]  # fmt: skip
    created = a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    assert created.body["created"] == 2, created.body

    new = a.call("GET", "/v1/clients/C1/invoices/PR7-2014/claim", on="2026-11-30")
    assert new.status == 200, new.body
    # 967.96: the reviewer's figure with the 2014 rows (8.25 % / 8.15 %), see
    # tests/unit/law/test_early_rates.py (it answered 900.74 before), up to 2026-11-30; 968.35
    # with that day, which 6:119a lid 1 counts when the claim is paid on it (law7 F2); 969.81
    # with the 2026-07-01 row: 153 d x 0.25 % more on the base of 2026-06-01, 1,397.242798:
    # 1.464234
    assert new.body["interest_from"] == "2014-06-01" and new.body["interest_rule"] == "6:119a"
    # no day before the table, and on 2026-11-30 the shipped table (newest rate 2026-07-01)
    # is not stale: no warning
    assert new.body["interest"] == "969.81" and new.body["warnings"] == []

    # EUR 1,000.00 B2B from 2011-06-01, paid on 2013-05-31 (6:119a counts that day, so up to
    # 2013-06-01; the anniversaries stay on 1 June); the
    # invoice of 2011-05-01 is its contract date, before 16-3-2013: ECB + 7 throughout (it
    # answered 74.50 with + 8 from 16-3-2013 before the contract date counted):
    #   2011-06-01 -> 2012-07-01  no rate known: 0.00; anniversary 2012-06-01 adds nothing
    #   2012-07-01 -> 2013-01-01  184 d @ 8.00 % = 40.33 (40.3288)
    #   2013-01-01 -> 2013-06-01  151 d @ 7.75 % = 32.06 (32.0616; no split on 16-3-2013)
    #   total 72.39 (72.3904)
    old = a.call("GET", "/v1/clients/C1/invoices/PR7-2011/claim", on="2013-05-31")
    assert old.status == 200, old.body
    assert old.body["interest_from"] == "2011-06-01" and old.body["interest"] == "72.39"
    assert old.body["contract_date"] == "2011-05-01"
    assert old.body["commercial_margin"] == "ECB + 7"
    assert new.body["contract_date"] == "2014-05-01"
    assert new.body["commercial_margin"] == "ECB + 8"
    warning = (
        "no statutory interest rate is known before 2012-07-01: for 2011-06-01 to 2012-06-30 "
        "no interest is charged (put a rate table with the earlier rows in force: "
        "inning rates update FILE)"
    )
    assert old.body["warnings"] == [warning]

    debtor = a.call("GET", "/v1/clients/C1/debtors/PR7/claim", on="2026-11-30")
    assert debtor.status == 200, debtor.body
    assert debtor.body["warnings"] == [warning]
    assert [c["warnings"] for c in debtor.body["claims"]] == [[warning], []]
