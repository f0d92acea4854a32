"""The console's money pages in a real headless Chromium on the local host (Azurite, the queue
and blob triggers running): a credit manager uploads an invoice CSV with a bad row, sees it in
the preview, confirms, and watches the job page refresh itself until the import is done;
uploads a bank statement that the normal statement trigger processes; downloads a report as
Excel and opens it with openpyxl. axe-core checks each page (WCAG 2.1 A and AA); screenshots
go to build/screenshots (copies in docs/screenshots/)."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from shared import bootstrap
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from tests.e2e.console_support import checked, served_console, sign_in  # noqa: F401
from tests.e2e.test_portal_in_chromium import _wait, browser  # noqa: F401
from tools.demo import AGENCY_ID
from tools.demo_people import CLIENT

ROWS = 520  # over the 500 rows a page imports at once: this one runs as a job


def _invoice_csv(path: Path) -> Path:
    lines = ["factuurnummer;debiteur;factuurdatum;vervaldatum;bedrag"]
    lines += [f"E2E-{n:04d};D-1001;01-09-2026;30-09-2026;{10 + n},50" for n in range(ROWS)]
    lines.append("E2E-BAD;D-9999;01-09-2026;30-09-2026;12,00")  # a debtor the client does not have
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_money_pages_in_chromium(served_console, browser, tmp_path):  # noqa: F811
    url, users = served_console
    sign_in(browser, url, users["client_staff"])
    base = f"{url}/api/console"

    # -- an invoice upload: the preview shows the bad row, confirming runs a job -------------
    browser.get(f"{base}/upload?lang=en")
    _wait(lambda: "Choose a CSV file" in browser.page_source)
    checked(browser, "upload")
    browser.find_element(By.ID, "up-file").send_keys(str(_invoice_csv(tmp_path / "facturen.csv")))
    browser.find_element(
        By.CSS_SELECTOR, "form[enctype='multipart/form-data'] button[type=submit]"
    ).click()
    _wait(lambda: "Rejected rows" in browser.page_source)
    assert (
        "unknown debtor D-9999" in browser.page_source
        and f"To be imported: {ROWS}" in browser.page_source
    )
    checked(browser, "upload-preview")
    browser.find_element(
        By.CSS_SELECTOR, "input[name=do][value=confirm] ~ button[type=submit]"
    ).click()
    _wait(lambda: "/api/console/jobs/" in browser.current_url)
    # the page refreshes itself (Refresh: 2) while the queue trigger works the job
    _wait(
        lambda: f"{ROWS} of {ROWS} done" in browser.page_source and "Done" in browser.page_source,
        90,
    )
    assert "unknown debtor D-9999" in browser.page_source
    checked(browser, "job")

    # -- a bank statement through the normal pipeline ----------------------------------------
    services = bootstrap.services()
    client_id = services.repos.clients.id_for_number(AGENCY_ID, CLIENT)
    assert client_id
    client = services.repos.clients.get(client_id)
    assert client
    today = date.today()
    mt940 = write_mt940(client[0].ibans[0], [OutLine(today, 1250, "E2E-0001 betaling",
                        counterparty_iban="NL02RABO0123456789", counterparty_name="J de Vries")],
                        opening=100_000, opening_date=today, statement_id="E2E1")  # fmt: skip
    statement = tmp_path / "afschrift.sta"
    statement.write_text(mt940, encoding="utf-8")
    browser.get(f"{base}/payments?lang=en")
    browser.find_element(By.ID, "st-file").send_keys(str(statement))
    browser.find_element(
        By.CSS_SELECTOR, "form[enctype='multipart/form-data'] button[type=submit]"
    ).click()
    _wait(lambda: "The statement was received" in browser.page_source)
    assert "afschrift.sta" in browser.page_source

    def processed() -> bool:
        browser.get(f"{base}/payments?lang=en")
        text = browser.find_element(By.TAG_NAME, "main").text
        return "afschrift.sta Processed" in text or "afschrift.sta Refused" in text

    _wait(processed, 60)
    # the demo claim has accrued interest, so the pipeline suggests the payment for a check
    assert "afschrift.sta Processed 0 1 0" in browser.find_element(By.TAG_NAME, "main").text
    checked(browser, "payments")

    # -- a report as Excel, downloaded and opened ---------------------------------------------
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    browser.get(f"{base}/reports?lang=en")
    checked(browser, "reports")
    Select(browser.find_element(By.ID, "rp-format")).select_by_value("xlsx")
    browser.find_element(
        By.CSS_SELECTOR, "input[name=do][value=report] ~ div button[type=submit]"
    ).click()
    found = _wait(lambda: [p for p in downloads.glob("*.xlsx")], 30)
    time.sleep(0.5)  # the download is renamed from .crdownload when complete
    sheet = load_workbook(found[0])["Data"]
    header = [c.value for c in sheet[1]]
    assert header == ["client", "month", "invoiced", "collected", "open_at_month_end"]
    assert sheet.max_row >= 2 and sheet["A2"].value == CLIENT
