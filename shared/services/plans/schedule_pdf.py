"""The plan's notices as a PDF in the client's house style: the letter, and for the agreement
(and every notice that gives a new schedule) every installment listed with its date and amount
and the plan's own betalingskenmerk; a plan paid by transfer gets a payment block (EPC QR) for
the installment to pay now, never for the whole plan (newcomer17 F2: the schedule was dropped
and the QR asked the total, EUR 1.238,75, of a plan of 3 x 412,91)."""

from __future__ import annotations

from datetime import date

from shared.adapters.letters.pdf_letter import (
    Letterhead,
    LetterInstallment,
    LetterSpec,
    render_letter,
    sender_country,
    sender_lines,
)
from shared.domain.messaging import PostalAddress
from shared.domain.parties import Agency, Client, Debtor
from shared.domain.plans.plan import RUNNING, PaymentPlan
from shared.domain.plans.progress import InstallmentStatus
from shared.domain.plans.schedule import PlanMethod
from shared.services.plans.notices import Asked, Notice, schedule_lines
from shared.services.wki_registration_status import letter_registration

PORTAL_WORDS = {
    "nl": "Uw regeling, wat u betaalde en vragen stellen:",
    "en": "Your plan, what you paid and questions:",
}


def installment_to_pay(
    plan: PaymentPlan, on: date, asks: Asked | None = None, language: str = "nl"
) -> LetterInstallment | None:
    """The installment a letter of a running plan paid by transfer asks for on ``on``: what
    the letter's text asks (``asks``: the installments it names, their sum, its day), else the
    oldest with something open (what the debtor pays goes to it first), for what is open of
    it. None for a plan paid by direct debit (the bank collects it: a QR code would make him
    pay twice) or one that no longer runs (paused, ended: its notice says what is owed)."""
    if plan.method is not PlanMethod.TRANSFER or plan.status not in RUNNING:
        return None
    if asks is not None:
        # the text and the block ask the same (newcomer17b F2: a letter asking 825,82 by
        # 19-03-2027 had a QR for 412,91 "Termijn 1, uiterlijk 31-01-2027")
        return LetterInstallment(_numbers(asks.installments, language), asks.by, asks.amount)
    for state in plan.installments(on):
        if state.open > 0 and state.status is not InstallmentStatus.SKIPPED:
            return LetterInstallment(state.number, state.due_date, state.open)
    return None


def _numbers(numbers: tuple[int, ...], language: str) -> int | str:
    """``(2,)`` -> 2, ``(1, 2, 3)`` -> "1, 2 en 3" ("1, 2 and 3"): the block's "Termijn …"."""
    if len(numbers) == 1:
        return numbers[0]
    word = " en " if language == "nl" else " and "
    return ", ".join(str(n) for n in numbers[:-1]) + word + str(numbers[-1])


def schedule_pdf(
    client: Client,
    debtor: Debtor,
    plan: PaymentPlan,
    note: Notice,
    on: date,
    agency: Agency | None = None,
    portal_url: str | None = None,
    *,
    client_account: str,
) -> bytes:
    """The schedule as a letter; ``agency``: the agency's plan, on the agency's letterhead
    with its third-party account (the debtor pays the agency, not the client) and, when
    recorded, its number in the register incassodienstverlening (art. 13 Wki); ``portal_url``:
    the debtor's portal link, where he sees the plan and pays an installment online (texts26
    N3: the plan's letters gave it nowhere); ``client_account``: the client's proven account
    (``debtor_account``), never merely its first registered one (iban28)."""
    head = (
        Letterhead(
            agency.name,
            (agency.postal_address,) if agency.postal_address else (),
            agency.contact_email or "",
            agency.third_party_iban or "",
            # never an ended entry as if valid (wki28)
            registration=letter_registration(agency, on),
        )
        if agency is not None
        else Letterhead(
            client.name,
            sender_lines(client.postal_address),
            client.contact_email or "",
            client_account,
            client.house_style.primary_color,
            footer_text=client.house_style.footer_text or "",
            country=sender_country(client.postal_address),
        )
    )
    a = debtor.address
    recipient = PostalAddress(
        debtor.name, a.street if a else "", a.postal_code if a else "", a.city if a else "",
        a.country if a else "NL",
    )  # fmt: skip
    language = debtor.language.value
    # the schedule's paragraph of the text (one line per installment) becomes the table
    listed = "\n".join(schedule_lines(plan.schedule, language))
    paragraphs = tuple(p for p in note.paragraphs if p != listed)
    at = note.paragraphs.index(listed) if listed in note.paragraphs else None
    installments = (
        tuple(LetterInstallment(i.number, i.due_date, i.amount) for i in plan.schedule)
        if at is not None
        else ()
    )
    pay_installment = installment_to_pay(plan, on, note.asks, language)
    if portal_url and not (head.iban and pay_installment is not None):
        # no payment block to print it beside its QR code (a plan by direct debit, one paused
        # or ended, an agency without an account): the link in type as the letter's last
        # paragraph, so every plan letter says where to look
        paragraphs = (*paragraphs, f"{PORTAL_WORDS.get(language, PORTAL_WORDS['nl'])} {portal_url}")
    return render_letter(
        LetterSpec(
            head,
            recipient,
            on,
            note.subject,
            paragraphs,
            payment_reference=plan.payment_reference,
            language=language,
            installments=installments,
            pay_installment=pay_installment,
            schedule_at=at,
            portal_url=portal_url,
        )
    )
