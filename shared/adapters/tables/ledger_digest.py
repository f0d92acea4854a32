"""Which debtors of a client have any row in the claim ledger, in one row of the client's
``Ledger`` partition: a statement window skips the ledger's range read of a candidate debtor
that has none.

A statement line's candidate debtors cost two range reads each (their invoices and their
ledger), 2.5 of a line's 5 requests; most candidates are debtors the ledger never saw (no
payment, no costs, no imported dates), whose ledger read finds nothing. The digest is the
``LedgerDebtors`` row (RowKey :data:`DIGEST_RK`, in the same partition as every ledger row of
the client) holding a short hash of every debtor with a ledger row, in the layout of the payers'
digest (:mod:`payer_digest`: 3 bytes of SHA-1 each, up to 90,000, ``Built``, ``Full``,
``Contended``). A window reads it once: a debtor whose hash is not in it has no ledger rows (no
read); one whose hash is in it is read as before (another debtor with the same hash costs
only that read).

It is exact because the ledger's writes keep it in their own entity-group transaction:
a transaction that writes a debtor's first rows (a claim header inserted) carries the digest
with the debtor's hash, guarded by the digest's ETag (``LedgerRepository``; a lost race on the
digest alone is read and tried again). No debtor gets ledger rows without its hash in the row
that lands with them. Hashes are never taken out, so a writer that saw a debtor's hash
in the digest once need not write it again: an earlier transaction put it there with rows.
A writer that keeps losing the digest's race gives it up in the rows' transaction (marked
``Contended``, not built, without ETag), as the payers' digest does; it is then built again.

A client whose ledger was written before the digest existed has it built once from its rows
(:meth:`LedgerRepository.ledger_debtors`: every row's key read, merged under the ETag with what
writes added meanwhile). Until then, or when it is ``Full`` or given up, every debtor's ledger
is read, as before: a digest missing, too big or old means the old path, never a wrong
booking.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.adapters.tables import payer_digest
from shared.ports.tables import Op, OpKind, Row

# sorts after every debtor's rows (encoded numbers use letters, digits, ``!`` escapes and a few
# punctuation marks; one of eight tildes first would need a debtor number of eight tildes): a
# backup's scan of the partition reads it after the rows its hashes stand for
DIGEST_RK = "~~~~~~~~|debtors"

LedgerDebtors = payer_digest.PayerDigest  # the same row layout; hashes of debtor numbers
EMPTY = payer_digest.EMPTY


def may_have(digest: LedgerDebtors, debtor: str) -> bool:
    """False only when the debtor has no row in the client's ledger."""
    return digest.may_know(debtor)


def holds(digest: LedgerDebtors, debtors: Iterable[str]) -> bool:
    """Every one of ``debtors`` has its hash in the digest (or it is no longer kept)."""
    return digest.full or all(payer_digest.account_hash(d) in digest.hashes for d in debtors)


def from_row(row: Row | None) -> LedgerDebtors:
    return payer_digest.from_row(row)


def write_op(client_id: str, digest: LedgerDebtors) -> Op:
    """The digest as read (its ETag) written again: insert when there was none."""
    row = payer_digest.to_row(client_id, digest)
    row = Row(row.pk, DIGEST_RK, row.data, etag=row.etag)
    return Op(OpKind.INSERT if digest.etag is None else OpKind.REPLACE, row)


def adding_op(client_id: str, digest: LedgerDebtors, debtors: Iterable[str]) -> Op | None:
    """The digest's write that goes with the first rows of ``debtors``; None when each is in
    it already (or it is full)."""
    wanted = list(debtors)
    if holds(digest, wanted):
        return None
    return write_op(client_id, digest.adding(wanted))


def given_up_op(client_id: str) -> Op:
    """The digest marked ``Contended`` without its ETag, for the rows' own transaction when
    the digest kept changing under the writer (see :func:`payer_digest.given_up_op`)."""
    op = payer_digest.given_up_op(client_id)
    return Op(op.kind, Row(op.row.pk, DIGEST_RK, op.row.data))
