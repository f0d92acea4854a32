"""The debtor's notice that his plan ended because one of its invoices went to a collection
agency (``handover_end``).

A plan he kept is not his failure: the creditor gave up collecting it, not his days. The
plan's release holds the dunning, the costs and a whole-claim plan's interest to the last
installment's grace (``PaymentPlan.holds_dunning_until``, law16b F4), so the notice tells him
that day, what each invoice asks by then and to whom, as a staff cancel's notice does
(law16 F2). Before (lawyer18 L1) it said only "we ask no more installments; you will hear about
F2": he heard nothing until the dunning resumed with 75.00 costs owed on F2. The agency collects
for the client (the client stays the creditor), on its pooled account under the quote that
books there (the client's code, quote18); what stays with the client is paid to the client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.domain.day_shown import day_shown
from shared.domain.money import Cents, format_eur_en, format_eur_nl
from shared.domain.parties import Agency
from shared.domain.plans.plan import PaymentPlan
from shared.services.plans.notices import Notice


@dataclass(frozen=True)
class Kept:
    """A plan the debtor kept when the hand-over ended it: the last day he may still pay,
    what the handed-over and the other invoices owe in all that day, whether paying by then
    still avoids the collection costs."""

    pay_by: date
    handed: Cents
    rest: Cents
    costs_avoidable: bool


@dataclass(frozen=True)
class Payees:
    """Where each side is paid: the agency's account and the quote that books on it, the
    client's name, account and the quote for the invoices left with it."""

    agency: Agency | None
    agency_id: str
    agency_quote: str
    client_name: str
    client_iban: str
    client_quote: str

    @property
    def agency_name(self) -> str:
        return self.agency.name if self.agency is not None else self.agency_id


def _eur(cents: Cents, language: str) -> str:
    return format_eur_nl(cents) if language == "nl" else format_eur_en(cents)


def to_debtor(
    plan: PaymentPlan,
    handed: tuple[str, ...],
    payees: Payees,
    language: str,
    kept: Kept | None = None,
) -> Notice:
    """The plan ended, who collects what now and where it is paid, that what he paid counts;
    for a plan he kept, the day he may pay by, nothing asked before it, and whether that
    still avoids the costs. No payment block: the plan ended."""
    rest = tuple(n for n in plan.invoice_numbers if n not in handed)
    if language == "nl":
        return Notice("Uw betalingsregeling is beëindigd", _nl(plan, handed, rest, payees, kept))
    return Notice("Your payment plan has ended", _en(plan, handed, rest, payees, kept))


def _nl(
    plan: PaymentPlan, handed: tuple[str, ...], rest: tuple[str, ...], p: Payees, kept: Kept | None
) -> tuple[str, ...]:
    name = p.agency_name
    one = len(handed) == 1
    day = day_shown(plan.ended_on or plan.start, "nl")
    lines = [
        f"Uw betalingsregeling voor facturen {', '.join(plan.invoice_numbers)} is op {day} "
        f"beëindigd: {'factuur' if one else 'facturen'} {', '.join(handed)} "
        f"{'is' if one else 'zijn'} overgedragen aan incassobureau {name}, dat "
        f"{'die' if one else 'deze'} nu voor {p.client_name} int. Wij vragen en incasseren "
        "geen termijnen meer."
    ]
    if kept is not None:
        pay_by = day_shown(kept.pay_by, "nl")
        lines.append(
            f"U bent de regeling nagekomen. U mag wat nog openstaat betalen tot en met {pay_by}; "
            "tot die dag wordt het niet van u opgeëist."
            + (" Betaalt u het uiterlijk op die dag, dan worden er geen incassokosten in "
               "rekening gebracht." if kept.costs_avoidable else "")
        )  # fmt: skip
    amount = f" ({_eur(kept.handed, 'nl')})" if kept is not None else ""
    account = (
        f", rekening {p.agency.third_party_iban} onder vermelding van {p.agency_quote}"
        if p.agency is not None and p.agency.third_party_iban
        else ""
    )
    email = p.agency.contact_email if p.agency is not None else None
    lines.append(
        f"Betaal {', '.join(handed)}{amount} niet meer aan ons, maar aan {name}{account}"
        + (f"; vragen kunt u stellen via {email}." if email else ".")
    )
    if rest and kept is not None:
        lines.append(
            f"{', '.join(rest)} ({_eur(kept.rest, 'nl')}) betaalt u aan ons, {p.client_name}: "
            f"naar {p.client_iban} onder vermelding van {p.client_quote}."
        )
    elif rest:
        lines.append(f"Over {', '.join(rest)} hoort u van ons wat daarvan nog openstaat.")
    if plan.paid > 0:
        lines.append(f"Wat u al betaalde, {format_eur_nl(plan.paid)}, blijft geboekt.")
    if kept is not None and plan.freezes_interest:
        lines.append(f"Tot en met {day_shown(kept.pay_by, 'nl')} rekenen wij over deze bedragen "
                     "geen rente.")  # fmt: skip
    return tuple(lines)


def _en(
    plan: PaymentPlan, handed: tuple[str, ...], rest: tuple[str, ...], p: Payees, kept: Kept | None
) -> tuple[str, ...]:
    name = p.agency_name
    one = len(handed) == 1
    day = day_shown(plan.ended_on or plan.start, "en")
    lines = [
        f"Your payment plan for invoices {', '.join(plan.invoice_numbers)} was ended on {day}: "
        f"{'invoice' if one else 'invoices'} {', '.join(handed)} {'was' if one else 'were'} "
        f"handed over to the collection agency {name}, which now collects "
        f"{'it' if one else 'them'} for {p.client_name}. We no longer ask for or collect "
        "installments."
    ]
    if kept is not None:
        pay_by = day_shown(kept.pay_by, "en")
        lines.append(
            f"You kept the plan. You may pay what is still open up to and including {pay_by}; "
            "it is not claimed from you before that day."
            + (" If you pay it by that day, no collection costs are charged."
               if kept.costs_avoidable else "")
        )  # fmt: skip
    amount = f" ({_eur(kept.handed, 'en')})" if kept is not None else ""
    account = (
        f", account {p.agency.third_party_iban} quoting {p.agency_quote}"
        if p.agency is not None and p.agency.third_party_iban
        else ""
    )
    email = p.agency.contact_email if p.agency is not None else None
    lines.append(
        f"Do not pay {', '.join(handed)}{amount} to us any more, but to {name}{account}"
        + (f"; questions go to {email}." if email else ".")
    )
    if rest and kept is not None:
        lines.append(
            f"{', '.join(rest)} ({_eur(kept.rest, 'en')}) you pay to us, {p.client_name}: "
            f"to {p.client_iban} quoting {p.client_quote}."
        )
    elif rest:
        lines.append(f"For {', '.join(rest)} we will tell you what is still open.")
    if plan.paid > 0:
        lines.append(f"What you paid, {format_eur_en(plan.paid)}, stays booked.")
    if kept is not None and plan.freezes_interest:
        lines.append(f"Up to and including {day_shown(kept.pay_by, 'en')} no interest is charged on "
                     "these amounts.")  # fmt: skip
    return tuple(lines)
