"""The portal's plan forms refuse in the debtor's language (Dutch for a Dutch debtor, not
English behind "Dat lukte niet:"), and a plan id no plan can have (600 characters, longer than
a storage key) is "no such plan" with a 404, never a 500 (attack4 finding 6)."""

from __future__ import annotations

import html
import re

from tests.unit.plans.test_portal_plans import csrf, enter, portal  # noqa: F401


def _notice(raw: bytes) -> str:
    found = re.search(r'<p class="notice error" role="status">([^<]*)</p>', raw.decode())
    assert found is not None, raw[:400]
    return html.unescape(found.group(1))


def test_a_dutch_debtor_reads_the_plan_forms_refusals_in_dutch(portal):  # noqa: F811
    world, app = portal
    browser = enter(world, app)
    bad = {"method": "transfer", "by": "amount", "amount": "-5"}
    got = browser.go("GET", "/portal/plan/preview", query=bad)
    assert got.status == 400
    assert _notice(got.raw) == "Dat lukte niet: vul het bedrag per termijn in, bijvoorbeeld 50,00"
    got = browser.go("GET", "/portal/plan/preview",
                     query={"method": "transfer", "by": "count", "installments": "99"})  # fmt: skip
    assert _notice(got.raw) == "Dat lukte niet: kies 2 tot 13 termijnen"
    got = browser.go("GET", "/portal/plan/preview",
                     query={"method": "cheque", "by": "count", "installments": "3"})  # fmt: skip
    assert _notice(got.raw) == "Dat lukte niet: kies een manier van betalen"
    moved: dict[str, object] = {
        "csrf": csrf(browser),
        "plan": "x",
        "installment": "1",
        "to": "2027-01-05",
    }
    got = browser.go("POST", "/portal/plan/postpone", moved)
    assert got.status == 404
    assert _notice(got.raw) == "Dat lukte niet: deze betalingsregeling is niet gevonden"
    got = browser.go("POST", "/portal/plan/postpone", {**moved, "installment": "first"})
    assert _notice(got.raw) == "Dat lukte niet: kies een termijn en een datum"


def test_a_plan_id_longer_than_a_key_is_no_such_plan(portal):  # noqa: F811
    world, app = portal
    browser = enter(world, app)
    form: dict[str, object] = {
        "csrf": csrf(browser),
        "plan": "x" * 600,
        "installment": "1",
        "to": "2027-01-05",
    }
    got = browser.go("POST", "/portal/plan/postpone", form)
    assert got.status == 404
    assert _notice(got.raw) == "Dat lukte niet: deze betalingsregeling is niet gevonden"


def test_an_english_page_keeps_the_english_text():
    from shared.api.portal_plans import plan_reason

    assert plan_reason("en", "choose 2 to 13 installments") == "choose 2 to 13 installments"
    assert plan_reason("nl", "installment 1 is below the minimum of EUR 1234.50") == (
        "termijn 1 is lager dan het minimum van € 1.234,50"
    )
    # the portal's shared reasons still answer what the plan forms share with other forms
    assert plan_reason("nl", "no such invoices") == "deze facturen zijn niet gevonden"


def test_an_amount_of_thousands_of_digits_is_a_refusal_not_a_500(portal):  # noqa: F811
    """Python refuses int() of more than 4,300 digits with a ValueError the form did not
    expect: the page was a 500 with the host's JSON body (attack5 finding 7)."""
    world, app = portal
    browser = enter(world, app)
    for digits in (4301, 20):
        query = {"method": "transfer", "by": "amount", "amount": "9" * digits}
        got = browser.go("GET", "/portal/plan/preview", query=query)
        assert got.status == 400, (digits, got.status)
        assert (
            _notice(got.raw) == "Dat lukte niet: vul het bedrag per termijn in, bijvoorbeeld 50,00"
        )


def test_the_amount_field_reads_the_amounts_the_page_writes(portal):  # noqa: F811
    """newcomer18 F7: the page offers "van € 250,58 tot € 1.628,76" and refused "1.628,76" or
    "€ 1.628,76" typed as written, asking for "bijvoorbeeld 50,00". Only what can be read two
    ways ("1.000": Dutch 1000, English 1.0) is still refused."""
    world, app = portal
    browser = enter(world, app)
    page = browser.go("GET", "/portal/plan").raw.decode()
    bound = re.search(r"tot (€ [\d.]+,\d\d)", html.unescape(page))
    assert bound is not None, page[:400]
    written = bound.group(1)  # the page's own maximum, e.g. "€ 1.628,76"
    for typed in (written, written.removeprefix("€ ")):
        got = browser.go("GET", "/portal/plan/preview",
                         query={"method": "transfer", "by": "amount", "amount": typed})  # fmt: skip
        assert got.status == 200, (typed, got.raw[:300])
        assert written in html.unescape(got.raw.decode())  # an installment of that amount
    got = browser.go("GET", "/portal/plan/preview",
                     query={"method": "transfer", "by": "amount", "amount": "1.000"})  # fmt: skip
    assert got.status == 400
