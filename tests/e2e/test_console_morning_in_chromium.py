"""A credit manager's morning in a real headless Chromium on the local host, with the WhatsApp
stand-in (enforcing the Cloud API's rules) as the provider: sign in with password and TOTP,
open the action list and confirm a suggested bank payment, open the debtor's dossier and send
a WhatsApp quick text by hand (outside the 24-hour window: its approved template, which
reaches the stand-in with the payment link), look at the quick texts and the inbound mail,
preview the reminder template for the debtor, and download a report as Excel and open it
with openpyxl. axe-core checks every page (WCAG
2.1 A and AA); screenshots ``console-morning-*.png`` go to build/screenshots (copies in
docs/screenshots/)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from shared import bootstrap
from shared.clock import amsterdam_date
from shared.domain.inbound.mail import MailKind, ReceivedMail
from shared.domain.invoices import InvoiceStatus
from shared.domain.parties import Address, Debtor, DebtorKind
from shared.domain.records import ActionItem, ActionStatus
from shared.services.imports import InvoiceDraft
from tests.e2e.conftest import serving
from tests.e2e.console_support import Users, checked, sign_in
from tests.e2e.test_portal_in_chromium import _free_port, _wait
from tests.e2e.test_portal_in_chromium import browser as browser
from tests.support.stand_in import serve
from tests.support.whatsapp_stand_in import ApprovedTemplate, WhatsappCloud
from tools.demo import AGENCY_ID
from tools.demo_console import seed_console
from tools.demo_people import CLIENT

__all__ = ["browser"]


@pytest.fixture(scope="module")
def morning(storage_connection, tmp_path_factory) -> Iterator[tuple[str, Users, WhatsappCloud]]:  # type: ignore[no-untyped-def]
    """The local host with the demo people and WhatsApp pointed at the stand-in."""
    from tools.demo_people import seed_people

    cloud = WhatsappCloud(token="e2e-wa-token")
    port = _free_port()
    data = tmp_path_factory.mktemp("data")
    with (
        serve(cloud) as stand_in,
        serving(
            storage_connection, data, port=port, INNING_CONTACT_HOURS="00:00-23:59",
            INNING_PUBLIC_BASE_URL=f"http://localhost:{port}",
            WHATSAPP_TOKEN="e2e-wa-token", WHATSAPP_PHONE_NUMBER_ID="10987",
            WHATSAPP_BASE_URL=f"{stand_in.url}/v21.0", WHATSAPP_APP_SECRET="e2e-app-secret",
            WHATSAPP_VERIFY_TOKEN="e2e-verify",
        ) as (_, _keys),
    ):  # fmt: skip
        users = seed_people(bootstrap.services(), data)
        yield f"http://localhost:{port}", users, cloud


def test_a_credit_managers_morning_with_whatsapp(morning, browser, tmp_path):
    from shared.domain.conversations.quick_texts import QuickText
    from shared.domain.conversations.whatsapp import WhatsappTemplate
    from shared.domain.messaging import Channel

    url, users, cloud = morning
    base = f"{url}/api/console"
    services = bootstrap.services()
    seed_console(services)
    client_id = services.repos.clients.id_for_number(AGENCY_ID, CLIENT)
    assert client_id
    # a bank payment the matcher only suggested (as the demo seeds one), for a debtor and
    # invoice of this run: other tests on the same storage pay the demo debtors' invoices
    run = time.time_ns() % 10**9
    found = services.repos.clients.get(client_id)
    assert found
    client = found[0]
    today = amsterdam_date(services.clock.now())
    services.imports.upsert_debtors(client, [(0, Debtor(
        "", f"M-{run}", DebtorKind.B2C, "K. Ochtend", ("k.ochtend@example.nl",), None, False,
        Address("Kerkstraat 1", "3511 LK", "Utrecht")))])  # fmt: skip
    number = f"FM-{run}"
    services.imports.upsert_invoices(client, [(0, InvoiceDraft(
        number, f"M-{run}", today - timedelta(days=40), today - timedelta(days=10), 2_500, None))])  # fmt: skip
    stored = services.repos.invoices.get(client_id, number)
    assert stored is not None
    amount = stored.invoice.open_amount
    title = f"Controleer betaling {run} van K. Ochtend"
    now = services.clock.now()
    services.repos.actions.add(ActionItem(
        client_id, f"morning-{run}", "payment_suggestion", title, now, debtor_number=f"M-{run}",
        detail={"account": "NL02ABNA0123456789", "line_id": f"morning-line-{run}", "amount": amount,
                "date": today.isoformat(), "payer_iban": "NL20INGB0001234567",
                "payer_name": "K OCHTEND", "remittance": f"factuur {number}",
                "reasons": [f"amount equals the open amount of {number}"],
                "suggestions": [{"invoice": number, "client_id": None, "amount": amount, "score": 0.78}]},
    ))  # fmt: skip
    public = services.settings.public_base_url
    # the client's approved template at Meta and as described in Inning, and a quick text
    cloud.templates.append(ApprovedTemplate("betaalherinnering", "nl", "Beste {{1}}, open: {{2}}.",
                                            url_button=f"{public}/api/p/{{{{1}}}}"))  # fmt: skip
    services.by_hand.save_whatsapp_template(client_id, WhatsappTemplate(
        "betaalherinnering", ("nl",), ("debtor.name", "total|money"), f"{public}/api/p/"))  # fmt: skip
    quick = f"betaal{time.time_ns() % 10**9}"
    services.by_hand.create_quick_text(client_id, QuickText(
        quick, Channel.WHATSAPP, "Betaallink", "Beste {{ debtor.name }}, betaal via {{ payment_link }}",
        whatsapp_template="betaalherinnering"))  # fmt: skip
    mailbox = client.contact_email or "facturen@bakkerij.example"
    services.inbound_filing.file(ReceivedMail(
        mailbox=mailbox, graph_id="AAMk-e2e", internet_message_id=f"<e2e{time.time_ns()}@devries.example>",
        received_at=services.clock.now() - timedelta(minutes=5), sender="jan@devries.example",
        sender_name="Jan de Vries", subject=f"Vraag over F-0001 ({run})", body_text="Kan ik F-0001 in delen betalen?",
        unique_text=None, headers={}), MailKind.CORRESPONDENCE, [client], [])  # fmt: skip

    # -- sign in with the TOTP code, the action list, a suggested payment confirmed -----------
    sign_in(browser, url, users["client_staff"])
    browser.get(f"{base}/today?lang=en")
    _wait(lambda: "Ageing of the overdue amounts" in browser.page_source)
    checked(browser, "morning-today")
    browser.get(f"{base}/actions?lang=en")
    _wait(lambda: title in browser.page_source)
    checked(browser, "morning-actions")
    browser.find_element(By.LINK_TEXT, title).click()
    _wait(lambda: "Confirm the payment" in browser.page_source)
    browser.find_element(By.CSS_SELECTOR, f"input[name=invoice][value='{number}']").click()
    browser.find_element(By.CSS_SELECTOR, "button[value=confirm]").click()
    _wait(lambda: "done=act_done" in browser.current_url)
    item = services.repos.actions.get(client_id, f"morning-{run}")
    assert item is not None and item[0].status is ActionStatus.RESOLVED
    paid = services.repos.invoices.get(client_id, number)
    # the principal is paid; the statutory interest since the due day may stay open
    assert paid is not None and paid.invoice.status in (
        InvoiceStatus.PAID,
        InvoiceStatus.PARTIALLY_PAID,
    )

    # -- the dossier: a WhatsApp quick text by hand reaches the stand-in ----------------------
    browser.get(f"{base}/dossier/D-1001?lang=en&hand=whatsapp")
    _wait(lambda: "Message by hand" in browser.page_source)
    assert "approved template only" in browser.page_source  # no message from the debtor today
    Select(browser.find_element(By.ID, "hand-quick")).select_by_value(quick)
    checked(browser, "morning-dossier")
    browser.find_element(By.CSS_SELECTOR, "button[value=hand]").click()
    _wait(lambda: "The message is queued to be sent." in browser.page_source)
    _wait(lambda: cloud.delivered, 30)
    delivered = cloud.delivered[0]
    assert delivered["type"] == "template" and delivered["to"] == "31612345678"
    assert delivered["template"]["components"][0]["parameters"][0]["text"] == "J. de Vries"
    link = cloud.link_of(delivered)
    assert link is not None and link.startswith(f"{public}/api/p/")
    browser.back()  # the same form sent again (a double submit): nothing is sent twice
    _wait(lambda: "Message by hand" in browser.page_source)
    browser.find_element(By.CSS_SELECTOR, "button[value=hand]").click()
    _wait(lambda: "done=hand_" in browser.current_url)
    assert "done=hand_again" in browser.current_url and "sent already" in browser.page_source
    time.sleep(1.0)
    assert len(cloud.delivered) == 1

    # -- quick texts and the inbound mail ---------------------------------------------------
    browser.get(f"{base}/quick-texts?lang=en&channel=whatsapp")
    _wait(lambda: "Betaallink" in browser.page_source)
    checked(browser, "morning-quick-texts")
    browser.get(f"{base}/mail?lang=en")
    _wait(lambda: f"Vraag over F-0001 ({run})" in browser.page_source)
    checked(browser, "morning-mail")
    browser.find_element(By.LINK_TEXT, f"Vraag over F-0001 ({run})").click()
    _wait(lambda: "Kan ik F-0001 in delen betalen?" in browser.page_source)
    checked(browser, "morning-mail-one")

    # -- the reminder template previewed for the debtor (a POST that saves nothing) ----------
    browser.get(f"{base}/templates/edit?id=herinnering&lang=en")
    _wait(lambda: "Preview" in browser.page_source)
    field = browser.find_element(By.ID, "tpl-debtor")
    field.clear()
    field.send_keys("D-1001")
    browser.find_element(By.CSS_SELECTOR, "button[value=preview]").click()
    _wait(lambda: "Preview for D-1001" in browser.page_source)
    assert "J. de Vries" in browser.find_element(By.TAG_NAME, "main").text
    checked(browser, "morning-template-preview")

    # -- a report as Excel, downloaded and opened -------------------------------------------
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    browser.get(f"{base}/reports?lang=en")
    checked(browser, "morning-reports")
    Select(browser.find_element(By.ID, "rp-format")).select_by_value("xlsx")
    browser.find_element(
        By.CSS_SELECTOR, "input[name=do][value=report] ~ div button[type=submit]"
    ).click()
    files = _wait(lambda: [p for p in downloads.glob("*.xlsx")], 30)
    time.sleep(0.5)  # the download is renamed from .crdownload when complete
    sheet = load_workbook(files[0])["Data"]
    assert [c.value for c in sheet[1]][:2] == ["client", "month"]
    assert sheet.max_row >= 2 and sheet["A2"].value == CLIENT
