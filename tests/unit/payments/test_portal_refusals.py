"""attack3 findings 3 and 4: a postponement reason is bounded before anything is written, and
the pay form's refusals read in the page's language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared.clock import amsterdam_date
from shared.domain.records import PaymentSource
from shared.services.portal import MAX_REASON, REQUESTS_PER_DAY
from tests.unit.payments.conftest import shop  # noqa: F401
from tests.unit.payments.test_portal import Browser, enter, portal  # noqa: F401


def _client_id(world) -> str:
    found: str = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    return found


def _log(world) -> list[str]:
    return [e.summary for e in world.services.repos.contacts.for_debtor(_client_id(world), "D1")[0]]


def _requests(world) -> list[dict[str, Any]]:
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [a for a in items if a["kind"] == "postponement_request"]


def test_a_reason_past_the_limit_is_refused_before_anything_is_written(portal):  # noqa: F811
    world, _, app = portal
    browser = enter(world, app)
    until = (amsterdam_date(world.clock.now()) + timedelta(days=40)).isoformat()
    log_before = _log(world)
    for size in (MAX_REASON + 1, 60_000):
        refused = browser.post("/portal/postpone", invoice=["F2"], until=until, reason="A" * size)
        page = refused.raw.decode()
        assert refused.status == 400
        assert f"de reden is langer dan {MAX_REASON} tekens" in page and "longer" not in page
    assert _requests(world) == [] and _log(world) == log_before
    # nothing was counted: the day's requests are all still there, and the longest reason the
    # form allows (its line breaks sent as CRLF) is taken whole, in the item and the log
    longest = ("x" * 99 + "\r\n") * 10
    for _ in range(REQUESTS_PER_DAY):
        assert (
            browser.post("/portal/postpone", invoice=["F2"], until=until, reason=longest).status
            == 303
        )
    (item,) = _requests(world)
    assert item["detail"]["reason"] == longest.replace("\r\n", "\n").strip()
    assert any(s.endswith(longest.replace("\r\n", "\n").strip()) for s in _log(world))


def test_english_page_says_it_in_english(portal):  # noqa: F811
    world, _, app = portal
    browser = enter(world, app)
    browser.page(lang="en")
    until = (amsterdam_date(world.clock.now()) + timedelta(days=40)).isoformat()
    refused = browser.post("/portal/postpone", invoice=["F2"], until=until, reason="A" * 5000)
    assert refused.status == 400
    assert f"the reason is longer than {MAX_REASON} characters" in refused.raw.decode()


def test_the_pay_forms_refusals_read_in_dutch(portal):  # noqa: F811
    """On a page kept open while the invoice was paid, and for a number that is not the
    debtor's: "Dat lukte niet: nothing is open on these invoices" / "no such invoices"."""
    w, _, app = portal
    browser = enter(w, app)
    client = next(c for c in w.services.repos.clients.all() if c.number == "C1")
    today = amsterdam_date(w.clock.now())
    owed = w.services.payments.ledger.open_claims(client, ["F1"], today)["F1"].open.total
    w.services.payments.book(
        client, payment_id="bank-1", amount=owed, received_on=today,
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    paid = browser.post("/portal/pay", invoice=["F1"])
    assert paid.status == 400
    assert "op deze facturen staat niets meer open" in paid.raw.decode()
    unknown = browser.post("/portal/pay", invoice=["F-NONE"])
    assert unknown.status == 400
    assert "deze facturen zijn niet gevonden" in unknown.raw.decode()
    for page in (paid.raw.decode(), unknown.raw.decode()):
        assert "nothing is open" not in page and "no such invoices" not in page


def test_a_dispute_and_a_message_as_long_as_the_form_allows_are_kept_whole(portal):  # noqa: F811
    """debtor24 D6: the form counts a line break as one character and sends it as two (CRLF);
    the dispute kept the first 1,000 characters as sent, so a reason of 1,000 in ten
    paragraphs lost its last 9 ("...xxxxxxxxx" cut to "...x"), the message the same at 4,000."""
    world, _, app = portal
    browser = enter(world, app)
    longest = ("x" * 99 + "\r\n") * 9 + "y" * 100  # 1,000 in the browser, 1,009 sent
    assert browser.post("/portal/dispute", invoice="F2", reason=longest).status == 303
    (item,) = [
        a
        for a in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
        if a["kind"] == "dispute"
    ]
    assert item["detail"]["reason"] == longest.replace("\r\n", "\n")  # was 9 "y" short
    too_long = browser.post("/portal/dispute", invoice="F1", reason="z" * (MAX_REASON + 1))
    assert too_long.status == 400
    assert f"de reden is langer dan {MAX_REASON} tekens" in too_long.raw.decode()
    text = ("m" * 399 + "\r\n") * 9 + "n" * 400  # 4,000 in the browser
    assert browser.post("/portal/message", text=text).status == 303
    (message,) = [
        a
        for a in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
        if a["kind"] == "debtor_message"
    ]
    assert message["detail"]["text"] == text.replace("\r\n", "\n")
