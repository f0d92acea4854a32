"""texts26 N3: the plan agreement and the plan's notices (PDF) passed no portal link, so neither
the QR code nor the typed link texts26 added to letters appeared; a debtor by post had no way to
the page where he sees his plan and pays an installment. Now the plan service passes the debtor's
link as the dunning letters do: beside the payment QR code, or as the letter's last paragraph
when the letter has no payment block (a plan by direct debit, one paused or ended)."""

from __future__ import annotations

import io
from dataclasses import replace

import pypdf

from shared.domain.parties import Language
from shared.domain.plans.schedule import PlanMethod
from shared.services.plans.notices import agreement
from shared.services.plans.schedule_pdf import schedule_pdf
from tests.unit.plans.test_plan_agreement_pdf import CLIENT, DEBTOR, IBAN, ON, PLAN
from tests.unit.plans.test_plan_service import BASE, make
from tests.unit.plans.test_plan_service import plans as plans

LINK = "https://inning.example/api/p/MQpwcm9kCmNsZDQwN2M1NjA2Y2U1CkQtMTIzNDUKMAo.I3gjfIaYQkUXqIsBV9WJBw"


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def test_the_agreement_by_transfer_prints_the_link_beside_its_qr_code() -> None:
    note = agreement(PLAN, CLIENT.name, IBAN, "nl")
    text = _text(
        schedule_pdf(
            CLIENT, DEBTOR, PLAN, note, ON, portal_url=LINK, client_account=CLIENT.ibans[0]
        )
    )
    assert "Online betalen, uitstel of vragen: " + LINK in text
    assert text.count(LINK) == 1


def test_a_plan_by_direct_debit_gives_the_link_as_its_last_paragraph() -> None:
    plan = replace(PLAN, method=PlanMethod.DIRECT_DEBIT)
    for language, words in (
        ("nl", "Uw regeling, wat u betaalde en vragen stellen: "),
        ("en", "Your plan, what you paid and questions: "),
    ):
        debtor = replace(DEBTOR, language=Language(language))
        note = agreement(plan, CLIENT.name, IBAN, language)
        text = _text(
            schedule_pdf(
                CLIENT, debtor, plan, note, ON, portal_url=LINK, client_account=CLIENT.ibans[0]
            )
        )
        assert (words + LINK).replace(" ", "") in text.replace(" ", ""), language


def test_the_plan_service_sends_the_agreement_with_the_debtors_link(plans) -> None:
    world, client = plans
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    pdfs = [
        x.data
        for message, _ in world.services.messaging.outbox.with_prefix(client.client_id, "plan|")
        for x in world.services.messaging.content_of(message).attachments
        if x.content_type == "application/pdf"
    ]
    assert pdfs
    # the clock stands still: the link issued now is the one the letter carries
    link = world.services.portal_links.portal_link(client.client_id, "D1")
    for pdf in pdfs:
        assert link in _text(pdf)
