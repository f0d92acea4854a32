"""Only euro statements are booked.

Inning's claims, payments and settlements are euro cents. A statement of a USD, CHF or PLN
account (a Dutch business's foreign-currency account often shares its IBAN) booked as euros
would close a EUR 1,000 invoice with USD 1,000, stop dunning and pay the client money that
never came in. Such a statement is not booked: it goes on the agency's action list as
``foreign_currency`` with the account, the currency and every line, for a person to book by
hand at the rate the bank applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.adapters.tables.banking_repo import AccountOwner
from shared.domain.scopes import agency_scope
from shared.domain.statements.model import Statement

if TYPE_CHECKING:
    from shared.services.statements import IngestReport, StatementService

BOOKED_CURRENCY = "EUR"
SHOWN_LINES = 50  # an action item is one table entity (1 MB at most): the rest is in the file


def foreign_currency(statement: Statement) -> str | None:
    """The statement's currency when it is not euros (or a line's, should one differ)."""
    if statement.currency.upper() != BOOKED_CURRENCY:
        return statement.currency.upper()
    other = next((x.currency for x in statement.lines if x.currency.upper() != "EUR"), None)
    return other.upper() if other else None


def refuse_foreign_currency(
    service: StatementService,
    statement: Statement,
    owner: AccountOwner,
    name: str,
    report: IngestReport,
) -> bool:
    """``True`` (and the statement on the agency's action list) when it is not in euros."""
    currency = foreign_currency(statement)
    if currency is None:
        return False
    credits = sum(x.amount for x in statement.lines if x.amount > 0)
    title = (
        f"Statement {name} for {statement.account} is in {currency}, not euros: "
        f"{len(statement.lines)} line(s) not booked; book them by hand at the bank's rate"
    )
    report.warnings.append(title)
    report.lines += len(statement.lines)
    report.unmatched += sum(1 for x in statement.lines if x.amount > 0)
    service._add_action(
        agency_scope(owner.agency_id),
        "foreign_currency",
        title,
        {
            "account": statement.account,
            "client_id": owner.client_id,
            "currency": currency,
            "file": name,
            # in the statement's currency's minor units (cents), never euro cents
            "credits": credits,
            "debits": sum(x.amount for x in statement.lines if x.amount < 0),
            "line_count": len(statement.lines),
            "lines": [
                {
                    "date": x.booking_date.isoformat(),
                    "amount": x.amount,
                    "currency": x.currency,
                    "counterparty_name": x.counterparty_name,
                    "counterparty_iban": x.counterparty_iban,
                    "remittance": (x.remittance or "")[:140] or None,
                    "reference": x.reference,
                }
                for x in statement.lines[:SHOWN_LINES]
            ],
        },
        # the same statement re-sent (or retried after a crash) adds its item once
        action_id=f"foreign-currency-{statement.identity()}",
    )
    return True
