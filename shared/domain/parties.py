"""Who is who: collection agencies, their clients (creditors) and the clients' debtors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from shared.domain.sending_mailbox import SenderCheck
from shared.domain.standing import DebtorStanding

# what a name may not hold, by any door (the API's Name rule, shared.api.schemas._PRINTABLE):
# control characters and line breaks (C0, DEL, C1, U+2028/2029) and the direction overrides
# that make a name read otherwise (U+202A-202E, U+2066-2069). A name goes into letters,
# e-mails (an invitation's "U bent uitgenodigd voor Inning (<name>)"), SMS and CSV files.
NOT_IN_A_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


# an agency id is typed by ops (`inning agency create acme-incasso`), named in settings
# (INNING_OPERATOR_AGENCY, MOLLIE_KEY_AGENCY_<ID>) and keys: short, and no character Table
# Storage forbids in a key (/ \\ # ? control characters) or that needs quoting in a shell or URL
AGENCY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def agency_id_error(agency_id: str) -> str | None:
    """Why ``agency_id`` cannot name a new agency, or None."""
    if AGENCY_ID.fullmatch(agency_id):
        return None
    return (
        f"not an agency id: {agency_id!r} (expected 1 to 64 letters, digits, '-', '_' or '.', "
        "starting with a letter or digit, e.g. acme-incasso)"
    )


class Language(StrEnum):
    NL = "nl"
    EN = "en"


class DebtorKind(StrEnum):
    B2B = "b2b"
    B2C = "b2c"


@dataclass(frozen=True)
class Agency:
    agency_id: str
    name: str
    third_party_iban: str | None = None  # derdengeldenrekening
    contact_email: str | None = None  # where confirmations to the agency go
    # a settlement statement is the agency's invoice for its fee: art. 35a Wet OB 1968 asks
    # the supplier's VAT number and address on it (newcomer24 F2)
    vat_number: str | None = None
    postal_address: str | None = None  # one line, as the agency writes it
    # its entry in the register incassodienstverlening (art. 2 Wki, Justis; renewed yearly):
    # its letters to debtors name it (art. 13 Wki, Bki art. 4.1); None: not recorded in Inning
    # (an advocaat or gerechtsdeurwaarder is exempt from the register), the new case's page
    # warns. Inning cannot tell an unregistered agency from one that did not record its number,
    # so it refuses nothing for want of it
    wki_register_number: str | None = None
    # the last day of the registration's year: Justis registers for one year, renewed yearly
    # (justis.nl FAQ "Hoelang is een registratie geldig volgens de Wki?"); the daily calendar
    # watch reminds the agency a quarter before and says when it passed (law28). None: not
    # recorded (rows before law28), then the watch asks for it once
    wki_registered_until: date | None = None


@dataclass(frozen=True)
class HouseStyle:
    logo_url: str | None = None
    header_image_url: str | None = None
    footer_image_url: str | None = None
    primary_color: str = "#1f4e79"
    accent_color: str = "#f2a900"
    footer_text: str | None = None


@dataclass(frozen=True)
class CostTerms:
    """The client's settings a 14-day letter or sommatie announces a claim's costs and
    interest on, as they were until ``until`` (the day they were changed, itself included: the
    morning's run sent its letters on them). A claim keeps the terms its letter announced
    (:mod:`shared.domain.ledger.announced_terms`)."""

    until: date
    vat_deductible: bool
    client_bears_costs: bool
    charge_interest: bool
    contractual_interest_percent: str | None
    costs_minimum_principal: int


# EUR 5.00: below it a reminder costs more than it brings, and a 14-day letter or a hand-over
# would be out of proportion (art. 6:248 BW)
DUNNING_MINIMUM_DEFAULT = 500


@dataclass(frozen=True)
class Client:
    client_id: str  # internal, stable, used in storage keys
    agency_id: str
    number: str  # the agency's own number for this client
    name: str
    vat_deductible: bool = True
    ibans: tuple[str, ...] = ()
    language: Language = Language.NL
    sandbox: bool = False
    sandbox_email: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    kvk_number: str | None = None
    house_style: HouseStyle = field(default_factory=HouseStyle)
    allow_third_party_matching: bool = False
    # automatic booking of bank payments: minimum score, and lead over the runner-up
    auto_book_threshold: float = 0.85
    auto_book_margin: float = 0.15
    auto_book: bool = True  # False: bank payments are suggested only, a person books them
    client_bears_costs: bool = False  # reminders show the principal only
    refund_warning_threshold: int = (
        2  # refunds/chargebacks per debtor per year before staff are warned
    )
    # postponement asked in the portal: up to this many days it is granted at once (at most
    # 62, two months); longer, or when 0, it is an action item for staff
    postpone_auto_days: int = 0
    dunning_shards: int = 1  # a large client's daily run is split over this many queue messages
    active: bool = True  # inactive: dunning stops and its people cannot sign in; data stays
    # the claim ledger (issue 10): interest charged at all; an agreed yearly rate in percent
    # (the statutory rate applies where it is higher); no costs below this summed principal;
    # a B2B client's terms make costs owed from the day after the due date
    charge_interest: bool = True
    contractual_interest_percent: str | None = None
    costs_minimum_principal: int = 0
    b2b_costs_from_due: bool = False
    # the smallest open amount worth chasing (cents): a debtor whose open total (principal,
    # costs and interest) is below it gets no dunning step and is not handed over; what is
    # left goes on the action list once, for staff to write off or keep (``DunningService``).
    # A late payment of the invoice amount leaves cents of interest (6:44 BW) behind
    dunning_minimum: int = DUNNING_MINIMUM_DEFAULT
    # a business client's agreed collection costs (its terms): a percentage of the principal
    # ("15.00") or a fixed amount in cents, never both; neither: the staffel. Consumers always
    # get the staffel (6:96 lid 5 BW; shared.domain.law.agreed_costs)
    b2b_costs_percent: str | None = None
    b2b_costs_fixed: int = 0
    # channels the client does not use for reaching its debtors (``email``, ``sms``,
    # ``whatsapp``, ``letter``, ``robocall``): the workflow's step takes its fallback, or a
    # person decides; staff cannot write on them by hand either
    channels_off: frozenset[str] = frozenset()
    # the cost terms in force before each change of them, oldest first: a claim announced
    # before a change keeps the terms its letter stated (law8 finding 1)
    earlier_terms: tuple[CostTerms, ...] = ()
    # a bankruptcy or WSNP of one of its debtors ended (set under the row's ETag when one ends
    # and by the one pass over the rulings that ended before): only then does a booking read
    # its claims' ``h|`` rows (``DebtorStandingService.money_booked``; codereview15 F1: every
    # booking of every client paid that read). Never unset: rulings that ended stay on record
    rulings_ended: bool = False
    # the client's postal address: the return address letters print in the envelope's window
    # (PostNL: undeliverable mail goes back to it) and in the letterhead; None: letters carry
    # no return line (newcomer17 F4: they printed "Bakkerij De Korenbloem, " and nothing more)
    postal_address: Address | None = None
    # where a debtor who disagrees can go (wki27; the rejected dispute's notice and the
    # portal's dispute page name them): its complaint procedure, a URL or a short text (None:
    # not recorded, the notice points to its contact); its geschillencommissie by name, or
    # NO_DISPUTES_COMMITTEE when it is affiliated with none (None: not recorded, the notice
    # says "if it is affiliated")
    complaint_procedure: str | None = None
    disputes_committee: str | None = None
    # the Amsterdam day the agency took the client on (settle28): set when the client is
    # created, the agency may set or correct it. Its first settlement agreement starts on it,
    # and one stored without a start reads it as its start (money received before it is not
    # the agency's collecting). None on rows stored before it was kept, until the agency sets it
    onboarded_on: date | None = None
    # the Amsterdam day the client's dunning goes live (onboard32): before it the daily run
    # sends nothing for the client and leaves its schedule as it is (a backlog imported at
    # onboarding waits for the agency's and client's go), prescription looks go on. None: live
    dunning_starts_on: date | None = None
    # a backlog spread over days (golive33): a daily run gives a workflow's first step to at
    # most this many debtors, oldest due first (shared/services/dunning_spread.py). None: all
    first_steps_per_day: int | None = None
    # the contact e-mail's verification as a sending mailbox (sender33,
    # shared/domain/sending_mailbox.py): None, the address is verified (set by the agency, or
    # stored before sender33); a check, it is not yet and mail goes from the agency's mailbox
    sender_check: SenderCheck | None = None

    def dunning_waits(self, day: date) -> bool:
        """Whether the client's dunning has not gone live yet on ``day``."""
        return self.dunning_starts_on is not None and day < self.dunning_starts_on


# the client said it is affiliated with no geschillencommissie (the API's "")
NO_DISPUTES_COMMITTEE = ""


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    city: str
    country: str = "NL"


@dataclass(frozen=True)
class Pause:
    reason: str
    since: date
    until: date | None = None  # None: until resumed by hand

    def active_on(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class PendingLine:
    """The contact-log line of a change to the debtor (a pause, a resume), saved in the same
    write as the change: a request cut off after the save and before the line (a crash, a
    timeout) leaves it here, and whoever reads the debtor next to change it, or the daily run,
    writes it (once: by its id) and takes it off (failure20 D1)."""

    entry_id: str
    at: datetime
    kind: str  # a ContactKind's value
    summary: str
    author: str


@dataclass(frozen=True)
class Debtor:
    client_id: str
    number: str  # the client's own debtor number
    kind: DebtorKind
    name: str
    emails: tuple[str, ...] = ()
    mobile: str | None = None  # E.164
    whatsapp_consent: bool = False
    address: Address | None = None
    language: Language = Language.NL
    segment: str = "default"
    kvk_number: str | None = None
    ibans: tuple[str, ...] = ()
    pause: Pause | None = None
    # the day staff ended a pause by hand (resumed) before its day, or one until resumed: the
    # steps whose day fell in it keep the workflow's spacing from then (``held_until``) and
    # the dossier says when it ended (misc17b: the pause was deleted without that day)
    pause_ended_on: date | None = None
    workflow_override: str | None = None
    # the day the debtor withdrew WhatsApp consent himself (STOP): only his own opt-in (START)
    # gives it back; a client's push of its CRM's old consent does not (attack7 #3)
    whatsapp_stopped_on: date | None = None
    # whether that STOP took away consent this client had (his START gives back only that:
    # consent is given per client, AVG art. 7; attack8 #6); None: not known, a STOP kept
    # before this was recorded (his contact log tells). With no STOP in force: what the STOP
    # his START of ``whatsapp_word_at`` lifted had taken away (a redelivery of that START
    # writes its cut-off log line from it); None when that word lifted nothing
    whatsapp_stop_withdrew: bool | None = None
    # when he sent the last STOP or START applied to this record (Meta's timestamp): a word
    # he sent before it, from any of his numbers and delivered late, changes nothing
    whatsapp_word_at: datetime | None = None
    # deceased, bankrupt or in the WSNP: nothing is asked of him (shared.domain.standing)
    standing: DebtorStanding | None = None
    pending_line: PendingLine | None = None

    @property
    def is_consumer(self) -> bool:
        return self.kind is DebtorKind.B2C
