"""cm24 F4: a claim at a collection agency nears prescription: the agency, whose own sommaties
now interrupt it and which alone may demand or sue, gets the warning on its list too. Before:
only the client's list ("send a registered stuitingsbrief", "send a written demand or go to
court") while the agency holding the case heard nothing (consumer F1 1,000.00 due 15-11-2024,
14-day letter received 10-12-2024, handed over 8-1-2025: 2 years as a consumer sale, 11-12-2026).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.services.dunning_starter import save_starter
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN
from tests.unit.dunning.test_dispute_ended_resumes_dunning import _days


def consumer_f1(world):  # type: ignore[no-untyped-def]
    """Client C1 (the starter set) with consumer D-1's F1, 1,000.00 due 15-11-2024, on
    16-11-2024 06:00: the claim these prescription tests follow."""
    a = world.agency_a
    world.clock.at = datetime(2024, 11, 16, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D-1", name="Jansen, P.")]})
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    save_starter(world.services.repos, client.client_id)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D-1", amount="1000.00", invoice_date="2024-11-01", due_date="2024-11-15"),
    ]})  # fmt: skip
    return client


def _prescription(items):  # type: ignore[no-untyped-def]
    return [(i["title"], i["invoice_numbers"]) for i in items if i["kind"] == "prescription"]


def test_the_agency_holding_the_case_is_warned_too(world):  # type: ignore[no-untyped-def]
    SEEN.clear()
    a = world.agency_a
    client = consumer_f1(world)
    _days(world, client, date(2024, 11, 16), date(2025, 1, 10))
    assert [c["invoice_numbers"] for c in a.call("GET", "/v1/cases").body["items"]] == [["F1"]]
    _days(world, client, date(2026, 10, 11), date(2026, 10, 13))

    mine = _prescription(a.call("GET", "/v1/clients/C1/actions").body["items"])
    agency = _prescription(a.call("GET", "/v1/actions").body["items"])
    warned = [t for t, _ in mine if "may prescribe on 11-12-2026" in t]
    assert len(warned) == 1, mine
    # the same warnings, each once: the weak proof's date (16-11) and the counted one (11-12),
    # whose client's words say the agency holds the claim (told24, stuiting25; the agency's
    # keep the advice)
    assert len(agency) == 2 and sorted((t.split(": ")[0], n) for t, n in mine) == sorted(
        (t.split(": ")[0], n) for t, n in agency
    )
    _days(world, client, date(2026, 10, 14), date(2026, 10, 14))
    assert _prescription(a.call("GET", "/v1/actions").body["items"]) == agency


def test_the_clients_warning_says_the_agency_holds_the_claim(world):  # type: ignore[no-untyped-def]
    """told24 (cm24 F4's left): the client's own warning on a claim at the agency said "send a
    written demand or go to court", though only the agency may now; it says the agency holds
    it and was warned. The agency's warning keeps the advice, which is its to follow."""
    from shared.api.console import action_text
    from shared.domain.parties import Agency

    SEEN.clear()
    a = world.agency_a
    world.services.repos.agencies.save(
        Agency("agency-a", "AGENCY-A", None, "zaken@agency-a.example")
    )
    client = consumer_f1(world)
    _days(world, client, date(2024, 11, 16), date(2025, 1, 10))
    _days(world, client, date(2026, 10, 11), date(2026, 10, 13))

    mine = [t for t, _ in _prescription(a.call("GET", "/v1/clients/C1/actions").body["items"])
            if "may prescribe on 11-12-2026" in t]  # fmt: skip
    agency = [t for t, _ in _prescription(a.call("GET", "/v1/actions").body["items"])
              if "may prescribe on 11-12-2026" in t]  # fmt: skip
    [title] = mine
    assert title.endswith(
        "; the collection agency AGENCY-A holds the claim and was warned: it sends the written "
        "demand or goes to court, not the client"
    )
    assert "send a written demand or go to court" not in title
    assert action_text.title(title, "nl").endswith(
        "incassobureau AGENCY-A heeft de vordering in behandeling en is gewaarschuwd: het "
        "stuurt de schriftelijke aanmaning of gaat naar de rechter, niet de opdrachtgever"
    )
    [told] = agency
    assert told.endswith("send a written demand or go to court")


def _named_agency(world):  # type: ignore[no-untyped-def]
    from shared.domain.parties import Agency

    world.services.repos.agencies.save(
        Agency("agency-a", "AGENCY-A", None, "zaken@agency-a.example")
    )


def test_the_clients_stuitingsbrief_warning_says_the_agency_sends_it(world):  # type: ignore[no-untyped-def]
    """stuiting25 (told24's left): the client's warning that Inning's demands rest on weak
    proof told it to "send a registered stuitingsbrief" on a claim at the agency, which alone
    may send one now and was warned; it says so. The agency's warning keeps the advice."""
    from shared.api.console import action_text

    SEEN.clear()
    a = world.agency_a
    _named_agency(world)
    client = consumer_f1(world)
    _days(world, client, date(2024, 11, 16), date(2025, 1, 10))
    _days(world, client, date(2026, 9, 17), date(2026, 9, 17))

    def unproven(items):  # type: ignore[no-untyped-def]
        return [t for t, _ in _prescription(items) if "prescribes on 16-11-2026 (2 years)" in t]

    [title] = unproven(a.call("GET", "/v1/clients/C1/actions").body["items"])
    assert title.endswith(
        "(art. 3:317 and 3:37 lid 3 BW): the collection agency AGENCY-A holds the claim and was "
        "warned: it sends a registered stuitingsbrief (aangetekend and by ordinary post) before "
        "that date, not the client; check demands the client sent itself and any "
        "acknowledgement by the debtor"
    ), title
    assert "send a registered stuitingsbrief" not in title
    assert (
        "incassobureau AGENCY-A heeft de vordering in behandeling en is gewaarschuwd: het "
        "stuurt vóór die datum een stuitingsbrief (aangetekend en per gewone post), niet de "
        "opdrachtgever; " in action_text.title(title, "nl")
    )
    [told] = unproven(a.call("GET", "/v1/actions").body["items"])
    assert "BW): send a registered stuitingsbrief (aangetekend and by ordinary post)" in told


def test_the_clients_hold_says_the_agency_decides(world):  # type: ignore[no-untyped-def]
    """stuiting25 (told24's left): past the date the client's hold item on a claim at the
    agency told it to record a demand or acknowledgement, or have a person release the claim;
    the agency holds it, was warned and decides. The agency's item keeps the advice."""
    from shared.api.console import action_text

    SEEN.clear()
    a = world.agency_a
    _named_agency(world)
    client = consumer_f1(world)
    _days(world, client, date(2024, 11, 16), date(2025, 1, 10))
    _days(world, client, date(2026, 12, 11), date(2026, 12, 11))

    def held(items):  # type: ignore[no-untyped-def]
        return [t for t, _ in _prescription(items) if "may have prescribed on 11-12-2026" in t]

    [title] = held(a.call("GET", "/v1/clients/C1/actions").body["items"])
    assert title.endswith(
        "a demand now cannot revive it (art. 3:317 BW). The collection agency AGENCY-A holds "
        "the claim and was warned: it decides, not the client, whether a demand or an "
        "acknowledgement by the debtor (a payment plan he agreed to, a part payment, art. "
        "3:318 BW) interrupted it or the claim is released (art. 3:322 BW: the debtor must "
        "invoke prescription himself)"
    ), title
    assert "record that with its date" not in title
    assert (
        "Incassobureau AGENCY-A heeft de vordering in behandeling en is gewaarschuwd: het "
        "beslist, niet de opdrachtgever, of " in action_text.title(title, "nl")
    )
    [told] = held(a.call("GET", "/v1/actions").body["items"])
    assert "record that with its date; otherwise a person decides whether to release it" in told
