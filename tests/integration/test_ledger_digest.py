"""The digest of a client's ledger debtors (shared/adapters/tables/ledger_digest.py): every
transaction that writes a debtor's first ledger rows carries its hash, a ledger written before
the digest existed has it built once, a write that loses only the digest's race is tried
again, and one that loses every race gives it up until its next reader builds it again."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pytest

from shared.adapters.tables import ledger_digest, ledger_repo
from shared.adapters.tables.keys import encode
from shared.adapters.tables.ledger_repo import LEDGER, ClaimHeader, ClaimWrite, LedgerRepository
from shared.ports.tables import Conflict, Op, OpKind, TransactionFailed


def _new_claim(client: str, debtor: str, invoice: str = "F1") -> ClaimWrite:
    return ClaimWrite(ClaimHeader(client, debtor, invoice), ())


def _stored(repos: Any, client: str) -> ledger_digest.LedgerDebtors:
    return ledger_digest.from_row(repos.store.get(LEDGER, encode(client), ledger_digest.DIGEST_RK))


def test_a_debtors_first_ledger_rows_carry_its_hash_and_the_digest_is_built_once(repos):
    client = f"c{uuid.uuid4().hex[:8]}"
    ledger = LedgerRepository(repos.store)
    ledger.write([_new_claim(client, "D1")])
    assert ledger_digest.may_have(_stored(repos, client), "D1")  # in the rows' transaction
    digest = LedgerRepository(repos.store).ledger_debtors(client)  # another process
    assert digest.usable
    assert ledger_digest.may_have(digest, "D1") and not ledger_digest.may_have(digest, "D9")
    # a second claim of a debtor it holds writes no digest; a new debtor's first does
    etag = _stored(repos, client).etag
    ledger.write([_new_claim(client, "D1", "F2")])
    assert _stored(repos, client).etag == etag
    assert ledger.set_imported(client, "D2", "F3", date(2025, 1, 1), None)  # its header too
    fresh = LedgerRepository(repos.store).ledger_debtors(client)
    assert ledger_digest.may_have(fresh, "D2") and fresh.usable
    # the digest is no claim of a debtor whose key range holds it
    odd = "~~~~~~~~"
    ledger.write([_new_claim(client, odd)])
    assert list(ledger.for_debtor(client, odd)) == ["F1"]


def test_a_ledger_written_before_the_digest_existed_has_it_built_from_its_rows(repos):
    """The mixed state of a deployment: ledger rows without the digest, then a write of
    this code (a digest not built, holding only its own debtor), then the first reader."""
    client = f"c{uuid.uuid4().hex[:8]}"
    before = [op for d in ("D3", "D4") for op in LedgerRepository.write_ops(_new_claim(client, d))]
    repos.store.transact(LEDGER, before)  # as the ledger wrote before the digest
    ledger = LedgerRepository(repos.store)
    assert not ledger_digest.from_row(None).usable  # none yet: every debtor read
    ledger.write([_new_claim(client, "D1")])
    assert not _stored(repos, client).built  # holds D1 only: not used
    digest = ledger.ledger_debtors(client)
    assert digest.usable and all(ledger_digest.may_have(digest, d) for d in ("D1", "D3", "D4"))
    assert not ledger_digest.may_have(digest, "D9")


def test_a_claim_header_inserted_twice_is_still_refused(repos):
    client = f"c{uuid.uuid4().hex[:8]}"
    LedgerRepository(repos.store).write([_new_claim(client, "D1")])
    with pytest.raises(TransactionFailed) as refused:
        LedgerRepository(repos.store).write([_new_claim(client, "D1")])  # knows no digest
    assert isinstance(refused.value.cause, Conflict) and refused.value.index == 0


class _Rivals:
    """The store as a ledger writer sees it while other writers add debtors in lockstep:
    just before each of its transactions carrying the digest under an ETag, ``rival`` runs."""

    def __init__(self, store: Any, rival: Callable[[], None]) -> None:
        self._store = store
        self._rival = rival
        self.rivalled = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def transact(self, table: str, ops: Sequence[Op]) -> list[str | None]:
        guarded = any(
            op.row.rk == ledger_digest.DIGEST_RK and op.kind in (OpKind.INSERT, OpKind.REPLACE)
            for op in ops
        )
        if table == LEDGER and guarded and len(ops) > 1:
            self.rivalled += 1
            self._rival()
        return list(self._store.transact(table, ops))


def test_a_digest_lost_in_every_race_is_given_up_with_the_rows_and_built_again(repos, monkeypatch):
    monkeypatch.setattr(ledger_repo, "BACK_OFF_SECONDS", 0.0)
    client = f"c{uuid.uuid4().hex[:8]}"
    other = LedgerRepository(repos.store)
    other.write([_new_claim(client, "D1")])
    numbers = iter(range(1000))

    def rival() -> None:  # another writer's first rows of a new debtor move the ETag
        LedgerRepository(repos.store).write([_new_claim(client, f"R{next(numbers)}")])

    lockstep = _Rivals(repos.store, rival)
    LedgerRepository(lockstep).write([_new_claim(client, "D2")])
    assert lockstep.rivalled == ledger_repo.DIGEST_RETRIES
    given_up = _stored(repos, client)
    assert given_up.contended and not given_up.usable
    assert list(other.for_debtor(client, "D2")) == ["F1"]  # the rows landed with the mark
    digest = LedgerRepository(repos.store).ledger_debtors(client)
    rivals = [f"R{n}" for n in range(lockstep.rivalled)]
    assert digest.usable and not digest.contended
    assert all(ledger_digest.may_have(digest, d) for d in ("D1", "D2", *rivals))
    assert not ledger_digest.may_have(digest, "D9")


def test_a_write_that_loses_the_digests_race_once_reads_it_again(repos, monkeypatch):
    monkeypatch.setattr(ledger_repo, "BACK_OFF_SECONDS", 0.0)
    client = f"c{uuid.uuid4().hex[:8]}"
    LedgerRepository(repos.store).write([_new_claim(client, "D1")])
    stale = LedgerRepository(repos.store)
    stale.ledger_debtors(client)  # built, and remembered by this writer
    LedgerRepository(repos.store).write([_new_claim(client, "D2")])  # moves its ETag
    stale.write([_new_claim(client, "D3")])
    digest = LedgerRepository(repos.store).ledger_debtors(client)
    assert digest.usable and all(ledger_digest.may_have(digest, d) for d in ("D1", "D2", "D3"))
