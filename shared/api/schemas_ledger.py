"""Request and response bodies of the claim ledger's routes (euros as decimal strings)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from shared.api.schemas import Amount, Strict


class ComponentsOut(BaseModel):
    principal: str
    costs: str = Field(description="Collection costs (WIK staffel or agreed)")
    costs_vat: str = Field(description="VAT on the costs, only when the client cannot deduct VAT")
    interest: str


class OpenOut(ComponentsOut):
    total: str


class ClaimOut(BaseModel):
    invoice: str | None = Field(default=None, description="The invoice (absent on a debtor sum)")
    on: date = Field(description="The day the figures are for (Europe/Amsterdam)")
    principal: str = Field(description="Charged: the invoice amount")
    costs: str = Field(description="Charged collection costs (owed from costs_owed_from)")
    costs_vat: str
    interest: str = Field(description="Interest charged and accrued up to this day")
    paid: ComponentsOut
    waived: ComponentsOut
    written_off: ComponentsOut
    credited: ComponentsOut = Field(
        description="Taken off the claim: partial credit notes, interest and costs charged "
        "too much (corrections, as after a credit note), a credited or withdrawn invoice's "
        "rest, and principal your own books say was paid to you before the hand-over; "
        "open = charged - paid - waived - written_off - credited"
    )
    paid_before_handover: str = Field(
        default="0.00",
        description="The part of credited.principal the debtor paid you before the claim was "
        "handed over (your own books' receipts, imported as paid or a lower amount): money "
        "paid, not a credit note",
    )
    recovered: ComponentsOut | None = Field(
        default=None,
        description="Of what was written off, what money received since paid after all (counted "
        "in paid, no longer in written_off); present only on a written-off claim",
    )
    written_off_claim: bool = Field(
        default=False,
        description="The claim was written off as uncollectable: out of collection, but money "
        "paid for it still pays it (costs, interest, principal), and money not designated "
        "reaches it after the claims still in collection",
    )
    open: OpenOut
    costs_owed_from: date | None = Field(
        description="From this day the debtor owes collection costs (none: not (yet) owed)"
    )
    interest_from: date | None = Field(description="First day of interest (none: no interest)")
    interest_rule: str = Field(description="6:119, 6:119a, contractual, none (or mixed)")
    contract_date: date | None = Field(
        default=None,
        description="The agreement's date the 6:119a rate went by (the invoice's contract "
        "date, else its invoice date; absent on a debtor sum)",
    )
    commercial_margin: str | None = Field(
        default=None,
        description="The 6:119a rate's formula for this claim: 'ECB + 7' (agreement before "
        "16 March 2013) or 'ECB + 8'; absent when 6:119a does not apply",
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="Why the interest may differ from what the law gives: days for which no "
        "statutory rate is known, or, the rate table being stale, days past its newest rate's "
        "half-year charged at that rate (none: the figures are complete)",
    )


class DebtorClaimOut(ClaimOut):
    debtor: str
    claims: list[ClaimOut] = Field(description="Each open claim, oldest due date first")


class WaiveIn(Strict):
    component: Literal["costs", "interest"]
    amount: Amount
    reason: str = Field(min_length=3, max_length=1000)
    stop_interest: bool = Field(
        default=False,
        description=(
            "Also give up the interest still to come: no interest from the waiver's day on "
            "(a final settlement; interest waivers only). Without it the interest runs on "
            "while the claim stays unpaid, also when all open interest is waived "
            "(art. 6:119 BW)"
        ),
    )


class WriteOffIn(Strict):
    reason: str = Field(min_length=3, max_length=1000)
