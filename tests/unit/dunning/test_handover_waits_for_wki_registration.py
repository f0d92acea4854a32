"""wki28's rule wired into the dunning run (the lead's line in ``DunningService._step``): a
consumer's hand-over to an agency whose Wki registration ended (art. 2 Wki) waits, the step
stays due, and the first run after the agency records its new last day hands over.

Hand: consumer D-7001, 2026-2001 1,234.56 and 2026-2003 266.66, the client's own 14-day letter
of 6-1-2027: the starter workflow hands over on 6-2-2027 (test_no_handover_without_letter).
The agency's registration ran until 31-1-2027: no case through 1-3; recorded until 31-1-2028
on 2-3, the case comes on the run of 2-3 with the same costs, 225.18."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_no_handover_without_letter import _cases, _days, _setup


def test_a_consumers_hand_over_waits_for_the_agencys_registration(world):
    a, client = _setup(world, None)
    agencies = world.services.repos.agencies
    agency = agencies.get(client.agency_id)
    assert agency is not None
    ended = replace(agency, wki_register_number="IDV-7", wki_registered_until=date(2027, 1, 31))
    agencies.save(ended)
    _days(world, client, date(2026, 11, 16), date(2027, 1, 6))
    rows = [
        invoice_row(n, "D-7001", amount=amt, invoice_date=dated, due_date=due,
                    fourteen_day_letter_on="2027-01-06")
        for n, amt, dated, due in (("2026-2001", "1234.56", "2026-11-01", "2026-11-15"),
                                   ("2026-2003", "266.66", "2026-11-03", "2026-11-17"))
    ]  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status == 200
    _days(world, client, date(2027, 1, 7), date(2027, 3, 1))
    assert _cases(a) == []  # was: a case on 6-2-2027, 6 days after the registration ended

    agencies.save(replace(ended, wki_registered_until=date(2028, 1, 31)))
    _days(world, client, date(2027, 3, 2), date(2027, 3, 2))
    [case] = _cases(a)
    assert str(case["created_at"]).startswith("2027-03-02"), case
    dossier = a.call("GET", f"/v1/cases/{case['case_id']}").body["dossier"]
    assert dossier["amounts"]["costs"] == "225.18", dossier["amounts"]
