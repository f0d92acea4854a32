"""Why a statement whose account is not an IBAN cannot be routed, and what to do instead.

Inning routes a statement by its account: a client registers its accounts as IBANs (checked
by ISO 13616's mod-97 digits, and proven by a statement line or staff), and the agency's
third-party account is one too. Some banks name an account by their own id instead: Wise's
camt.053.001.10 writes ``Acct/Id/Othr/Id`` "11111111" with the scheme "Wise Account ID" (review
newcomer6 #5); an MT940 ``:25:`` in a file that names no bank is a bare number (Knab's export
without its header, misc16 #3: said so, with how to upload it instead). Such an id is
not unique outside its bank (the same digits are another account elsewhere), so Inning does
not let a client register one: the file is refused with a reason that says so and what to
do (export the statement with the account's IBAN, or book its lines by hand).
"""

from __future__ import annotations

from shared.domain.reasons import Reason
from shared.domain.references import iban as iban_check
from shared.domain.statements.bank_accounts import bare_number
from shared.domain.statements.model import Statement

# a bare account number in a file that names no bank (misc16 #3): what it is, why Inning does
# not guess the bank, and what to do; the console says it in Dutch (statement_refusal_text)
NO_BANK_NAMED = (
    "the account {account} is a bank's own account number, not an IBAN, and the file does not "
    "name the bank: Knab, ABN AMRO, ING and Van Lanschot write the number in :25: and the bank "
    "in the file's header (Knab's {{1:F01KNABNL2HAXXX...}}, ABN AMRO's ABNANL2A), "
    "from which Inning derives the IBAN; the same number at another bank is another account, "
    "so the IBAN is not guessed. Upload the file exactly as the bank delivered it (with its "
    "header), or export the statement with the account's IBAN, or book its lines by hand"
)


def not_an_iban(statement: Statement) -> str | None:
    """The refusal's explanation when the statement's account is no IBAN; None when it is.
    An account with an IBAN's form whose check digits (or length) are wrong is no bank's own
    id but a damaged file or an account edited by hand (newcomer15 #5: ING's
    NL77INGB0574908765, where NL47 is right, was told to export the IBAN "at Wise")."""
    problem = iban_check.iban_error(statement.account)
    if problem is None:
        return None
    if isinstance(problem, Reason) and problem.code in ("iban_check", "iban_length"):
        what = "check digits are" if problem.code == "iban_check" else "length is"
        return (
            f"the account {iban_check.normalise(statement.account)} has an IBAN's form but its "
            f"{what} wrong ({problem}): the file is damaged or its account was changed by "
            "hand, so it is not the bank's own export; download the statement from the bank "
            "again (no client can register an account whose IBAN does not check out)"
        )
    if statement.account_scheme is None and bare_number(statement.account):
        # an MT940 whose header names no bank: Knab's own export as jejik's knab.sta has it
        # (":25:123456789", no {1:F01KNABNL2H...} block), or a file cut from a longer one
        return NO_BANK_NAMED.format(account=statement.account)
    named = f" ({statement.account_scheme})" if statement.account_scheme else ""
    return (
        f"the account{named} is the bank's own account id, not an IBAN; Inning routes "
        "statements by IBAN and a client registers IBANs only (an id like this one is not "
        "unique outside its bank): export the statement with the account's IBAN (at Wise: "
        "the statement of the balance with IBAN account details) or book its lines by hand"
    )
