"""cases26: the case page with the agency's payment plans (a draft and its steps, the form for
a new one) at a phone's width, as the agency's person sees it: the page never scrolls
sideways (the plans' table scrolls in its own region) and axe-core finds nothing. The same
check as tests/e2e/test_console_phone_in_chromium.py, whose crawl signs in as the client and
has no case to visit."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from selenium.webdriver.common.by import By

from shared import bootstrap
from shared.adapters.tables.cases_repo import Case
from shared.clock import amsterdam_date
from shared.domain.plans.schedule import Period, PlanMethod
from shared.services.plans.agency_plans import AgencyPlans
from shared.services.plans.service import PlanRequest
from tests.e2e.console_support import served_console, sign_in
from tests.e2e.test_console_phone_in_chromium import _CULPRITS, _WIDER, PHONE
from tests.e2e.test_portal_in_chromium import _accessibility_violations, _wait
from tests.e2e.test_portal_in_chromium import browser as browser
from tools.demo import AGENCY_ID
from tools.demo_console import CLIENT

__all__ = ["browser", "served_console"]


def _case_with_a_draft(services) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    client_id = services.repos.clients.id_for_number(AGENCY_ID, CLIENT)
    assert client_id is not None
    invoices = services.repos.invoices
    open_ = [i for i in invoices.for_debtor(client_id, "D-1001") if i.is_collectable]
    invoice = open_[0]
    stored = invoices.get(client_id, invoice.number)
    invoices.save(replace(stored.invoice, handed_over_to=AGENCY_ID), stored)
    now = services.clock.now()
    case = Case(AGENCY_ID, f"{client_id}-D-1001-e2e", client_id, "D-1001", (invoice.number,), now,
                {"debtor": {"number": "D-1001", "name": "J. de Vries"},
                 "invoices": [{"number": invoice.number, "due_date": invoice.due_date.isoformat(),
                               "open": f"{invoice.open_amount / 100:.2f}"}],
                 "amounts": {"principal": f"{invoice.open_amount / 100:.2f}", "costs": "0.00",
                             "interest": "0.00"}})  # fmt: skip
    services.repos.cases.add(case)
    start = amsterdam_date(now) + timedelta(days=14)
    request = PlanRequest("", (), True, PlanMethod.TRANSFER, start, Period.MONTH, installments=3)
    AgencyPlans(services.repos, services.plans).create(AGENCY_ID, case.case_id, request, "e2e")
    return client_id, case.case_id


def test_the_case_page_with_its_plans_fits_a_phone(served_console, browser):  # type: ignore[no-untyped-def]
    url, users = served_console
    client_id, case_id = _case_with_a_draft(bootstrap.services())
    browser.set_window_size(PHONE, 812)
    sign_in(browser, url, users["agency_staff"], lang="nl")
    browser.get(f"{url}/api/console/cases/{case_id}?client={client_id}&lang=nl")
    _wait(lambda: browser.find_elements(By.TAG_NAME, "main"))
    browser.set_window_size(PHONE, 812)
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "Betalingsregelingen van het incassobureau" in text and "Starten" in text
    assert browser.execute_script(_WIDER) <= 0, browser.execute_script(_CULPRITS)
    assert _accessibility_violations(browser) == []
