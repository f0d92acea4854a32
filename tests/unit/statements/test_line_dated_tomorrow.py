"""newcomer27 F9, decided: a statement line dated after today in Amsterdam is booked on the
day the bank gives it, not held and not re-dated. The bank's booking day is the day the money
is the creditor's (art. 6:114 BW) and the day interest stops; a bank books a transfer that came
in after its cut-off, or on a weekend, on its next business day, and an evening's intraday file
can carry that day already. Holding such a line would make a person confirm every such line,
re-dating it would charge the debtor a day's interest more than the bank says."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.unit.statements.test_redated_line_keeps_its_identity import FILE, ing  # noqa: F401


def test_a_line_dated_tomorrow_is_booked_on_its_day(ing) -> None:  # noqa: F811
    # 3 January 2027, 20:00 in Amsterdam: the lines are dated 4 January
    ing.clock.at = datetime(2027, 1, 3, 19, 0, tzinfo=UTC)
    report = ing.services.statements.ingest("agency-a/evening.940", FILE.read_bytes())
    assert report.booked == 2
    payments = ing.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert {p["received_on"] for p in payments} == {date(2027, 1, 4).isoformat()}
    assert [
        x["kind"] for x in ing.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    ] == []
