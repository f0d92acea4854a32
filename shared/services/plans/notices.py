"""What a plan tells the debtor and the client, in Dutch and English.

Default texts for every plan message: the agreement with its schedule, the reminder before an
installment, the cancellation after a breach (to the debtor and to the client), and the new
schedule after a postponement. Amounts and dates are shown the way each language writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from shared.domain.day_shown import day_shown
from shared.domain.money import Cents, format_eur_en, format_eur_nl
from shared.domain.plans.plan import PaymentPlan
from shared.domain.plans.schedule import ScheduledInstallment
from shared.domain.references.betalingskenmerk import display
from shared.services.plans.lapse_figures import (
    OwedOnLapse,
    owed_for_the_rest,
    owed_paragraphs,
    owed_to_client,
)


@dataclass(frozen=True)
class Asked:
    """What a notice's text asks the debtor to transfer: the installments it names, their sum
    and the day it must be paid by. The PDF's payment block and EPC QR ask exactly this
    (newcomer17b F2: a "payment came back" letter asked 825,82 by 19-03-2027 and its QR 412,91
    "Termijn 1, uiterlijk 31-01-2027"; a reminder of installment 3, 412,93, had a QR for
    installment 2)."""

    installments: tuple[int, ...]
    amount: Cents
    by: date


@dataclass(frozen=True)
class Notice:
    subject: str
    paragraphs: tuple[str, ...]
    # what its payment block asks; None: the plan's oldest installment still open (the
    # agreement, a new schedule), as ``schedule_pdf.installment_to_pay`` finds it
    asks: Asked | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


SIGN_OFF = {"nl": "Met vriendelijke groet,", "en": "Kind regards,"}


def signed(note: Notice, party: str, language: str) -> str:
    """The notice's text signed by the plan's party (the agency for its plan, else the
    client): the agreement, reminders and new schedules went out unsigned (plans27). A notice
    that signs itself (the lapse's payee block) is left as it is."""
    sign_off = SIGN_OFF.get(language, SIGN_OFF["en"])
    if not party or any(p.startswith(tuple(SIGN_OFF.values())) for p in note.paragraphs):
        return note.text
    return f"{note.text}\n\n{sign_off}\n{party}"


def _eur(cents: Cents, language: str) -> str:
    return format_eur_nl(cents) if language == "nl" else format_eur_en(cents)


def schedule_lines(schedule: tuple[ScheduledInstallment, ...], language: str) -> list[str]:
    word = "Termijn" if language == "nl" else "Installment"
    return [
        f"{word} {i.number}: {day_shown(i.due_date, language)}  {_eur(i.amount, language)}"
        for i in schedule
    ]


def _interest_nl(plan: PaymentPlan) -> tuple[str, ...]:
    # what the agreement says of interest is what the ledger does (the portal says the same);
    # the announced costs too: a plan staff made is known to the debtor only by this text, and
    # the lapse makes them owed (docs/law.md, "the debtor is told before he relies on it")
    if plan.freezes_interest:
        return (
            "Zolang u de regeling nakomt, rekenen we over deze facturen geen rente meer: met de "
            "laatste termijn is alles betaald. Vervalt de regeling, dan loopt de rente over wat "
            "dan nog openstaat vanaf die dag weer, en zijn aangekondigde incassokosten die nog "
            "niet verschuldigd waren vanaf die dag verschuldigd.",
        )
    if not plan.include_costs:
        return (
            "De regeling betreft de hoofdsom; de rente blijft verschuldigd (zij loopt over wat "
            "van de hoofdsom openstaat), en incassokosten die al verschuldigd waren ook. "
            "Aangekondigde incassokosten die nog niet verschuldigd waren, worden alleen "
            "verschuldigd als de regeling vervalt, vanaf die dag.",
        )
    return ()


def _interest_en(plan: PaymentPlan) -> tuple[str, ...]:
    if plan.freezes_interest:
        return (
            "As long as you keep to the plan, no further interest is charged on these "
            "invoices: the last installment pays everything. If the plan lapses, interest runs "
            "again on what is then still open, from that day, and announced collection costs "
            "not yet owed become owed from that day.",
        )
    if not plan.include_costs:
        return (
            "The plan covers the principal; interest remains due (it runs on the principal "
            "still open), and so do collection costs already owed. Announced collection costs "
            "not yet owed become owed only if the plan lapses, from that day.",
        )
    return ()


def _invoices(plan: PaymentPlan, language: str) -> str:
    """ "factuur F1" / "facturen F1, F2" ("invoice F1" / "invoices F1, F2")."""
    many = len(plan.invoice_numbers) > 1
    word = (
        ("facturen" if many else "factuur")
        if language == "nl"
        else ("invoices" if many else "invoice")
    )
    return f"{word} {', '.join(plan.invoice_numbers)}"


def agreement(
    plan: PaymentPlan, client_name: str, iban: str, language: str, for_client: str | None = None
) -> Notice:
    """The debtor's agreement with its schedule; ``client_name`` is the party he agreed with
    (the collection agency for its plan, then ``for_client`` names the client it collects
    for, so he knows why the agency and not the client asks)."""
    ref = display(plan.payment_reference)
    n = len(plan.schedule)
    if language == "nl":
        party = (
            (f"{client_name} int deze facturen van {for_client}; betaal de termijnen aan "
             f"{client_name}, niet aan {for_client}.",)
            if for_client
            else ()
        )  # fmt: skip
        how = (
            "De termijnen worden automatisch van uw rekening afgeschreven (SEPA-incasso, "
            f"machtiging {plan.mandate_id})."
            if plan.method.value == "direct_debit"
            # the name on the account too: his bank checks it against the IBAN (VoP)
            else f"Maak elke termijn over naar {iban} ten name van {client_name} onder "
            f"vermelding van betalingskenmerk {ref}."
        )
        return Notice(
            f"Uw betalingsregeling met {client_name}",
            (
                f"Met u is een betalingsregeling afgesproken voor {_eur(plan.total, 'nl')} "
                f"in {n} termijnen ({_invoices(plan, 'nl')}).",
                *party,
                "\n".join(schedule_lines(plan.schedule, "nl")),
                how,
                *_interest_nl(plan),
                "Blijft u een termijn schuldig, dan kan de regeling vervallen en wordt het "
                "openstaande bedrag weer in zijn geheel opeisbaar.",
            ),
        )
    how = (
        "The installments are collected from your account by SEPA direct debit "
        f"(mandate {plan.mandate_id})."
        if plan.method.value == "direct_debit"
        else f"Please transfer each installment to {iban} in the name of {client_name} quoting "
        f"payment reference {ref}."
    )
    party = (
        (f"{client_name} collects these invoices for {for_client}; pay the installments to "
         f"{client_name}, not to {for_client}.",)
        if for_client
        else ()
    )  # fmt: skip
    return Notice(
        f"Your payment plan with {client_name}",
        (
            f"You agreed a payment plan for {_eur(plan.total, 'en')} in {n} installments "
            f"({_invoices(plan, 'en')}).",
            *party,
            "\n".join(schedule_lines(plan.schedule, "en")),
            how,
            *_interest_en(plan),
            "If an installment remains unpaid, the plan may lapse and the whole open amount "
            "becomes due again.",
        ),
    )


def reminder(
    plan: PaymentPlan,
    inst: ScheduledInstallment,
    open_part: Cents,
    iban: str,
    language: str,
    holder: str = "",
) -> Notice:
    """``holder``: the account's holder, named (plans27: an agency plan's reminder named an
    account the debtor had never paid, without saying whose it is)."""
    ref = display(plan.payment_reference)
    named_nl = f" ten name van {holder}" if holder else ""
    named_en = f" in the name of {holder}" if holder else ""
    asks = Asked((inst.number,), open_part, inst.due_date)
    if language == "nl":
        return Notice(
            f"Herinnering: termijn {inst.number} van uw betalingsregeling",
            (
                f"Termijn {inst.number} van uw betalingsregeling, {_eur(open_part, 'nl')}, "
                f"vervalt op {day_shown(inst.due_date, 'nl')}.",
                f"Wilt u dit bedrag overmaken naar {iban}{named_nl} onder vermelding van "
                f"betalingskenmerk {ref}? Heeft u al betaald, dan kunt u dit bericht negeren.",
            ),
            asks,
        )
    return Notice(
        f"Reminder: installment {inst.number} of your payment plan",
        (
            f"Installment {inst.number} of your payment plan, {_eur(open_part, 'en')}, is due "
            f"on {day_shown(inst.due_date, 'en')}.",
            f"Please transfer it to {iban}{named_en} quoting payment reference {ref}. If you have "
            "already paid, please ignore this message.",
        ),
        asks,
    )


@dataclass(frozen=True)
class FailedCollection:
    """An installment whose direct debit came back: what it still asks, the day it was
    collected, and the last day of the grace that runs from the day the return was known."""

    number: int
    amount: Cents
    collected_on: date
    pay_by: date


def debit_failed(plan: PaymentPlan, failed: FailedCollection, iban: str, language: str) -> Notice:
    """The debtor's notice of a returned or rejected collection (law14b B, C): before, he
    heard nothing until the plan lapsed. It asks the installment by the grace's last day
    and says what happens otherwise, as the agreement did."""
    ref = display(plan.payment_reference)
    asks = Asked((failed.number,), failed.amount, failed.pay_by)
    if language == "nl":
        return Notice(
            f"Incasso van termijn {failed.number} van uw betalingsregeling niet gelukt",
            (
                f"De automatische incasso van termijn {failed.number} van uw "
                f"betalingsregeling ({_eur(failed.amount, 'nl')}, incassodatum "
                f"{day_shown(failed.collected_on, 'nl')}) is door de bank geweigerd of "
                "teruggeboekt. Deze termijn is daarom niet betaald.",
                f"Wilt u {_eur(failed.amount, 'nl')} uiterlijk op {day_shown(failed.pay_by, 'nl')} "
                f"overmaken naar {iban} onder vermelding van betalingskenmerk {ref}? Wij "
                "kunnen de termijn ook opnieuw incasseren; zorg dan voor voldoende saldo.",
                "Is de termijn op die dag niet betaald of geïncasseerd, dan kan de regeling "
                "vervallen en wordt het openstaande bedrag weer in zijn geheel opeisbaar.",
            ),
            asks,
        )
    return Notice(
        f"Direct debit of installment {failed.number} of your payment plan failed",
        (
            f"The direct debit of installment {failed.number} of your payment plan "
            f"({_eur(failed.amount, 'en')}, collection date {day_shown(failed.collected_on, 'en')}) "
            "was refused or returned by the bank. This installment is therefore unpaid.",
            f"Please transfer {_eur(failed.amount, 'en')} by {day_shown(failed.pay_by, 'en')} to "
            f"{iban} quoting payment reference {ref}. We may also collect the installment "
            "again; please make sure your balance covers it.",
            "If the installment is neither paid nor collected by that day, the plan may lapse "
            "and the whole open amount becomes due again.",
        ),
        asks,
    )


@dataclass(frozen=True)
class OwedAfterCancel:
    """What the ledger says of a kept plan's claims by the last day he was granted
    (``PaymentPlan.costs_held_until`` less a day): all that is then open (``total``: the plan's
    open amount and, on a plan over the principal, the interest and costs it left as they
    were), and whether collection costs the 14-day letter announced are still avoidable
    (the plan held them; false when they were owed before it, law16b F6)."""

    total: Cents
    costs_avoidable: bool


def cancelled_to_debtor(
    plan: PaymentPlan, iban: str, language: str, owed: OwedAfterCancel | None = None
) -> Notice:
    """The debtor's notice that staff cancelled his plan (law16 F2: he heard nothing and went
    on paying by the schedule he had). A plan he kept: what it still asks, what he owes in all
    by the last day he was granted (``PaymentPlan.costs_held_until``; 6:96 lid 6 BW,
    HR 25-11-2016), whether costs are still avoidable by paying it then, and for a plan over the
    whole claim that no interest runs until then (law16b F1, F6); a plan already in breach: the
    open amount is due again, as on a lapse."""
    ref = display(plan.payment_reference)
    ended = plan.ended_on or plan.start
    until = plan.costs_held_until
    kept = until is not None and until > ended
    pay_by = until - timedelta(days=1) if until is not None and kept else None
    invoices = ", ".join(plan.invoice_numbers)
    total = owed.total if owed is not None else plan.open
    avoidable = owed is None or owed.costs_avoidable
    if language == "nl":
        head = (
            f"Uw betalingsregeling voor facturen {invoices} is op {day_shown(ended, 'nl')} "
            "beëindigd. Er worden geen termijnen meer gevraagd of geïncasseerd."
        )
        if pay_by is None or until is None:
            return Notice(
                "Uw betalingsregeling is beëindigd",
                (
                    head,
                    f"Het openstaande bedrag van {_eur(plan.open, 'nl')} is weer in zijn geheel "
                    "opeisbaar; de incassoprocedure wordt hervat.",
                ),
            )
        lines = [
            f"U bent de regeling nagekomen. Volgens de regeling staat nog "
            f"{_eur(plan.open, 'nl')} open. U mag dit betalen tot en met {day_shown(pay_by, 'nl')}, "
            f"naar {iban} onder vermelding van betalingskenmerk {ref}; tot die dag vragen wij "
            "het niet van u op."
        ]
        if total > plan.open:
            lines.append(
                f"Met de rente en kosten die volgens de regeling verschuldigd bleven, staat op "
                f"{day_shown(pay_by, 'nl')} in totaal {_eur(total, 'nl')} open."
            )
        if avoidable:
            lines.append(
                f"Betaalt u de {_eur(plan.open, 'nl')} uiterlijk op {day_shown(pay_by, 'nl')}, dan "
                "brengen wij geen incassokosten in rekening."
            )
        if plan.freezes_interest:
            lines.append(
                f"Tot en met {day_shown(pay_by, 'nl')} rekenen wij over dit bedrag geen rente; over "
                f"wat daarna nog openstaat, loopt de rente vanaf {day_shown(until, 'nl')} weer."
            )
        return Notice("Uw betalingsregeling is beëindigd", (head, *lines))
    head = (
        f"Your payment plan for invoices {invoices} was ended on {day_shown(ended, 'en')}. No "
        "further installments are asked or collected."
    )
    if pay_by is None or until is None:
        return Notice(
            "Your payment plan has ended",
            (
                head,
                f"The open amount of {_eur(plan.open, 'en')} is due again in full; collection "
                "resumes.",
            ),
        )
    lines_en = [
        f"You kept the plan. By the plan, {_eur(plan.open, 'en')} is still open. You may pay "
        f"it up to and including {day_shown(pay_by, 'en')}, to {iban} quoting payment reference "
        f"{ref}; we do not ask for it before that day."
    ]
    if total > plan.open:
        lines_en.append(
            f"With the interest and costs that stayed owed under the plan, {_eur(total, 'en')} "
            f"is open in all on {day_shown(pay_by, 'en')}."
        )
    if avoidable:
        lines_en.append(
            f"If you pay the {_eur(plan.open, 'en')} by {day_shown(pay_by, 'en')}, no collection "
            "costs are charged."
        )
    if plan.freezes_interest:
        lines_en.append(
            f"Up to and including {day_shown(pay_by, 'en')} no interest is charged on this amount; "
            f"on what is still open after that, interest runs again from {day_shown(until, 'en')}."
        )
    return Notice("Your payment plan has ended", (head, *lines_en))


def payment_came_back(
    plan: PaymentPlan, reopened: tuple[FailedCollection, ...], iban: str, language: str
) -> Notice:
    """The debtor's notice that money paid towards his plan came back (a transfer the bank
    returned, a refund; law16 F4: nobody told him and the plan lapsed the next morning): the
    installments it had paid that are open again, what each asks and the day, the grace from
    today, by which it must be paid. As the direct debit's notice (:func:`debit_failed`)."""
    ref = display(plan.payment_reference)
    # the block asks all it reopened, by the first of their days (one day when they came
    # back together): paying what the QR asks keeps the plan
    asks = (
        Asked(tuple(r.number for r in reopened), sum(r.amount for r in reopened),
              min(r.pay_by for r in reopened))
        if reopened
        else None
    )  # fmt: skip
    if language == "nl":
        lines = [
            f"Termijn {r.number}: {_eur(r.amount, 'nl')}, uiterlijk op {day_shown(r.pay_by, 'nl')}"
            for r in reopened
        ]
        return Notice(
            "Een betaling op uw betalingsregeling is teruggeboekt",
            (
                "Een betaling op uw betalingsregeling is naar u teruggeboekt of terugbetaald. "
                "Daardoor staat weer open:",
                "\n".join(lines),
                f"Wilt u dit overmaken naar {iban} onder vermelding van betalingskenmerk {ref}?",
                "Is het op die dag niet betaald, dan kan de regeling vervallen en wordt het "
                "openstaande bedrag weer in zijn geheel opeisbaar.",
            ),
            asks,
        )
    lines = [
        f"Installment {r.number}: {_eur(r.amount, 'en')}, by {day_shown(r.pay_by, 'en')}"
        for r in reopened
    ]
    return Notice(
        "A payment on your payment plan came back",
        (
            "A payment on your payment plan was returned or refunded to you. Open again "
            "because of that:",
            "\n".join(lines),
            f"Please transfer it to {iban} quoting payment reference {ref}.",
            "If it is not paid by that day, the plan may lapse and the whole open amount "
            "becomes due again.",
        ),
        asks,
    )


@dataclass(frozen=True)
class LapsePayee:
    """Whom the debtor pays once his plan lapsed and what his transfer quotes: the client (its
    dunning resumes), or for the agency's plan the agency on its third-party account, with the
    client's code first in the quote (the portal's quotes); ``for_client``: the client the
    agency collects for (None: the client's own plan)."""

    name: str
    iban: str
    quote: str
    for_client: str | None = None


def _pay_lines(payee: LapsePayee | None, language: str) -> tuple[str, ...]:
    """How to pay what the lapse made due, and who writes (debtorplan26: the lapse notice named
    the sum and its build-up, but no account, nothing to quote and nobody who sent it)."""
    if payee is None:
        return ()
    if language == "nl":
        who = (
            f"{payee.name} int deze facturen voor {payee.for_client}. " if payee.for_client else ""
        )
        pay = (
            f"{who}Maak het over naar {payee.iban} ten name van {payee.name} onder vermelding "
            f"van {payee.quote}."
            if payee.iban
            else f"{who}Neem contact met ons op over de betaling; vermeld daarbij {payee.quote}."
        )
        return pay, f"Met vriendelijke groet,\n{payee.name}"
    who = (
        f"{payee.name} collects these invoices for {payee.for_client}. " if payee.for_client else ""
    )
    pay = (
        f"{who}Transfer it to {payee.iban} in the name of {payee.name} quoting {payee.quote}."
        if payee.iban
        else f"{who}Please contact us about the payment, quoting {payee.quote}."
    )
    return pay, f"Kind regards,\n{payee.name}"


def lapsed_to_debtor(
    plan: PaymentPlan,
    owed: OwedOnLapse,
    language: str,
    not_claimed: tuple[str, ...] = (),
    payee: LapsePayee | None = None,
) -> Notice:
    """``owed``: the claims' figures on the lapse day (``lapse_figures``), not the plan's
    remainder: costs and interest come with it (law13b F1), of the claims still claimed.
    ``not_claimed``: the plan's invoices a clean slate or an akkoord left natural
    obligations (art. 6:3 BW, 358 lid 1, 160 Fw): never said to be due again (that would
    claim what cannot be claimed, 6:193c BW); only the rest is. ``payee``: whom he pays it and
    what he quotes, and who signs."""
    note = _lapsed(plan, owed, language, not_claimed)
    if not_claimed and len(not_claimed) == len(plan.invoice_numbers):
        return note  # nothing is asked of him: no account to pay it to
    return Notice(note.subject, (*note.paragraphs, *_pay_lines(payee, language)), note.asks)


def _lapsed(
    plan: PaymentPlan, owed: OwedOnLapse, language: str, not_claimed: tuple[str, ...]
) -> Notice:
    if not_claimed:
        return _lapsed_over_natural(plan, owed, language, not_claimed)
    if language == "nl":
        return Notice(
            "Uw betalingsregeling is vervallen",
            (
                "U bent de afgesproken termijnen niet nagekomen; de betalingsregeling is daarom "
                "vervallen.",
                *owed_paragraphs(owed, "nl"),
            ),
        )
    return Notice(
        "Your payment plan has lapsed",
        (
            "The agreed installments were not paid, so the payment plan has lapsed.",
            *owed_paragraphs(owed, "en"),
        ),
    )


def _lapsed_over_natural(
    plan: PaymentPlan, owed: OwedOnLapse, language: str, not_claimed: tuple[str, ...]
) -> Notice:
    rest = [n for n in plan.invoice_numbers if n not in not_claimed]
    if language == "nl":
        lines = [
            "De betalingsregeling is vervallen.",
            f"Factuur {', '.join(not_claimed)} kunnen wij na de schone lei of het akkoord niet "
            "meer van u vorderen (een natuurlijke verbintenis, art. 6:3 BW): wij vragen er geen "
            "betaling voor en sturen er geen herinneringen over.",
        ]
        if rest:
            lines.append(f"Voor factuur {', '.join(rest)} wordt de incassoprocedure hervat.")
            lines.extend(owed_for_the_rest(owed, "nl"))
        return Notice("Uw betalingsregeling is vervallen", tuple(lines))
    lines = [
        "The payment plan has lapsed.",
        f"Invoice {', '.join(not_claimed)} can no longer be claimed from you after the clean "
        "slate or the akkoord (a natural obligation, art. 6:3 BW): we ask no payment for it "
        "and send no reminders about it.",
    ]
    if rest:
        lines.append(f"Collection of invoice {', '.join(rest)} resumes.")
        lines.extend(owed_for_the_rest(owed, "en"))
    return Notice("Your payment plan has lapsed", tuple(lines))


def kept_to_debtor(plan: PaymentPlan, language: str) -> Notice:
    if language == "nl":
        return Notice(
            "Uw betalingsregeling loopt door",
            (
                "Uw betaling is binnen de afgesproken termijn ontvangen; wij hebben u ten "
                "onrechte bericht dat de betalingsregeling was vervallen.",
                "De betalingsregeling loopt door volgens het afgesproken schema; u hoeft niets "
                "te doen.",
            ),
        )
    return Notice(
        "Your payment plan continues",
        (
            "Your payment was received within the agreed term; we told you wrongly that the "
            "payment plan had lapsed.",
            "The payment plan continues on the agreed schedule; there is nothing you need to do.",
        ),
    )


def kept_to_client(plan: PaymentPlan, language: str) -> Notice:
    """To the plan's party (the agency for its plan, told at the lapse to resume its
    collection of the case, else the client, whose dunning resumed)."""
    numbers = ", ".join(plan.invoice_numbers)
    if language == "nl":
        held_again = (
            f"De regeling houdt facturen {numbers} weer vast: zet de hervatte incasso van de "
            "zaak stil."
            if plan.agency_id
            else f"De aanmaningen van facturen {numbers} staan weer stil."
        )
        return Notice(
            f"Betalingsregeling {plan.plan_id} loopt door (debiteur {plan.debtor_number})",
            (
                f"Een betaling van debiteur {plan.debtor_number} die binnen de termijn is "
                "ontvangen, is later geboekt: de regeling was niet vervallen en loopt door. "
                + held_again,
            ),
        )
    held_again = (
        f"The plan holds invoices {numbers} again: stop the case's collection resumed at the lapse."
        if plan.agency_id
        else f"Dunning of invoices {numbers} is on hold again."
    )
    return Notice(
        f"Payment plan {plan.plan_id} continues (debtor {plan.debtor_number})",
        (
            f"A payment of debtor {plan.debtor_number} received within the term was booked "
            "later: the plan had not lapsed and continues. " + held_again,
        ),
    )


def lapsed_to_client(
    plan: PaymentPlan, owed: OwedOnLapse, language: str, not_claimed: tuple[str, ...] = ()
) -> Notice:
    """``owed``: the figures the debtor's notice states (``lapse_figures``), of the claims
    still claimed; ``not_claimed``: the plan's invoices left natural obligations (not dunned,
    nothing said to be owed of them)."""
    rest = [n for n in plan.invoice_numbers if n not in not_claimed]
    if language == "nl":
        lines = [f"Debiteur {plan.debtor_number} is de betalingsregeling niet nagekomen."]
        if not_claimed:
            lines.append(f"Factuur {', '.join(not_claimed)} is na de schone lei of het akkoord "
                         "een natuurlijke verbintenis (art. 6:3 BW): daarvoor wordt niets "
                         "gevorderd.")  # fmt: skip
        if rest:
            lines.extend(owed_to_client(owed, "nl"))
            lines.append(
                # the agency's plan: told to the agency, whose collection of the case resumes
                f"De regeling houdt facturen {', '.join(rest)} niet meer vast: hervat de "
                "incasso van de zaak."
                if plan.agency_id
                else f"De aanmaningen van facturen {', '.join(rest)} gaan verder waar ze stonden."
            )
        return Notice(
            f"Betalingsregeling {plan.plan_id} vervallen (debiteur {plan.debtor_number})",
            tuple(lines),
        )
    lines = [f"Debtor {plan.debtor_number} did not keep to the payment plan."]
    if not_claimed:
        lines.append(f"Invoice {', '.join(not_claimed)} is a natural obligation after the clean "
                     "slate or the akkoord (art. 6:3 BW): nothing is claimed for it.")  # fmt: skip
    if rest:
        lines.extend(owed_to_client(owed, "en"))
        lines.append(
            f"The plan no longer holds invoices {', '.join(rest)}: resume the case's collection."
            if plan.agency_id
            else f"Dunning of invoices {', '.join(rest)} resumes where it stood."
        )
    return Notice(f"Payment plan {plan.plan_id} lapsed (debtor {plan.debtor_number})", tuple(lines))


def new_schedule(plan: PaymentPlan, language: str) -> Notice:
    if language == "nl":
        return Notice(
            "Nieuw schema voor uw betalingsregeling",
            ("De termijnen van uw betalingsregeling zijn gewijzigd:",
             "\n".join(schedule_lines(plan.schedule, "nl"))),
        )  # fmt: skip
    return Notice(
        "New schedule for your payment plan",
        ("The installments of your payment plan changed:",
         "\n".join(schedule_lines(plan.schedule, "en"))),
    )  # fmt: skip


def _disputed_in(plan: PaymentPlan) -> str:
    """The invoices named in a dispute pause's reason ("dispute: F1, F2 disputed since ...")."""
    return (plan.reason or "").removeprefix("dispute: ").split(" disputed since ")[0]


def paused_for_dispute(plan: PaymentPlan, language: str) -> Notice:
    """A plan paused because an invoice of it is disputed (review26 F4): nothing is asked or
    collected while the dispute is looked into; he hears again when it runs on."""
    numbers = _disputed_in(plan)
    if language == "nl":
        return Notice(
            "Uw betalingsregeling is gepauzeerd",
            (f"U heeft bezwaar gemaakt tegen factuur {numbers}. Zolang wij dat bekijken, is "
             "uw betalingsregeling gepauzeerd: u hoeft de termijnen niet te betalen en wij "
             "incasseren niets. U hoort van ons wanneer de regeling weer loopt; de termijnen "
             "schuiven dan op met de tijd van de pauze.",),
        )  # fmt: skip
    return Notice(
        "Your payment plan is paused",
        (f"You disputed invoice {numbers}. While we look into it, your payment plan is "
         "paused: you need not pay the installments and we collect nothing. We will tell you "
         "when the plan runs again; its installments then move on by the time it was paused.",),
    )  # fmt: skip


def resumed_after_dispute(plan: PaymentPlan, language: str) -> Notice:
    """The dispute ended: the plan runs again, its open installments moved on."""
    if language == "nl":
        return Notice(
            "Uw betalingsregeling loopt weer",
            ("Uw bezwaar is afgehandeld en uw betalingsregeling loopt weer. De termijnen die "
             "nog openstaan zijn opgeschoven met de tijd van de pauze; dit is uw nieuwe schema:",
             "\n".join(schedule_lines(plan.schedule, "nl"))),
        )  # fmt: skip
    return Notice(
        "Your payment plan runs again",
        ("Your dispute has been dealt with and your payment plan runs again. The installments "
         "still open moved on by the time it was paused; this is your new schedule:",
         "\n".join(schedule_lines(plan.schedule, "en"))),
    )  # fmt: skip


def lowered_while_paused(plan: PaymentPlan, language: str) -> Notice:
    """A paused plan lowered (an invoice credited or withdrawn): the debtor hears at once what
    it will ask, and that nothing is asked while it is paused."""
    if language == "nl":
        return Notice(
            "Uw betalingsregeling is verlaagd",
            ("U bent minder verschuldigd dan de betalingsregeling vroeg. De termijnen zijn nu:",
             "\n".join(schedule_lines(plan.schedule, "nl")),
             "Uw betalingsregeling is gepauzeerd: zolang dat zo is, vragen en incasseren wij "
             "geen termijnen. Loopt de regeling weer, dan gelden deze lagere termijnen."),
        )  # fmt: skip
    return Notice(
        "Your payment plan is lowered",
        ("You owe less than the payment plan asked. The installments are now:",
         "\n".join(schedule_lines(plan.schedule, "en")),
         "Your payment plan is paused: while it is, no installments are asked or collected. "
         "Once it runs again, these lower installments apply."),
    )  # fmt: skip


def first_payment(plan: PaymentPlan, amount: Cents, url: str, language: str) -> Notice:
    """The link to the first payment through Mollie: paying it settles the installment and
    signs the SEPA mandate the later installments are collected on."""
    if language == "nl":
        return Notice(
            "Uw eerste betaling en machtiging voor de betalingsregeling",
            (
                f"Betaal de eerste termijn van uw betalingsregeling, {_eur(amount, 'nl')}, via "
                f"{url}. Met deze betaling machtigt u ons de volgende termijnen automatisch van "
                "dezelfde rekening af te schrijven (SEPA-incasso), op de data van uw schema.",
                "\n".join(schedule_lines(plan.schedule, "nl")),
            ),
        )
    return Notice(
        "Your first payment and mandate for the payment plan",
        (
            f"Please pay the first installment of your payment plan, {_eur(amount, 'en')}, at "
            f"{url}. With this payment you authorise us to collect the next installments from "
            "the same account by SEPA direct debit, on the dates of your schedule.",
            "\n".join(schedule_lines(plan.schedule, "en")),
        ),
    )
