"""The terms a claim runs on, derived from the invoice, the debtor, the client's settings and
what an import said about letters the client sent itself.

- Costs (art. 6:96 BW): never when the client bears them. A consumer owes them from the day
  after the 14-day term of the letter (the one Inning sent, or the one the client sent and the
  import dated; an imported letter is assumed posted: received on the second delivery day). A
  business owes them from the sommatie (the imported letter's date, or Inning's letter), or,
  when the client's terms say so, from the day after the due date; a claim handed over to
  collection owes them from the hand-over at the latest (6:96 lid 4: no reminder needed for a
  business). The earliest applies.
  Only a letter sent in default counts (6:96 lid 4 and 6 BW): one a later due date or
  imported default date overtook is none, and costs wait for a new letter (law11b F1).
  A consumer owes nothing on a letter sent while he counted as a business until a person
  confirms it met 6:96 lid 6 (:mod:`shared.domain.ledger.kind_letter`, law11b F5).
- Interest: none when the client bears the costs (principal-only notices) or charges none;
  otherwise from the imported default date, else the day after the due date (6:83 sub a: the
  agreed payment term expired; 6:119a lid 1), by 6:119 for consumers and 6:119a for businesses,
  or the client's contractual rate where higher; none when the client charges none. The
  6:119a margin goes by the agreement's date: the invoice's contract date, else its invoice
  date (ECB + 7 for agreements before 16-3-2013, + 8 from then).
- The client's settings as they were on the day of the claim's letter
  (:mod:`shared.domain.ledger.announced_terms`): a change after it does not re-price it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.law.agreed_costs import agreed_costs
from shared.domain.law.fourteen_day_letter import LetterChannel, fourteen_day_term
from shared.domain.ledger.announced_terms import announced_on, terms_on
from shared.domain.ledger.kind_letter import LetterAsBusiness
from shared.domain.ledger.model import ClaimTerms, InterestRule
from shared.domain.parties import Client


def claim_terms(
    invoice: Invoice,
    *,
    consumer: bool,
    client: Client,
    letter_on: date | None = None,
    interest_from: date | None = None,
    as_business: LetterAsBusiness | None = None,
    country: str | None = None,
    natural: bool = False,
) -> ClaimTerms:
    """``country``: of the debtor's postal address, where the client's own 14-day letter
    (``letter_on``) went by post: abroad it travels longer (law13b F2)."""
    # the client's cost terms as the claim's letter announced them (law8 finding 1)
    if (announced := announced_on(invoice, consumer=consumer, letter_on=letter_on)) is not None:
        client = terms_on(client, announced)
    booked_principal = sum(c for _, c in invoice.payments)
    owed_from = costs_owed_from(invoice, consumer=consumer, client=client, letter_on=letter_on,
                                interest_from=interest_from, as_business=as_business,
                                country=country)  # fmt: skip
    notice = overtaken_notice(invoice, consumer=consumer, interest_from=interest_from,
                              as_business=as_business)  # fmt: skip
    forgone = consumer and as_business is not None and as_business.forgone
    if forgone and as_business is not None:
        # its share is not claimed, but its letter's day still groups the notice
        notice = costs_owed_from(invoice, consumer=consumer, client=client, letter_on=letter_on,
                                 interest_from=interest_from,
                                 as_business=as_business.counted, country=country)  # fmt: skip
    return ClaimTerms(
        invoice_number=invoice.number,
        debtor_number=invoice.debtor_number,
        due_date=invoice.due_date,
        principal=invoice.invoiced,  # partial credit notes are events of the claim
        principal_settled_elsewhere=max(0, invoice.paid - booked_principal),
        closed=invoice.status in (InvoiceStatus.CREDITED, InvoiceStatus.WITHDRAWN),
        written_off=invoice.status is InvoiceStatus.WITHDRAWN
        and invoice.written_off_on is not None,
        consumer=consumer,
        disputed=invoice.status is InvoiceStatus.DISPUTED,
        natural=natural,
        costs_owed_from=owed_from,
        notice_from=notice
        if notice is not None and not client.client_bears_costs
        and (owed_from is None or notice < owed_from)
        else None,
        share_forgone=forgone and notice is not None,
        costs_vat=not client.vat_deductible,
        costs_minimum_base=client.costs_minimum_principal,
        agreed_costs=None
        if consumer
        else agreed_costs(client.b2b_costs_percent, client.b2b_costs_fixed),
        interest_from=(interest_from or _day_after(invoice.due_date))
        if client.charge_interest and not client.client_bears_costs
        else None,
        interest_rule=interest_rule(client, consumer=consumer),
        contractual_rate=Fraction(Decimal(client.contractual_interest_percent)) / 100
        if client.contractual_interest_percent
        else None,
        contract_date=invoice.contract_date or invoice.invoice_date,
    )  # fmt: skip


def interest_rule(client: Client, *, consumer: bool) -> InterestRule:
    if not client.charge_interest or client.client_bears_costs:
        return InterestRule.NONE  # a client that bears the costs sends principal-only notices
    if client.contractual_interest_percent:
        return InterestRule.CONTRACTUAL
    return InterestRule.CONSUMER if consumer else InterestRule.COMMERCIAL


def costs_owed_from(
    invoice: Invoice,
    *,
    consumer: bool,
    client: Client,
    letter_on: date | None,
    interest_from: date | None = None,
    as_business: LetterAsBusiness | None = None,
    country: str | None = None,
) -> date | None:
    """The first day the claim's costs are owed, or None. Costs follow default (6:96 lid 4
    and lid 6 BW): a letter sent before the debtor was in default is no 14-day letter or
    sommatie, whatever moved the default after it (a later due date, a later imported default
    date); the claim then owes no costs until a new letter (law11b F1). ``as_business``: the
    letters the claim had when its debtor was corrected to a consumer; unconfirmed, they are
    none for him (law11b F5)."""
    if client.client_bears_costs:
        return None
    if consumer and as_business is not None:
        if as_business.holds_letter(letter_on):
            letter_on = None
        if as_business.holds_term(invoice.costs_owed_from):
            invoice = replace(invoice, costs_owed_from=None)
    default = default_from(invoice.due_date, interest_from)
    candidates = []
    if invoice.costs_owed_from is not None and own_term_counts(invoice, interest_from):
        candidates.append(invoice.costs_owed_from)
    if letter_on is not None and in_default(letter_on, invoice.due_date, interest_from):
        if consumer:
            try:
                candidates.append(
                    fourteen_day_term(
                        letter_on, LetterChannel.LETTER, country=country
                    ).costs_owed_from
                )
            except OverflowError:
                pass  # a term that ends past the calendar's last day: never owed
        else:
            candidates.append(letter_on)
    if not consumer and client.b2b_costs_from_due:
        candidates.append(default)
    elif not consumer and invoice.handed_over_to is not None and invoice.dunning_step_on:
        # a business owes the costs without a reminder once in default (6:96 lid 4 BW): a
        # client that waits for its sommatie has one in the hand-over, owed from its day (the
        # run's step day), so money booked before it keeps its allocation (newcomer26); a
        # claim whose hand-over day is not known waits for its sommatie as before
        candidates.append(max(default, invoice.dunning_step_on))
    return min(candidates) if candidates else None


def own_term_counts(invoice: Invoice, interest_from: date | None) -> bool:
    """The costs term Inning's own 14-day letter set on the invoice rests on a letter sent in
    default. A due date or default date moved past the letter leaves a term that does not
    (law11b F1). The letter's own day decides, as for the client's letters (law12c #3: a
    letter posted Sat 29-3, received Wed 2-4, term to 16-4, is no 14-day letter for a claim
    due 1-4 though its term ends 15 days after default). A term the invoice got otherwise (a
    person dated its receipt) or before the letter's day was kept: it ends at least 15 days
    after default began (received on or after the day it was sent, then 14 full days)."""
    if invoice.costs_owed_from is None:
        return False
    if invoice.own_letter is not None and invoice.own_letter[1] == invoice.costs_owed_from:
        return in_default(invoice.own_letter[0], invoice.due_date, interest_from)
    default = default_from(invoice.due_date, interest_from)
    if default > date.max - timedelta(days=15):
        return False
    return invoice.costs_owed_from >= default + timedelta(days=15)


def own_letter_void(
    invoice: Invoice,
    *,
    consumer: bool,
    interest_from: date | None,
    as_business: LetterAsBusiness | None,
) -> bool:
    """Inning's own 14-day letter (its term on the invoice) no longer makes the costs owed: a
    moved due or default date overtook it, or it went to a consumer while he counted as a
    business and nobody confirmed it. The workflow then comes back to its 14-day step, so
    that a letter that counts can go out (kindletter12 #2)."""
    if invoice.costs_owed_from is None:
        return False
    if consumer and as_business is not None and as_business.holds_term(invoice.costs_owed_from):
        return True
    return not own_term_counts(invoice, interest_from)


def overtaken_notice(
    invoice: Invoice,
    *,
    consumer: bool,
    interest_from: date | None,
    as_business: LetterAsBusiness | None,
) -> date | None:
    """The day of the notice a consumer's invoice stays in after a moved due or default date
    overtook Inning's own 14-day letter for it: that letter's costs day, also once a new
    letter went out (``Invoice.overtaken_notice``). A client's extension is an arrangement in
    the debtor's favour: it never costs him a second staffel, and the letter's other invoices
    keep the share it announced (law12c #4: F1 121.00 + F2 50.00 in one letter, 40.00 split
    28.30 + 11.70; F1's due date moved past it: F2 keeps 11.70, F1's new letter owes 28.30,
    not 40.00 + 40.00). Business notices are not joined (:func:`costs.notices`)."""
    if not consumer:
        return None
    if invoice.overtaken_notice is not None:
        return invoice.overtaken_notice
    term = invoice.costs_owed_from
    if term is None or (as_business is not None and as_business.holds_term(term)):
        return None
    return None if own_term_counts(invoice, interest_from) else term


def in_default(letter_on: date, due_date: date, interest_from: date | None) -> bool:
    """The client's letter was sent while the debtor was in default: a 14-day letter or
    sommatie at all (6:96 lid 4 and 6 BW), not one that a later due or default date voided."""
    return letter_on >= default_from(due_date, interest_from)


def default_from(due_date: date, interest_from: date | None) -> date:
    """The first day of default: the day after the due date (6:83 sub a BW), or the imported
    default date where that is later (the client says the debtor was in default only then)."""
    after_due = _day_after(due_date)
    return max(after_due, interest_from) if interest_from is not None else after_due


def _day_after(day: date) -> date:
    """The next day; a due date on the last day the calendar has stays put (no overflow)."""
    return day if day == date.max else day + timedelta(days=1)
