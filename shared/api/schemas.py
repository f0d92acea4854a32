"""What the integration API accepts and returns (pydantic v2). The OpenAPI document is
generated from these models, so they are the contract."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from shared.adapters.tables.keys import MAX_NUMBER_KEY_CHARS, key_length
from shared.api.documents import ErrorBody
from shared.domain.countries import is_country
from shared.domain.references.iban import iban_error, normalise
from shared.domain.shown_text import name_fault


def _storable_number(value: str) -> str:
    if key_length(value) > MAX_NUMBER_KEY_CHARS:
        raise ValueError(
            f"too long to store as a key: at most {MAX_NUMBER_KEY_CHARS} characters once escaped "
            "(letters, digits and  ._:@+=,;()$'*~- count 1; any other character 3 per UTF-8 byte)"
        )
    return value


ExternalNumber = Annotated[
    str,
    Field(
        min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$", description="Your own number"
    ),
    AfterValidator(_storable_number),
]
# names and address lines end up in letters, e-mails and CSV files: no control characters
# (C0, DEL, C1) and no bidirectional overrides that make a name read differently
_PRINTABLE = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+$"
_PRINTABLE_OR_EMPTY = _PRINTABLE[:-2] + "*$"
PRINTABLE_OR_EMPTY = _PRINTABLE_OR_EMPTY  # an optional name in another route's body
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=_PRINTABLE)]


def money_text(value: object) -> object:
    """A money string is euros with a decimal point and at most two decimals: ``"1250.00"``.
    More decimals are refused even when they are zeros: ``"1.250"`` is one thousand two
    hundred and fifty in Dutch, and reading it as EUR 1.25 would misstate the claim, its costs
    and its interest a thousandfold (newcomer9 finding E). A comma is refused for the same
    reason (``"1,250"``)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("-"):
        # said as what it is, not as a thousands separator ("-1,250"): refused here before any
        # other reading of the digits; only an invoice row's amount says why a credit note is
        # no invoice (codereview10 #9)
        raise ValueError(f"{text!r} is below zero: an amount here is never negative")
    if re.fullmatch(r"[+-]?\d+\.\d{3,}", text) or re.fullmatch(r"[+-]?[\d.]*,[\d.,]*", text):
        raise ValueError(
            f"{text!r} is not an amount in euros with at most two decimals: a thousands "
            "separator? write one thousand two hundred and fifty euros as 1250.00 (a point "
            "before the cents, no thousands separator)"
        )
    return value


Amount = Annotated[
    Decimal,
    BeforeValidator(money_text),
    Field(gt=0, max_digits=14, decimal_places=2, description="Euros, at most two decimals"),
]


def invoice_amount_text(value: object) -> object:
    """An invoice row's amount: a negative one is a credit note in an open-items list
    (newcomer10 F6), refused as what it is with how to book it; else as :func:`money_text`."""
    if isinstance(value, str) and value.strip().startswith("-"):
        raise ValueError(
            f"{value.strip()!r} is below zero: a credit note is not an invoice; import the "
            "invoice it credits and book the credit note on that invoice "
            "(POST …/invoices/{invoice}/credit)"
        )
    return money_text(value)


InvoiceAmount = Annotated[
    Decimal,
    BeforeValidator(invoice_amount_text),
    Field(gt=0, max_digits=14, decimal_places=2, description="Euros, at most two decimals"),
]
# what may be zero (an open amount, a minimum)
Money = Annotated[
    Decimal,
    BeforeValidator(money_text),
    Field(ge=0, max_digits=14, decimal_places=2, description="Euros, at most two decimals"),
]
EARLIEST_DATE = date(1990, 1, 1)  # older claims prescribed long ago (20 years at most)
LATEST_DATE = date(2099, 12, 31)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
MAX_EMAIL = 254  # RFC 5321 section 4.5.3.1.3: the longest path a mail server accepts


def _iban(value: str) -> str:
    if (error := iban_error(value)) is not None:
        raise ValueError(error)
    return normalise(value)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class HouseStyleIn(Strict):
    logo_url: str | None = Field(default=None, max_length=2000)
    header_image_url: str | None = Field(default=None, max_length=2000)
    footer_image_url: str | None = Field(default=None, max_length=2000)
    primary_color: str = Field(default="#1f4e79", pattern=r"^#[0-9a-fA-F]{6}$")
    accent_color: str = Field(default="#f2a900", pattern=r"^#[0-9a-fA-F]{6}$")
    footer_text: str | None = Field(default=None, max_length=500)


PHONE_RULE = (
    "A phone number, stored in E.164: with its country code (+32 470 12 34 56, 0032 …) or a "
    "Dutch national number (030 123 45 67, 0800 0123); anything else is refused "
    "(phone_invalid; a premium-rate number such as 0900 phone_premium_rate; in a POST "
    "/v1/clients row, that row's error). A value stored before "
    "numbers were checked and sent again unchanged is kept as it is."
)


FIRST_STEPS_RULE = (
    "A backlog spread over days (golive33): each daily run gives a workflow's first step to "
    "at most this many debtors, oldest due first; the others wait for the next runs, debtors "
    "already in a workflow go on as normal. null: no limit (the default); an update without "
    "it keeps the stored limit"
)


class ClientContactIn(Strict):
    """What a client's own admin may change of its details (newcomer20 F5); a field left out
    keeps its value, null clears it (walk32 F3). Name, KvK number, language and the go-live
    day stay the agency's."""

    contact_email: str | None = Field(default=None, max_length=254)
    contact_phone: str | None = Field(default=None, max_length=30, description=PHONE_RULE)
    postal_address: AddressIn | None = Field(
        default=None,
        description="Printed in the client's letters' letterhead and as the return address in "
        "the envelope window; null: letters carry no return address",
    )
    first_steps_per_day: int | None = Field(
        default=None, ge=1, le=1_000_000, description=FIRST_STEPS_RULE
    )


class ClientIn(Strict):
    number: ExternalNumber
    # an update changes only what it sends (README): a row that sets one field of a stored
    # client needs no name; a new client does (refused per row without one)
    name: Name | None = Field(
        default=None, description="Needed for a new client; an update without it keeps the name"
    )
    vat_deductible: bool = True
    ibans: list[str] = Field(default_factory=list, max_length=10)
    language: Literal["nl", "en"] = "nl"
    sandbox: bool = False
    sandbox_email: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = Field(default=None, description=PHONE_RULE)
    kvk_number: str | None = Field(default=None, pattern=r"^[0-9]{8}$")
    house_style: HouseStyleIn = Field(default_factory=HouseStyleIn)
    postal_address: AddressIn | None = Field(
        default=None,
        description="The client's postal address: printed in its letters' letterhead and as "
        "the return address in the envelope window (undeliverable letters go back there); "
        "null: letters carry no return address",
    )
    allow_third_party_matching: bool = Field(
        default=False,
        description="Payments on the agency's third-party (pooled) account are matched to this "
        "client's invoices; without it only a line quoting the client's code while the agency "
        "holds an open case of the client is (the case's transfer_quote)",
    )
    auto_book_threshold: float = Field(
        default=0.85,
        ge=0.5,
        le=1.0,
        description="Minimum score to book a bank payment without a person",
    )
    auto_book_margin: float = Field(
        default=0.15,
        ge=0.0,
        le=0.5,
        description="How far the best candidate must lead the runner-up",
    )
    auto_book: bool = Field(
        default=True,
        description="Book bank payments automatically; false: suggestions only, staff book them",
    )
    client_bears_costs: bool = Field(default=False, description="Reminders show the principal only")
    dunning_shards: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Split a large client's daily run over this many workers",
    )
    refund_warning_threshold: int = Field(
        default=2, ge=0, le=100, description="Refunds per debtor per year before staff are warned"
    )
    postpone_auto_days: int = Field(
        default=0,
        ge=0,
        le=62,
        description="Portal postponement requests up to this many days are granted at once",
    )
    charge_interest: bool = Field(
        default=True, description="Statutory (or contractual) interest is charged to debtors"
    )
    contractual_interest_rate: (
        Annotated[Decimal, Field(gt=0, le=100, max_digits=5, decimal_places=2)] | None
    ) = Field(
        default=None,
        description="Agreed yearly interest in percent (e.g. 8.5); the statutory rate applies "
        "where it is higher (art. 6:119 lid 3 / 6:119a lid 8 BW)",
    )
    costs_minimum_amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] = Field(
        default=Decimal(0),
        description="No collection costs are charged on claims (summed per notice) below "
        "this principal",
    )
    dunning_minimum_amount: Annotated[
        Decimal, Field(ge=0, le=100_000, max_digits=14, decimal_places=2)
    ] = Field(
        default=Decimal("5.00"),
        description="The smallest rest worth chasing: a debtor whose open total (principal, "
        "costs and interest) is below it after a payment or credit note gets no dunning step "
        "and is not handed over; staff get an action item to write the rest off or keep it (an "
        "invoice nobody paid any of is dunned however small). 0: every cent",
    )
    b2b_costs_from_due: bool = Field(
        default=False,
        description="The client's terms make collection costs owed by businesses from the day "
        "after the due date (otherwise: from the sommatie)",
    )
    b2b_collection_costs_rate: (
        Annotated[Decimal, Field(gt=0, le=15, max_digits=5, decimal_places=2)] | None
    ) = Field(
        default=None,
        description="Collection costs the client's terms agree with businesses, in percent of "
        "the principal (e.g. 15; at most 15, the rate courts accept); never below EUR 40. "
        "Consumers always get the WIK staffel. "
        "Not with b2b_collection_costs_amount; neither: the staffel",
    )
    b2b_collection_costs_amount: (
        Annotated[Decimal, Field(gt=0, le=6775, max_digits=14, decimal_places=2)] | None
    ) = Field(
        default=None,
        description="Collection costs the client's terms agree with businesses as a fixed "
        "amount in euros per notice (at most 6775.00, the staffel's cap); never below EUR 40. "
        "Consumers always get the WIK staffel",
    )
    onboarded_on: date | None = Field(
        default=None,
        description="The day the agency took the client on (ISO). Left out for a new client: "
        "the day it is created (Amsterdam); an update without it keeps the stored day. A first "
        "settlement agreement starts on it, and money received before it is not settled",
    )
    dunning_starts_on: date | None = Field(
        default=None,
        description="The day the client's dunning goes live (ISO, Amsterdam). Before it the "
        "daily run sends nothing for the client and keeps its schedule (a backlog imported at "
        "onboarding waits); the first run on it takes what is due. null: live (the default); "
        "an update without it keeps the stored day. At most 366 days ahead (a later day: the "
        "row refused, dunning_starts_on_too_far)",
    )
    first_steps_per_day: int | None = Field(
        default=None, ge=1, le=1_000_000, description=FIRST_STEPS_RULE
    )
    complaint_procedure: str | None = Field(
        default=None,
        max_length=500,
        pattern=_PRINTABLE,
        description="Where a debtor who disagrees can complain to the client: a URL of its "
        "complaint procedure or a short text (one line). Named in the notice of a rejected "
        "dispute and on the portal's dispute page; null: not recorded (they name the client's "
        "contact e-mail)",
    )
    disputes_committee: str | None = Field(
        default=None,
        max_length=200,
        pattern=_PRINTABLE_OR_EMPTY,
        description='The geschillencommissie the client is affiliated with, by name; "": '
        "affiliated with none (nothing is said of one); null: not recorded (the notice and the "
        'portal say "if the client is affiliated with one")',
    )

    @model_validator(mode="after")
    def _one_agreed_costs_basis(self) -> ClientIn:
        if (
            self.b2b_collection_costs_rate is not None
            and self.b2b_collection_costs_amount is not None
        ):
            raise ValueError(
                "give b2b_collection_costs_rate or b2b_collection_costs_amount, not both"
            )
        return self

    @field_validator("ibans")
    @classmethod
    def _ibans(cls, values: list[str]) -> list[str]:
        return [_iban(v) for v in values]

    @field_validator("sandbox_email", "contact_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError("not an e-mail address")
        if value is not None and len(value) > MAX_EMAIL:
            raise ValueError(f"an e-mail address has at most {MAX_EMAIL} characters")
        return value


_MOBILE_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)


class AddressIn(Strict):
    street: str = Field(min_length=1, max_length=200, pattern=_PRINTABLE)
    postal_code: str = Field(min_length=1, max_length=20, pattern=_PRINTABLE)
    city: str = Field(min_length=1, max_length=100, pattern=_PRINTABLE)
    country: str = Field(default="NL", pattern=r"^[A-Z]{2}$")

    @field_validator("country", mode="before")
    @classmethod
    def _assigned_country(cls, value: object) -> object:
        # the country decides the 14-day letter's receipt term (abroad: 5 working days more),
        # so a typo ("XX") or another scheme's code ("UK") is refused, as the CLI does; "be"
        # is BE (before the pattern, which would answer with a regular expression: newcomer15)
        if not isinstance(value, str):
            return value
        if not is_country(value.strip().upper()):
            raise ValueError(
                f"not a country: {value!r}; expected an ISO 3166-1 alpha-2 code such as NL, "
                "BE, DE (the United Kingdom is GB)"
            )
        return value.strip().upper()

    @field_validator("street", "postal_code", "city")
    @classmethod
    def _no_account_or_link(cls, value: str) -> str:
        # printed in the letterhead and the envelope window: "betaal op NL.." there reached
        # every debtor past the dunning texts' checks (attack31)
        if (fault := name_fault(value)) is not None:
            raise ValueError(f"an address line {fault}: debtors read it in letters")
        return value

    @model_validator(mode="after")
    def _dutch_postcode(self) -> AddressIn:
        if self.country == "NL":
            compact = self.postal_code.replace(" ", "").upper()
            if not re.match(r"^[1-9][0-9]{3}[A-Z]{2}$", compact):
                raise ValueError("a Dutch postal code looks like 1234 AB")
            self.postal_code = f"{compact[:4]} {compact[4:]}"
        return self


class DebtorIn(Strict):
    number: ExternalNumber
    kind: Literal["b2b", "b2c"]
    name: Name
    emails: list[str] = Field(default_factory=list, max_length=5)
    mobile: str | None = Field(
        default=None,
        description="Mobile number; stored as E.164. Without its country code it is read in "
        "the address's country (0470 12 34 56 in BE: +32 470 12 34 56) when it is a mobile "
        "number there, else as Dutch",
    )
    whatsapp_consent: bool = False
    address: AddressIn | None = None
    language: Literal["nl", "en"] = "nl"
    segment: str = Field(default="default", min_length=1, max_length=50)
    kvk_number: str | None = Field(default=None, pattern=r"^[0-9]{8}$")
    ibans: list[str] = Field(default_factory=list, max_length=10)
    workflow: str | None = Field(
        default=None, max_length=100, description="Manual workflow override"
    )

    @field_validator("emails")
    @classmethod
    def _emails(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _EMAIL.match(value):
                raise ValueError(f"not an e-mail address: {value[:100]}")
            if len(value) > MAX_EMAIL:
                raise ValueError(f"an e-mail address has at most {MAX_EMAIL} characters")
        return values

    @model_validator(mode="before")
    @classmethod
    def _mobile_in_the_address_country(cls, data: object) -> object:
        """A national number is read in the numbering plan of the address's country (a
        Belgian's 0470 12 34 56 is +32 470 12 34 56: newcomer15 #3), written with its country
        code here so that the field's own check reads it as such; E.164 and 00 numbers as
        written; no address, a Dutch one, or no mobile number in that country's plan (a Dutch
        06 number kept abroad): the Dutch plan, as before."""
        if not isinstance(data, dict) or not isinstance(data.get("mobile"), str):
            return data
        address = data.get("address")
        raw = address.get("country") if isinstance(address, dict) else None
        region = raw.strip().upper() if isinstance(raw, str) else "NL"
        if region == "NL" or not is_country(region):
            return data
        try:
            number = phonenumbers.parse(data["mobile"], region)
        except phonenumbers.NumberParseException:
            return data  # the field's check says what is wrong with it
        if not phonenumbers.is_valid_number(number) or (
            phonenumbers.number_type(number) not in _MOBILE_TYPES
        ):
            # no mobile there (in DE 06 12345678 is a landline of Eltville): the Dutch mobile
            # he kept abroad, read as Dutch as before
            return data
        international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return {**data, "mobile": international}

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        try:
            number = phonenumbers.parse(value, "NL")
        except phonenumbers.NumberParseException as exc:
            raise ValueError(f"not a phone number: {exc}") from None
        if not phonenumbers.is_valid_number(number):
            raise ValueError(
                "not a valid phone number (a number without its country code is read in the "
                "address's country, else as Dutch): write it with its country code, "
                "such as +32 470 12 34 56"
            )
        if phonenumbers.number_type(number) not in _MOBILE_TYPES:
            raise ValueError("not a mobile number (SMS and WhatsApp need one)")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    @field_validator("ibans")
    @classmethod
    def _ibans(cls, values: list[str]) -> list[str]:
        return [_iban(v) for v in values]


class InvoiceIn(Strict):
    number: ExternalNumber
    debtor: ExternalNumber = Field(description="The debtor's number (must exist)")
    invoice_date: date
    due_date: date
    amount: InvoiceAmount = Field(
        description="The amount as invoiced (incl. VAT), before credit notes: the partial "
        "credit notes booked through POST …/invoices/{invoice}/credit stay off it (send the "
        "invoice's own amount as your books have it, not less its credit notes). To lower "
        "what the debtor owes, send a credit note; to correct the invoiced amount, send the "
        "corrected one (Inning takes the booked credit notes off it; an amount they take all "
        "of is a row error)"
    )
    open_amount: Money | None = Field(
        default=None,
        description="What is still open in your ledger; omitted: all of it. Above the amount "
        "less the credit notes booked through Inning (a credit note your books keep apart): "
        "nothing paid. What it says was paid is weighed against all the money Inning booked "
        "on the invoice (costs and interest included): only more than that is new, and is "
        "principal paid before the hand-over on the first push (or before costs were owed), "
        "else a payment you received on the push's day, allocated to costs, interest and "
        "principal (art. 6:44 BW) and put on the action list to check",
    )
    currency: Literal["EUR"] = "EUR"
    payment_reference: str | None = Field(
        default=None, max_length=35, description="Omitted: Inning generates a betalingskenmerk"
    )
    description: str | None = Field(default=None, max_length=500)
    fourteen_day_letter_on: date | None = Field(
        default=None,
        description="The day you sent the 14-day letter (consumers) or the sommatie "
        "(businesses) yourself: collection costs are owed from the term's expiry without a "
        "new letter. Omitted: unchanged",
    )
    interest_from: date | None = Field(
        default=None,
        description="The first day of interest (the default date): after the due date "
        "(interest runs only in default, art. 6:119/6:119a BW). Omitted: the day after the "
        "due date, or what was sent before",
    )
    contract_date: date | None = Field(
        default=None,
        description="The day the agreement was concluded: a business's statutory interest "
        "(art. 6:119a BW) is ECB + 7 points for agreements before 16 March 2013, + 8 from "
        "then. Omitted: unchanged; never sent: the invoice date",
    )
    claim_kind: Literal["consumer_sale", "other"] | None = Field(
        default=None,
        description="consumer_sale: the price of goods sold to a consumer (prescribes in 2 "
        "years, art. 7:28 BW); other: services, subscriptions, business claims (5 years, art. "
        "3:307 BW). Omitted: unchanged; never sent: a consumer's claim counts as a sale (the "
        "earlier prescription warning), a business's as other",
    )

    @field_validator("invoice_date", "due_date", "contract_date")
    @classmethod
    def _plausible(cls, value: date | None) -> date | None:
        # a date far away breaks date arithmetic (interest, terms, prescription in years)
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise ValueError(f"must lie between {EARLIEST_DATE} and {LATEST_DATE}")
        return value

    @model_validator(mode="after")
    def _dates_and_amounts(self) -> InvoiceIn:
        if self.due_date < self.invoice_date:
            raise ValueError("due_date is before invoice_date")
        # the debtor may still pay on the due date: default (6:81/6:83 sub a BW) starts the
        # day after, and a 14-day letter sent before default is no letter under 6:96 lid 6
        if self.fourteen_day_letter_on is not None and self.fourteen_day_letter_on <= self.due_date:
            raise ValueError("fourteen_day_letter_on is on or before due_date (no default yet)")
        # interest is damages for the time in default (6:119 lid 1, 6:119a lid 1 BW): not
        # before the day after the due date (law7 F7, attack7 #7)
        if self.interest_from is not None and self.interest_from <= self.due_date:
            raise ValueError("interest_from is on or before due_date (no default yet)")
        if self.contract_date is not None and self.contract_date > self.due_date:
            raise ValueError("contract_date is after due_date (payment falls due under it)")
        if self.open_amount is not None and self.open_amount > self.amount:
            raise ValueError("open_amount exceeds amount")
        return self


class Batch(BaseModel):
    items: list[dict[str, Any]] = Field(description="At most 1,000 rows")


class ClientBatch(BaseModel):
    items: list[ClientIn]


class DebtorBatch(BaseModel):
    items: list[DebtorIn]


class InvoiceBatch(BaseModel):
    items: list[InvoiceIn]


class RowErrorOut(BaseModel):
    index: int
    field: str | None
    message: str


class BatchResultOut(BaseModel):
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[RowErrorOut]
    notes: list[RowErrorOut] = Field(
        default_factory=list,
        description="Rows stored (or unchanged) with something you should know, e.g. a "
        "debtor's own WhatsApp STOP kept over the consent you sent, or an `open_amount` "
        "that lowers what is open on a stored invoice: what counts as received by you",
    )
    dry_run: bool = Field(
        default=False,
        description="`?dry_run=true`: nothing was written; the counts, errors and notes are "
        "what the request would do",
    )


class DisputeIn(Strict):
    reason: str = Field(min_length=3, max_length=1000)


class ResolveDisputeIn(Strict):
    """How a dispute ends (no body: as with ``{}``)."""

    message: str = Field(
        default="",
        max_length=1000,
        description="The reason in the client's words, quoted in the notice to the debtor "
        "(plain text: control characters become spaces, template code is printed as written)",
    )
    notify_debtor: bool | None = Field(
        default=None,
        description="Send the debtor a notice that the dispute ended (his language, the first "
        "channel that reaches him: e-mail, SMS, WhatsApp in its window, letter), naming the "
        "invoice, what is open, the message, the portal link and the day collection resumes "
        "(14 days ahead; the invoice is paused until then). Default: true for a consumer, false "
        "for a business. A consumer not told (false, or no channel reaches him) has the "
        "invoice paused until a person resumes it, with an action item dispute_untold",
    )


class KeyIn(Strict):
    scope: Literal["agency", "client"]
    client: ExternalNumber | None = Field(
        default=None, description="Client number for a client key"
    )
    label: str = Field(default="", max_length=100)
    admin: bool = Field(
        default=False,
        description="A client key that may do what admins do (the contact-log export); "
        "only an agency key or an admin client key may issue one",
    )


class KeyOut(BaseModel):
    key_id: str
    scope: str
    client_id: str | None
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    key: str | None = Field(default=None, description="Shown once, at creation or rotation")
    admin: bool = False


class AddressOut(BaseModel):
    """An address as stored: shown, never checked again on the way out (a value stored under
    older or other rules must not turn a read into a 500: attack17b F1)."""

    street: str
    postal_code: str
    city: str
    country: str


class ClientOut(BaseModel):
    number: str
    client_id: str
    name: str
    vat_deductible: bool
    ibans: list[str]
    language: str
    sandbox: bool
    active: bool = True  # inactive: dunning stopped, its people cannot sign in
    auto_book: bool = True  # false: bank payments are suggestions only
    # a business client's agreed collection costs (one of them, or neither: the staffel)
    b2b_collection_costs_rate: str | None = None  # percent, "15.00"
    b2b_collection_costs_amount: str | None = None  # euros, "250.00"
    # below this open total no dunning step is taken (euros, "5.00")
    dunning_minimum_amount: str = "5.00"
    postal_address: AddressOut | None = None  # its letters' return address
    # its mail's sender and reply address and a phone for debtors: what readiness checks
    # (walk32 F4: they could be set but not read back)
    contact_email: str | None = None
    contact_phone: str | None = None
    # where a debtor who disagrees can go (null: not recorded; the committee "": none)
    complaint_procedure: str | None = None
    disputes_committee: str | None = None
    # the day the agency took the client on (null: a client stored before it was kept)
    onboarded_on: date | None = None
    # the day the client's dunning goes live (null: live); before it the run sends nothing
    dunning_starts_on: date | None = None
    # first steps a daily run gives at most (null: no limit; golive33)
    first_steps_per_day: int | None = None


class ClientDetailOut(ClientOut):
    """One client (``GET /v1/clients/{client}``): with its sending mailbox's state as
    ``GET …/contact/verification`` computes it (small33; the list leaves it out: an agency
    read per client)."""

    contact_email_verified: bool = Field(
        description="The contact e-mail is the From of the client's mail (verified by its "
        "code or the agency, set by the agency, or the mailbox it linked)"
    )
    sends_from: str | None = Field(
        description="What the client's e-mail goes from: the contact e-mail when verified, "
        "else the agency's mailbox (null: none)"
    )


class DebtorOut(BaseModel):
    number: str
    kind: str
    name: str
    emails: list[str]
    mobile: str | None
    whatsapp_consent: bool
    language: str
    segment: str
    paused: bool
    pause_ended_on: date | None = Field(
        default=None,
        description="The day staff ended a pause by hand (resumed) before its day: the "
        "workflow's steps whose day fell in it keep their spacing from then",
    )
    standing: str = Field(
        default="normal",
        description="normal, deceased, bankrupt or wsnp (POST .../standing): not dunned",
    )
    address: AddressOut | None = Field(
        default=None, description="The postal address as stored (letters go to it)"
    )
    kvk_number: str | None = None
    ibans: list[str] = Field(
        default_factory=list, description="The debtor's accounts as imported (matching)"
    )


class CreditNoteOut(BaseModel):
    reference: str
    amount: str = Field(description="The principal credited, euros")
    kind: Literal["correction", "discount"] | None = Field(
        default=None,
        description="As booked in the claim's ledger: correction (the part was never owed) or "
        "discount (a remission from the note's date), kept on the invoice when the note is "
        "booked; null while a request that was cut off has not reached the ledger yet (send "
        "it again), or for a note booked before the kind was kept that this request did not "
        "read yet (a list reads those of 10 debtors a request and keeps them; ask again)",
    )


class InvoiceOut(BaseModel):
    number: str
    debtor: str
    invoice_date: date
    due_date: date
    amount: str
    paid: str
    open_amount: str
    currency: str
    status: str
    payment_reference: str | None
    dispute_reason: str | None
    paused_until: date | None = None
    promise_until: date | None = None
    pause_ended_on: date | None = Field(
        default=None,
        description="The day staff ended a pause by hand (resumed) before its day: the "
        "workflow's steps whose day fell in it keep their spacing from then",
    )
    contract_date: date | None = None  # None: not sent, the invoice date counts
    claim_kind: str | None = None  # None: not sent (consumer: a sale; business: other)
    invoiced: str | None = Field(
        default=None,
        description="The amount as invoiced when credit notes lowered it (amount + credited)",
    )
    credit_notes: list[CreditNoteOut] = Field(
        default_factory=list, description="The partial credit notes booked on the invoice"
    )


class DisputeEndedOut(InvoiceOut):
    """The invoice after its dispute ended, and what the debtor was told."""

    notice: str | None = Field(
        default=None, description="The outbox key of the notice to the debtor; null: not told"
    )
    collection_resumes_on: date | None = Field(
        default=None,
        description="The day the workflow goes on; null: at once (a business), or not the "
        "client's (an invoice the agency collects: the notice names the agency); 9999-12-31: "
        "when a person resumes the invoice (a consumer not told)",
    )
    notice_channel: str | None = Field(
        default=None, description="The channel the notice went by (email, sms, whatsapp, letter)"
    )
    notice_sms_parts: int | None = Field(
        default=None, description="By SMS: the parts it was billed as (at most 3)"
    )
    notice_sms_encoding: str | None = Field(
        default=None,
        description="By SMS: gsm7 (153 characters a part) or ucs2 (67 a part: a character "
        "GSM-7 lacks, such as an emoji or another script)",
    )
    reason_shortened: bool = Field(
        default=False,
        description="The message was cut at a word and marked '(ingekort)' to keep the SMS "
        "to 3 parts; by e-mail, WhatsApp and letter it goes whole",
    )
    reason_left_out: bool = Field(
        default=False,
        description="None of the message fitted the SMS (its first words already need "
        "UCS-2 or more room): tell the debtor another way",
    )


class PageOut(BaseModel):
    items: list[dict[str, Any]]
    continuation: str | None = Field(description="Pass as ?continuation= for the next page")


class ErrorOut(BaseModel):
    """The one error envelope of the API, for every status other than success."""

    error: ErrorBody


class ConfirmPaymentIn(Strict):
    invoices: list[ExternalNumber] = Field(min_length=1, max_length=50)


class ReceivedOnIn(Strict):
    received_on: date = Field(description="The day the client received the money, as its books "
                              "give it (not in the future)")  # fmt: skip
    reason: str = Field(min_length=3, max_length=1000)


class AgencyConfirmIn(Strict):
    """A line of the agency's own list booked on one client's invoices."""

    client: ExternalNumber
    invoices: list[ExternalNumber] = Field(min_length=1, max_length=50)


class ReversePaymentIn(Strict):
    """The booked bank payment an ``unmatched_return`` item's return sent back."""

    payment: str = Field(min_length=1, max_length=200,
                         description="The payment's id (the item's ``payments`` name the ones "
                         "that fit)")  # fmt: skip
    note: str = Field(min_length=3, max_length=1000, description="Why this one (for the "
                      "item and the audit log)")  # fmt: skip


class AgencyReversePaymentIn(ReversePaymentIn):
    """A return on the agency's own list (its pooled account): the client whose payment."""

    client: ExternalNumber


class ResolveIn(Strict):
    resolution: str = Field(min_length=1, max_length=1000)


class AssignIn(Strict):
    assignee: str = Field(min_length=1, max_length=200)


class TemplateIn(Strict):
    language: Literal["nl", "en"]
    subject: str = Field(default="", max_length=500)
    text: str = Field(min_length=1, max_length=20_000)
    html: str | None = Field(default=None, max_length=100_000)
    fourteen_day_letter: bool = False


class StepIn(Strict):
    id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{1,40}$",
        description="The step's id as read (GET): kept, so that the invoices in flight stay at "
        "the step they took wherever it moves; left out, a step the same as one of the old "
        "workflow (same settings, else same name and channel) keeps that one's id, another "
        "is a new step",
    )
    name: str = Field(min_length=1, max_length=100)
    channel: Literal[
        "email",
        "sms",
        "whatsapp",
        "letter",
        "robocall",
        "staff_task",
        "fourteen_day_letter",
        "handover",
    ]
    offset_days: int = Field(ge=-60, le=365)
    offset_from: Literal["due_date", "previous_step"] = "due_date"
    templates: dict[str, str] = Field(
        default_factory=dict, description="language (nl, en) -> template id"
    )
    min_open_amount: Amount | None = None
    debtor_kinds: list[Literal["b2b", "b2c"]] = Field(default=["b2b", "b2c"])
    fallback: Literal["email", "sms", "letter", "staff_task"] | None = None
    letter_by: Literal["letter", "email"] = "letter"


class WorkflowIn(Strict):
    name: str = Field(min_length=1, max_length=100)
    steps: list[StepIn] = Field(min_length=1, max_length=30)
    # bundling: an invoice of the debtor due for the step another takes today within this
    # many days rides along in that message (0: off; left out: the stored value is kept)
    bundle_days: int | None = Field(default=None, ge=0, le=14)


class SegmentRuleIn(Strict):
    workflow: str = Field(min_length=1, max_length=100)
    kind: Literal["b2b", "b2c"] | None = None
    segment: str | None = None
    min_open: Amount | None = None
    max_open: Amount | None = None


class SegmentRulesIn(Strict):
    rules: list[SegmentRuleIn] = Field(max_length=50)


class PauseIn(Strict):
    reason: str = Field(min_length=1, max_length=500)
    until: date | None = None


class InvoicePauseIn(Strict):
    until: date | None = None


class PromiseIn(Strict):
    until: date


class PreviewIn(Strict):
    debtor: ExternalNumber


class CopyIn(Strict):
    to: ExternalNumber = Field(description="The receiving client's number (same agency)")


class NoteIn(Strict):
    text: str = Field(min_length=1, max_length=4000)
    channel: Literal["phone", "email", "letter", "visit", "other"] | None = None


class CreditIn(Strict):
    """A credit note for part of an invoice's principal (no body: the whole invoice)."""

    amount: Amount = Field(
        description="The principal credited, euros: above 0 and below the invoice's "
        "principal less earlier credit notes, paid or not (what the debtor paid beyond the "
        "lower amount goes to the invoices his payment named, then to his invoices due when "
        "it was received, else an overpayment); all of the open principal or of the "
        "principal: the full credit. A discount: at most the principal open on its date"
    )
    reference: str = Field(
        min_length=1, max_length=35, pattern=_PRINTABLE,
        description="The credit note's number: the same note twice books once",
    )  # fmt: skip
    reason: str | None = Field(default=None, max_length=1000, pattern=_PRINTABLE)
    on: date | None = Field(
        default=None,
        alias="date",
        description="The credit note's date (default: today, Europe/Amsterdam): not after "
        "today and not before the invoice's date",
    )
    kind: Literal["correction", "discount"] = Field(
        default="correction",
        description="correction (default): the invoice was wrong, the part was never owed "
        "(its interest taken back from the first day, the costs follow the lower principal); "
        "discount: a remission agreed on the note's date (art. 6:160 BW), the principal "
        "lower from that date, the interest and collection costs owed before it kept",
    )

    @field_validator("on")
    @classmethod
    def _within_range(cls, value: date | None) -> date | None:
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise ValueError(f"must lie between {EARLIEST_DATE} and {LATEST_DATE}")
        return value
