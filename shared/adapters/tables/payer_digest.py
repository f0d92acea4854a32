"""Which payer accounts a client has learned, in one row: a statement window asks for the
learned debtors of an account only when the account may be known.

Most credit lines come from accounts that were never learned for any debtor of the client
(new payers, payers of unrelated credits), yet each cost a range read of ``LearnedIbans`` to
find that out: one request a line, as many as all the index lookups together. The digest is a
row of the client's ``LearnedIbans`` partition (RowKey ``~payers``, after every account) that
holds a short hash (3 bytes of SHA-1) of every account learned: a window reads it once, and an
account whose hash is not in it has no learned debtors (no read); one whose hash is in it is
read as before (a different account with the same hash costs only that read).

It is exact because every learning writes its rows and the digest in one entity-group
transaction, guarded by the digest's ETag (:func:`learning_ops`; a lost race is read and tried
again): no account is ever learned without its hash. A client whose accounts were learned
before the digest existed has it built once from its rows (:func:`build`), merged under the
ETag with what learnings added meanwhile, and marked ``Built``; until then, or when it is
``Full`` (more accounts than one row holds), the accounts are read line by line as before.

A learning that keeps losing the digest's race (writers in lockstep each moving the ETag the
other just read) gives the digest up: it writes its rows with the digest marked
``Contended`` (not built, no hashes) in one transaction, the digest upserted without its
ETag (that cannot lose a race). Not built, it is not used, and the next reader builds it again
from the rows, as for a client learned before the digest existed: the saving comes back.
``Full`` is kept for a digest that outgrew its row, which a build would only fill again.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from shared.adapters.tables.keys import encode
from shared.ports.tables import Op, OpKind, Row, Value

DIGEST_RK = "~payers"  # sorts after every account number (letters and digits)
HASH_BYTES = 3
CHARS_PER_PROPERTY = 30_000  # a string property holds 32K characters (64 KiB)
PROPERTIES = 12  # about 720 KiB of the entity's 1 MiB: 90,000 accounts
CAPACITY = PROPERTIES * CHARS_PER_PROPERTY // 4  # base64: 4 characters per 3-byte hash


def account_hash(iban: str) -> bytes:
    """The hash of a payer account, normalised as the learned rows key it."""
    account = iban.replace(" ", "").upper()
    return hashlib.sha1(account.encode(), usedforsecurity=False).digest()[:HASH_BYTES]


@dataclass(frozen=True)
class PayerDigest:
    hashes: frozenset[bytes]
    built: bool  # every account learned before the digest existed is in it
    full: bool  # more accounts than the row holds: no longer kept, accounts read as before
    etag: str | None = None
    # given up by a learning that kept losing its race (not built): the next reader builds it
    contended: bool = False

    @property
    def usable(self) -> bool:
        return self.built and not self.full

    def may_know(self, iban: str) -> bool:
        """False only when the account was never learned for any debtor of the client."""
        return not self.usable or account_hash(iban) in self.hashes

    def adding(self, ibans: Iterable[str]) -> PayerDigest:
        hashes = self.hashes | {account_hash(i) for i in ibans}
        if self.full or len(hashes) > CAPACITY:
            return PayerDigest(frozenset(), self.built, True, self.etag, self.contended)
        return PayerDigest(hashes, self.built, False, self.etag, self.contended)


EMPTY = PayerDigest(frozenset(), built=False, full=False)


def from_row(row: Row | None) -> PayerDigest:
    if row is None:
        return EMPTY
    text = "".join(str(row.data.get(f"H{n:02d}") or "") for n in range(PROPERTIES))
    raw = base64.b64decode(text) if text else b""
    hashes = frozenset(raw[i : i + HASH_BYTES] for i in range(0, len(raw), HASH_BYTES))
    if row.data.get("Full") and "Contended" not in row.data:
        # marked full before "Contended" existed: by an overflow or by a learning that gave
        # up (the same mark then). Built again once, as given up: a build that overflows
        # writes it full with the property, and is kept as such
        return PayerDigest(frozenset(), built=False, full=False, etag=row.etag, contended=True)
    return PayerDigest(
        hashes,
        bool(row.data.get("Built")),
        bool(row.data.get("Full")),
        etag=row.etag,
        contended=bool(row.data.get("Contended")),
    )


def to_row(client_id: str, digest: PayerDigest) -> Row:
    text = base64.b64encode(b"".join(sorted(digest.hashes))).decode()
    data: dict[str, Value] = {
        "Built": digest.built,
        "Full": digest.full,
        "Contended": digest.contended,
    }
    for n in range(PROPERTIES):
        part = text[n * CHARS_PER_PROPERTY : (n + 1) * CHARS_PER_PROPERTY]
        data[f"H{n:02d}"] = part
    return Row(encode(client_id), DIGEST_RK, data, etag=digest.etag)


def write_op(client_id: str, digest: PayerDigest) -> Op:
    """The digest as read (its ETag) written again: insert when there was none."""
    row = to_row(client_id, digest)
    return Op(OpKind.INSERT if digest.etag is None else OpKind.REPLACE, row)


def given_up_op(client_id: str) -> Op:
    """The digest marked ``Contended``, upserted without an ETag, for the transaction that
    writes a learning's rows when the digest kept changing under it: rows and mark land
    together, so a build that read the digest before them loses its ETag race and reads the
    rows again, and one that reads it after finds the rows (never a built digest without
    them, even if the worker dies right after)."""
    gone = PayerDigest(frozenset(), built=False, full=False, contended=True)
    return Op(OpKind.UPSERT, to_row(client_id, gone))


def learning_ops(client_id: str, digest: PayerDigest, ibans: Iterable[str]) -> Op | None:
    """The digest's write that goes with learning ``ibans``; None when every one of them is
    in it already (or it is full): the learned rows alone, as before."""
    wanted = list(ibans)
    if digest.full or all(account_hash(i) in digest.hashes for i in wanted):
        return None
    return write_op(client_id, digest.adding(wanted))
