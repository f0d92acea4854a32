"""What the agency's ended Wki registration means for its work (wki28).

Without an entry in the register incassodienstverlening an agency may not collect from
consumers out of court (art. 2 Wki); Justis registers for one year, renewed yearly
(justis.nl FAQ; ``wki_registration_watch`` reminds a quarter ahead). Once the recorded last
day (``Agency.wki_registered_until``) has passed:

- nothing names the entry as valid: the letters' head leaves it out (a business needs none,
  a consumer gets no letter), the portal and the new case's checklist say until when it ran;
- the agency's collection from consumers waits: its plan's letters to a consumer are not
  sent, and a client's hand-over of a consumer's invoices stays due in the client's own run;
  one item on the agency's list says so, closed when the new last day is recorded;
- business debtors (no natural person) go on: the Wki does not cover them.

A hold by default, not a setting: the Act forbids the work itself, so a switch to go on
would only let Inning send what the agency may not send; a registration renewed but not yet
recorded is lifted by recording its day (one command). Inning cannot see a natural person
trading as a business (an eenmanszaak counts for the Wki): such a debtor is recorded as a
consumer or the agency holds his case by hand."""

from __future__ import annotations

from datetime import date, datetime

from shared.domain.parties import Agency, Debtor, DebtorKind
from shared.domain.records import ActionItem
from shared.domain.scopes import agency_scope
from shared.services.errors import Invalid
from shared.services.repositories import Repositories

HELD_KIND = "wki_consumer_collection_held"
RECORD = "inning agency update {agency} --wki-registered-until YYYY-MM-DD"
RESUMED = "a new last day of the Wki registration was recorded: collection from consumers resumes"


def registration_ended(agency: Agency | None, today: date) -> date | None:
    """The last day of an agency's recorded registration that has passed (None: valid, not
    recorded, or no number: an advocaat or gerechtsdeurwaarder needs none)."""
    if agency is None or not agency.wki_register_number:
        return None
    until = agency.wki_registered_until
    return until if until is not None and today > until else None


def letter_registration(agency: Agency, today: date) -> str:
    """The register line under a letter's head: left out once the registration ended."""
    if not agency.wki_register_number or registration_ended(agency, today):
        return ""
    return f"Register incassodienstverlening {agency.wki_register_number}"


def held_item_id(until: date) -> str:
    return f"wki-collection-held-{until.isoformat()}"


def consumer_work_held(
    repos: Repositories, agency: Agency | None, debtor: Debtor, today: date, now: datetime
) -> bool:
    """True when the agency may not work this debtor's claims now: a consumer, its
    registration ended. The agency's item is written once per ended registration."""
    until = registration_ended(agency, today)
    if until is None or agency is None or debtor.kind is not DebtorKind.B2C:
        return False
    record = RECORD.format(agency=agency.agency_id)
    repos.actions.add_once(ActionItem(
        agency_scope(agency.agency_id), held_item_id(until), HELD_KIND,
        f"Wki registration {agency.wki_register_number} was valid until {until.isoformat()}: "
        "your collection from consumers is held (your plan letters to consumers, new "
        "consumer hand-overs); business cases go on. Renew it with Justis, then record the "
        f"new last day with `{record}`.",
        now, detail={"register_number": agency.wki_register_number,
                     "registered_until": until.isoformat()},
    ))  # fmt: skip
    return True


def refuse_consumer_hand_over(
    repos: Repositories, agency: Agency | None, debtor: Debtor, today: date, now: datetime
) -> None:
    """The dunning run's hand-over step of a consumer to an agency whose registration ended:
    refused, so the step stays due and the first run after the new day is recorded hands
    over (the client's list says why, the agency's list what to do)."""
    if consumer_work_held(repos, agency, debtor, today, now):
        assert agency is not None
        until = registration_ended(agency, today)
        raise Invalid(
            f"the hand-over of consumer {debtor.number} waits: the Wki registration of "
            f"{agency.name} was valid until {until}, and it may not collect from consumers "
            "until renewed (art. 2 Wki)",
            code="handover_wki_registration_ended",
            params={"debtor": debtor.number, "agency": agency.name, "until": str(until)},
        )


def release_consumer_hold(
    repos: Repositories, before: Agency, after: Agency, today: date, now: datetime
) -> bool:
    """A new last day recorded (or the number taken away): the hold's item of the ended
    registration is closed (a person's resolution stands). True when one was closed."""
    ended = registration_ended(before, today)
    if ended is None or registration_ended(after, today) == ended:
        return False
    return repos.actions.resolve_if_open(
        agency_scope(before.agency_id), held_item_id(ended), RESUMED, now
    )
