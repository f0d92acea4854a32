"""A bank line that books a whole batch as one sum: the credit of a direct-debit file.

Banks book the collections of one SEPA direct-debit file (pain.008 with ``BtchBookg`` true,
as Inning writes them, ``shared/domain/plans/pain008.py``) as one credit that names the
file's payment information id: ING and Rabobank in ``:86:`` as ``/PREF/<PmtInfId>/`` ("TOTAAL
n POSTEN"), CAMT in ``NtryDtls/Btch/PmtInfId``. Such a credit is no debtor's payment: Inning
books its own collections per installment on the collection date, and a person booking the
sum on an invoice would book the installments twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.domain.statements.model import StatementLine

# Inning's PmtInfId: "<MsgId>-<sequence>", MsgId "SDD<yyyymmdd><12 of a time-ordered id>"
_OWN = re.compile(r"^(SDD\d{8}\w{1,22})-(FRST|RCUR|OOFF|FNAL)$")


@dataclass(frozen=True)
class CollectionFile:
    message_id: str  # the pain.008's MsgId
    sequence: str  # FRST, RCUR: one payment information block each


def is_batch_credit(line: StatementLine) -> bool:
    """A credit the bank booked for a whole batch, not for one payer."""
    return names_batch(line) and not line.batch_part


def names_batch(line: StatementLine) -> bool:
    """A credit of a batch: its one sum, or one of its transactions listed with their own
    details (a batch of other people's payments, such a part is matched per payer; of our own
    direct-debit file, it is the collection)."""
    return line.amount > 0 and line.batch_id is not None and not line.is_return


# the end-to-end id Inning gives a plan's collection: "<plan id's last 20>-<installment>-
# <attempt>" (shared/services/plans/service.py); only an id of this shape is looked up
_OWN_E2E = re.compile(r"^[0-9A-Za-z]{6,20}-\d{1,3}-\d{1,3}$")


def may_be_own_collection(line: StatementLine) -> bool:
    """A credit whose end-to-end id has the shape of one of our collections: the bank
    credited one of our direct debits on its own (no batch booking), to be looked up."""
    return (
        line.amount > 0
        and not line.is_return
        and bool(_OWN_E2E.match((line.end_to_end_id or "").strip()))
    )


def own_collection_file(batch_id: str | None) -> CollectionFile | None:
    """The direct-debit file of Inning's making a batch credit names, by its shape; whether
    the client sent it is for the caller to look up."""
    m = _OWN.match((batch_id or "").strip())
    return CollectionFile(m.group(1), m.group(2)) if m else None
