"""The plan's agreement as a PDF in the client's house style: the letter, with every
installment listed, its date and amount, and the plan's own betalingskenmerk (EPC QR)."""

from __future__ import annotations

from datetime import date

from shared.adapters.letters.pdf_letter import Letterhead, LetterSpec, render_letter
from shared.domain.messaging import PostalAddress
from shared.domain.parties import Client, Debtor
from shared.domain.plans.plan import PaymentPlan
from shared.services.plans.notices import Notice, schedule_lines


def schedule_pdf(
    client: Client, debtor: Debtor, plan: PaymentPlan, note: Notice, on: date
) -> bytes:
    head = Letterhead(
        client.name,
        (),
        client.contact_email or "",
        client.ibans[0] if client.ibans else "",
        client.house_style.primary_color,
        footer_text=client.house_style.footer_text or "",
    )
    a = debtor.address
    recipient = PostalAddress(
        debtor.name, a.street if a else "", a.postal_code if a else "", a.city if a else "",
        a.country if a else "NL",
    )  # fmt: skip
    language = debtor.language.value
    paragraphs = tuple(
        p for p in note.paragraphs if p not in ("\n".join(schedule_lines(plan.schedule, language)),)
    )
    return render_letter(
        LetterSpec(
            head,
            recipient,
            on,
            note.subject,
            paragraphs,
            payment_reference=plan.payment_reference,
            language=language,
            extra_lines=tuple(
                (line.rsplit("  ", 1)[0], inst.amount)
                for line, inst in zip(
                    schedule_lines(plan.schedule, language), plan.schedule, strict=True
                )
            ),
        )
    )
