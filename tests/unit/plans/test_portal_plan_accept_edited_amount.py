"""The plan form's accept with an amount or method its preview refuses (an edited form) is
the plans page with the refusal in the debtor's words, never a 500: ``_choice`` raised
``Invalid`` outside the accept's handling, out of PortalApp (attack19 F2)."""

from __future__ import annotations

import html

import pytest

from tests.unit.plans.test_portal_plans import csrf, enter, portal  # noqa: F401


@pytest.mark.parametrize(
    ("edited", "words"),
    [
        ({"by": "amount", "amount": "-5"}, "vul het bedrag per termijn in, bijvoorbeeld 50,00"),
        ({"by": "amount", "amount": "1" + " " * 60_000 + "x"}, "bijvoorbeeld 50,00"),
        ({"method": "cheque"}, "kies een manier van betalen"),
    ],
)
def test_an_edited_accept_form_is_refused_in_words(portal, edited, words):  # noqa: F811
    world, app = portal
    browser = enter(world, app)
    form = {"csrf": csrf(browser), "method": "transfer", "by": "count", "installments": "3",
            "shown": "x", **edited}  # fmt: skip
    got = browser.go("POST", "/portal/plan/accept", form)
    assert got.status == 400
    assert words in html.unescape(got.raw.decode())
