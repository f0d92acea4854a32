"""The dossier's claims add up in a real headless Chromium on the local host (dossier-cols6):
a debtor's claims get a waiver, a write-off and a partial credit through the integration API
over HTTP; the credit manager opens the dossier and reads the claims table as the browser
shows it (in Dutch and in English): every row is principal + costs + VAT + interest - paid -
credited - waived - written off = open to the cent, the totals row is the sum of each
column, and the waiver and the write-off are on the timeline. axe-core checks the page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from selenium.webdriver.common.by import By

from shared.clock import amsterdam_today
from tests.e2e.conftest import serving
from tests.e2e.console_support import Users, checked, sign_in
from tests.e2e.test_portal_in_chromium import _free_port, _wait
from tests.e2e.test_portal_in_chromium import browser as browser

__all__ = ["browser"]

DEBTOR = "D-7001"


@pytest.fixture(scope="module")
def served(storage_connection, tmp_path_factory) -> Iterator[tuple[str, Users, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """The local host with the demo world and its people, the demo API keys, and the debtor
    of :func:`_seed`."""
    from shared import bootstrap
    from tools.demo_people import seed_people

    port = _free_port()
    data = tmp_path_factory.mktemp("data")
    url = f"http://localhost:{port}"
    with serving(storage_connection, data, port=port, INNING_PUBLIC_BASE_URL=url) as (_, keys):
        users = seed_people(bootstrap.services(), data)
        _seed(url, keys["agency"])  # waivers and write-offs are the agency's
        yield url, users, keys


def _api(url: str, key: str, method: str, path: str, body: object = None) -> dict[str, object]:
    reply = httpx.request(
        method, f"{url}/api/v1/clients/BAKKERIJ{path}", json=body,
        headers={"X-Api-Key": key}, timeout=30,
    )  # fmt: skip
    assert reply.status_code == 200, (path, reply.status_code, reply.text)
    body_out: dict[str, object] = reply.json()
    return body_out


def _seed(url: str, key: str) -> None:
    """Three invoices of one debtor, long overdue: costs owed on the first (a 14-day letter
    60 days ago) and part of them waived, the second written off, the third partly credited
    (and the rest left open)."""
    today = amsterdam_today()

    def day(days_ago: int) -> str:
        return (today - timedelta(days=days_ago)).isoformat()

    debtor = {"number": DEBTOR, "kind": "b2c", "name": "R. Optelsom", "emails": ["r@example.nl"],
              "address": {"street": "Kerkstraat 2", "postal_code": "3511AB", "city": "Utrecht"}}  # fmt: skip
    _api(url, key, "POST", "/debtors", {"items": [debtor]})
    invoice = {"debtor": DEBTOR, "invoice_date": day(120), "due_date": day(90)}
    created = _api(url, key, "POST", "/invoices", {"items": [
        {**invoice, "number": "E2E-W", "amount": "121.00", "fourteen_day_letter_on": day(60)},
        {**invoice, "number": "E2E-O", "amount": "50.00"},
        {**invoice, "number": "E2E-C", "amount": "200.00"},
    ]})  # fmt: skip
    assert created["created"] == 3, created
    claim = _api(url, key, "GET", "/invoices/E2E-W/claim")
    assert Decimal(str(claim["costs"])) >= Decimal("15.00"), claim
    _api(url, key, "POST", "/invoices/E2E-W/waive",
         {"component": "costs", "amount": "15.00", "reason": "settled for less"})  # fmt: skip
    _api(url, key, "POST", "/invoices/E2E-O/write-off", {"reason": "debtor emigrated"})
    _api(url, key, "POST", "/invoices/E2E-C/credit",
         {"amount": "30.00", "reference": "CN-E2E", "reason": "one item returned"})  # fmt: skip


def _cents(text: str) -> int:
    """A money cell as Chromium shows it (its first line: a credited cell goes on with its
    credit notes), Dutch ``€ 1.234,56`` or English ``EUR 1,234.56``."""
    first = text.strip().splitlines()[0]
    if found := re.fullmatch(r"€ (-?[\d.]+,\d\d)", first):
        return int(Decimal(found[1].replace(".", "").replace(",", ".")) * 100)
    found = re.fullmatch(r"EUR (-?[\d,]+\.\d\d)", first)
    assert found, text
    return int(Decimal(found[1].replace(",", "")) * 100)


def _claims_table(driver) -> tuple[list[str], dict[str, list[int]], list[int]]:  # type: ignore[no-untyped-def]
    """The headers, each invoice's money cells and the totals row's, as the browser renders them."""
    table = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=c-h] table")
    headers = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    rows = {}
    for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr"):
        number = tr.find_element(By.CSS_SELECTOR, "th[scope=row]").text
        rows[number] = [_cents(td.text) for td in tr.find_elements(By.CSS_SELECTOR, "td.num")]
    totals = [_cents(td.text) for td in table.find_elements(By.CSS_SELECTOR, "tfoot td.num")]
    return headers, rows, totals


def _adds_up(figures: list[int]) -> bool:
    principal, costs, vat, interest, paid, credited, waived, written_off, open_ = figures
    charged = principal + costs + vat + interest
    return charged - paid - credited - waived - written_off == open_


def test_the_dossier_rows_and_totals_add_up_in_chromium(served, browser):  # type: ignore[no-untyped-def]
    url, users, keys = served
    sign_in(browser, url, users["client_staff"])  # once: a TOTP code is good for one sign-in
    for lang in ("nl", "en"):
        _read_the_dossier(browser, url, keys["agency"], lang)


def _read_the_dossier(browser, url: str, key: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    browser.get(f"{url}/api/console/dossier/{DEBTOR}?lang={lang}")
    waived, written_off, total = (
        ("Kwijtgescholden", "Afgeboekt", "Totaal") if lang == "nl"
        else ("Waived", "Written off", "Total")
    )  # fmt: skip
    _wait(lambda: written_off in browser.page_source)
    headers, rows, totals = _claims_table(browser)
    assert headers[-3:-1] == [waived, written_off] and len(headers) == 12
    assert sorted(rows) == ["E2E-C", "E2E-O", "E2E-W"]
    for number, figures in rows.items():
        assert len(figures) == 9 and _adds_up(figures), (number, figures)
    assert totals == [sum(column) for column in zip(*rows.values(), strict=True)]
    assert _adds_up(totals)
    foot = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=c-h] tfoot th")
    assert foot.text == total
    w, o, c = rows["E2E-W"], rows["E2E-O"], rows["E2E-C"]
    assert w[6] == 1500 and o[8] == 0 and o[7] == o[0] + o[3]
    assert c[5] >= 3000 and c[8] > 0
    # the figures are the ledger's: the API's claim of each invoice says the same open total
    for number, figures in rows.items():
        claim = _api(url, key, "GET", f"/invoices/{number}/claim")
        opened = claim["open"]
        assert isinstance(opened, dict)
        assert figures[8] == int(Decimal(str(opened["total"])) * 100), number
    timeline = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=t-h]").text
    if lang == "nl":
        assert "€ 15,00 van de incassokosten op E2E-W kwijtgescholden: settled for less" in timeline
        assert "Vordering E2E-O afgeboekt als oninbaar: debtor emigrated" in timeline
    else:
        assert "Waived EUR 15.00 of the costs on E2E-W: settled for less" in timeline
        assert "Claim E2E-O written off as uncollectable: debtor emigrated" in timeline
    checked(browser, f"dossier-settled-{lang}")
