"""How people see a case: by the client's code and the debtor ("zaak PRDNXZB K101"), the
words the debtor quotes paying the agency (the case's ``transfer_quote``). The case id stays
the API's public id and its key, but it is made of the client's internal id
("clad2c…-K101-…", reasons20's left), which no credit manager knows: the console, the
contact log and the mails show the name instead."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from shared.adapters.tables.keys import decode, encode
from shared.domain.statements.client_code import client_code

_DIGEST = re.compile(r"[0-9a-f]{12}")


def case_id_of(client_id: str, debtor_number: str, invoice_numbers: Iterable[str]) -> str:
    """No date in the id: a run retried the next day (after a failure between the case and
    the invoices' step) finds the case it made, and hands nothing over twice."""
    digest = hashlib.sha256("\n".join(sorted(invoice_numbers)).encode()).hexdigest()[:12]
    return f"{client_id}-{encode(debtor_number)}-{digest}"


def case_name(client_id: str, debtor_number: str) -> str:
    """ "PRDNXZB K101": the client's code, then the debtor's number."""
    return f"{client_code(client_id)} {debtor_number}"


def case_name_of_id(case_id: str) -> str:
    """The name of the case :func:`case_id_of` made; an id of another shape (written by hand,
    or before ids were made so) as it is."""
    client_id, first, rest = case_id.partition("-")
    debtor, last, digest = rest.rpartition("-")
    if not (first and last and client_id and debtor and _DIGEST.fullmatch(digest)):
        return case_id
    try:
        return case_name(client_id, decode(debtor))
    except ValueError:  # a "!" not followed by two hex digits: not an encoded key
        return case_id
