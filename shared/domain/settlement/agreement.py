"""What an agency and its client agreed about passing collected money on (afdracht).

Who receives which component of what a debtor paid, the agency's commission on what was
collected for the client (with VAT on that fee), where the client is paid and how often.
Which party keeps the collection costs or the interest is a contract term, not law (see
``shared/reference`` notes on agency practice): the default is the common "no cure no pay"
split, principal and interest to the client, collection costs and their VAT to the agency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from shared.domain.references.bic import is_live_bic
from shared.domain.references.iban import iban_error, normalise

COMPONENTS = ("principal", "costs", "costs_vat", "interest")
MAX_NAME = 70  # EPC SCT rulebook: the creditor name is at most 70 characters
BASIS_POINTS = 10_000  # 100.00%


class Recipient(StrEnum):
    CLIENT = "client"
    AGENCY = "agency"


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


DEFAULT_RECIPIENTS: dict[str, Recipient] = {
    "principal": Recipient.CLIENT,
    "interest": Recipient.CLIENT,
    "costs": Recipient.AGENCY,
    "costs_vat": Recipient.AGENCY,
}


class AgreementError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class SettlementAgreement:
    client_id: str
    agency_id: str
    payout_iban: str
    payout_name: str
    payout_bic: str | None = None
    frequency: Frequency = Frequency.MONTHLY
    recipients: dict[str, Recipient] = field(default_factory=lambda: dict(DEFAULT_RECIPIENTS))
    commission_bp: int = 0  # basis points of what was collected for the client: 1250 = 12.50%
    fee_vat_bp: int = 2100  # VAT on the agency's fee (general rate, art. 9 lid 1 Wet OB)
    # the collection costs the agency keeps are part of its fee for collecting, so VAT is
    # charged on them as on the commission (the VAT surcharge of Besluit BIK art. 2 lid 3
    # rests on it); the agency's tax adviser confirms this per agency, so it can be turned off
    vat_on_costs_kept: bool = True
    # the statutory interest the agency keeps (``recipients`` interest: agency) is its fee for
    # collecting as the costs are: the client leaves the agency its damages (6:119 BW) as the
    # price of the service, consideration for a taxable service (art. 8 Wet OB 1968; debt
    # collection is no exempt dealing in claims, art. 135 lid 1 sub d Btw-richtlijn), so VAT
    # is charged on it as on the commission (law17 S2; docs/law.md "VAT on the interest the
    # agency keeps"); the tax adviser may turn it off as for the costs
    vat_on_interest_kept: bool = True
    # who bears what the bank of the agency's third-party account kept of a debtor's payment
    # as its charges (the debtor paid the gross; less arrived): the agency (the account and
    # its bank are the agency's choice, its fee covers running it), or the client, set off
    # against its payout as a line of its own (docs/law.md, "Bank charges"). None: as the
    # agency's default says (:class:`SettlementDefaults`; the agency when it set none)
    bank_charges_by: Recipient | None = None
    # the charges passed on to the client (``bank_charges_by`` client) are a recharge of the
    # agency's own account's costs, part of the consideration for its taxable service and no
    # disbursement in the client's name (art. 8 lid 5 Wet OB 1968): VAT on them as on the
    # commission (law11b F4; docs/law.md "Bank charges"); the tax adviser may turn it off
    vat_on_bank_charges: bool = True
    # the day the agreement started (newcomer27 F4): money received before it (the client's
    # own old statements uploaded to catch up the ledger) is no money the agency collected;
    # it is not settled and carries no commission. None: an agreement stored before the day
    # was kept, which settles every payment as it did
    starts_on: date | None = None
    # whether the commission is charged on money a debtor paid the client itself (its own
    # account, its own Mollie, a plan's direct debit): the agency's contract with its client
    # says so (ledger_law.md §7, the fee basis is a contract term; Dutch collection terms
    # commonly keep the commission on direct payments, so that is the default and every
    # agreement stored before the setting settles as it did). False: no commission on them,
    # the agency's components of them (costs kept) are still its own (settle28)
    commission_on_direct: bool = True

    def __post_init__(self) -> None:
        if (error := iban_error(self.payout_iban)) is not None:
            raise AgreementError("payout_iban", error)
        object.__setattr__(self, "payout_iban", normalise(self.payout_iban))
        name = self.payout_name.strip()
        if not name or len(name) > MAX_NAME:
            raise AgreementError("payout_name", f"1 to {MAX_NAME} characters")
        object.__setattr__(self, "payout_name", name)
        if self.payout_bic is not None:
            bic = self.payout_bic.replace(" ", "").upper()
            if not is_live_bic(bic):
                raise AgreementError("payout_bic", f"not a BIC (8 or 11 characters): {bic!r}")
            object.__setattr__(self, "payout_bic", bic)
        if set(self.recipients) != set(COMPONENTS):
            raise AgreementError(
                "recipients", f"name a recipient for each of {', '.join(COMPONENTS)}"
            )
        if not 0 <= self.commission_bp <= BASIS_POINTS:
            raise AgreementError("commission_percent", "between 0 and 100")
        if not 0 <= self.fee_vat_bp <= BASIS_POINTS:
            raise AgreementError("fee_vat_percent", "between 0 and 100")

    def charges_borne_by(self, default: Recipient = Recipient.AGENCY) -> Recipient:
        """Who bears the third-party account's bank charges: the agreement's own choice,
        else the agency's default."""
        return self.bank_charges_by or default

    def recipient(self, component: str) -> Recipient:
        """Who receives this component; money booked on a component the agreement does not
        know is the client's (it paid the client's claim)."""
        return self.recipients.get(component, Recipient.CLIENT)


@dataclass(frozen=True)
class SettlementDefaults:
    """What an agency sets once for the agreements of all its clients; an agreement's own
    choice overrides it."""

    agency_id: str
    # who bears the third-party account's bank charges where an agreement does not say
    bank_charges_by: Recipient = Recipient.AGENCY


def period_start(period: str) -> date:
    """The first day of a period as :func:`period_of` names it (a day, ``YYYY-Www``,
    ``YYYY-MM``), so periods of different frequencies compare by time, not by spelling."""
    if "-W" in period:
        year, week = period.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    if len(period) == 7:
        return date(int(period[:4]), int(period[5:7]), 1)
    return date.fromisoformat(period)


def period_of(frequency: Frequency, day: date) -> str:
    """The settlement period a day falls in: a client is due once per period (the day, the
    ISO week, the calendar month), so a missed run is caught up by the next one."""
    if frequency is Frequency.DAILY:
        return day.isoformat()
    if frequency is Frequency.WEEKLY:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day:%Y-%m}"
