"""The digest of a client's learned payer accounts (shared/adapters/tables/payer_digest.py):
every learning keeps it in the same transaction, a client learned before it existed has it
built once, and a learning that loses the digest's race is tried again, never lost; one that
loses every race gives the digest up until its next reader builds it again."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from shared.adapters.tables import banking_repo, payer_digest
from shared.adapters.tables.banking_repo import LEARNED_IBANS, BankingRepository
from shared.adapters.tables.keys import encode
from shared.ports.tables import Op, OpKind, Row

PAYER = "NL02 RABO 0123 4567 89"
OTHER = "NL91ABNA0417164300"
STRANGER = "NL20INGB0001234567"


def test_every_learning_keeps_the_digest_and_it_is_built_once(repos):
    client = f"c{uuid.uuid4().hex[:8]}"
    banking = repos.banking
    # accounts learned before the digest existed (both row forms), then one learned with it
    repos.store.upsert(LEARNED_IBANS, Row(encode(client), OTHER, {"Debtors": '["D2"]'}))
    repos.store.upsert(LEARNED_IBANS, Row(encode(client), "NL44RABO0123456789|D3", {}))
    banking.learn_iban(client, PAYER, "D1")
    digest = banking.payer_digest(client)  # built from the rows, merged with the learning
    assert digest.usable
    assert digest.may_know(PAYER.replace(" ", "")) and digest.may_know(OTHER)
    assert digest.may_know("NL44RABO0123456789")
    assert not digest.may_know(STRANGER)
    assert banking.payer_digest(client).hashes == digest.hashes  # one point read from now on
    # the digest is no learned account of its own
    assert set(banking.learned_ibans(client)) == {
        "NL02RABO0123456789",
        OTHER,
        "NL44RABO0123456789",
    }
    # a window learning with the digest it read at its start
    banking.learn_ibans(client, {STRANGER: {"D4"}}, digest)
    assert banking.payer_digest(client).may_know(STRANGER)
    assert banking.debtors_for_iban(client, STRANGER) == {"D4"}


def test_a_learning_that_loses_the_digests_race_reads_it_again(repos):
    client = f"c{uuid.uuid4().hex[:8]}"
    banking = repos.banking
    banking.learn_iban(client, PAYER, "D1")
    stale = banking.payer_digest(client)
    banking.learn_iban(client, OTHER, "D2")  # another delivery, after the window read it
    banking.learn_ibans(client, {STRANGER: {"D3"}}, stale)  # its ETag moved: read again
    digest = banking.payer_digest(client)
    assert all(digest.may_know(i) for i in (PAYER, OTHER, STRANGER))
    assert banking.debtors_for_iban(client, STRANGER) == {"D3"}


def test_a_digest_fuller_than_one_row_is_no_longer_kept(repos):
    client = f"c{uuid.uuid4().hex[:8]}"
    full = payer_digest.PayerDigest(frozenset(), built=True, full=True)
    repos.store.upsert(LEARNED_IBANS, payer_digest.to_row(client, full))
    repos.banking.learn_iban(client, PAYER, "D1")
    digest = repos.banking.payer_digest(client)
    assert not digest.usable and digest.may_know(STRANGER)  # every account read, as before
    assert repos.banking.debtors_for_iban(client, PAYER) == {"D1"}
    # as many accounts as the row holds are stored and read back; one more and it is full
    hashes = frozenset(n.to_bytes(3, "big") for n in range(payer_digest.CAPACITY))
    most = payer_digest.PayerDigest(hashes, built=True, full=False)
    other = f"{uuid.uuid4().hex[:8]}"
    repos.store.upsert(LEARNED_IBANS, payer_digest.to_row(other, most))
    assert repos.banking.payer_digest(other).hashes == hashes
    outside = next(
        i
        for i in (f"NL{n:02d}TEST{n:010d}" for n in range(100))
        if payer_digest.account_hash(i) not in hashes
    )
    assert not most.adding([outside]).usable


class _Rivals:
    """The store as a learning sees it while other workers learn in lockstep with it: just
    before each of its digest writes under an ETag, ``rival`` runs (another worker's write,
    which moves the ETag it read)."""

    def __init__(self, store: Any, rival: Callable[[], None]) -> None:
        self._store = store
        self._rival = rival
        self.rivalled = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def transact(self, table: str, ops: Sequence[Op]) -> list[str | None]:
        guarded = any(
            op.row.rk == payer_digest.DIGEST_RK and op.kind in (OpKind.INSERT, OpKind.REPLACE)
            for op in ops
        )
        if table == LEARNED_IBANS and guarded:
            self.rivalled += 1
            self._rival()
        return list(self._store.transact(table, ops))


def _account(n: int) -> str:
    return f"NL{n % 90 + 10:02d}TEST{n:010d}"


def test_a_digest_given_up_in_a_race_is_built_again_by_its_next_reader(repos, monkeypatch):
    """failure4 finding 6: a learning that loses every race gives the digest up (its rows
    written with the mark, nothing learned lost), and the next reader builds it again, so the
    saving comes back (it was marked full for good)."""
    monkeypatch.setattr(banking_repo, "BACK_OFF_SECONDS", 0.0)
    client = f"c{uuid.uuid4().hex[:8]}"
    other = repos.banking  # the other worker, straight on the store
    other.learn_iban(client, PAYER, "D1")
    assert repos.banking.payer_digest(client).usable
    learned = iter(range(1000))

    def rival() -> None:
        n = next(learned)
        other.learn_iban(client, _account(n), f"R{n}")

    lockstep = _Rivals(repos.store, rival)
    starved = BankingRepository(lockstep)
    starved.learn_ibans(client, {OTHER: {"D2"}})
    assert lockstep.rivalled == banking_repo.LEARN_RETRIES  # lost every race: given up
    rivals = [_account(n) for n in range(lockstep.rivalled)]
    row = repos.store.get(LEARNED_IBANS, encode(client), payer_digest.DIGEST_RK)
    given_up = payer_digest.from_row(row)
    assert given_up.contended and not given_up.usable and not given_up.full
    # nothing learned is lost meanwhile: a digest not built is not used
    assert given_up.may_know(STRANGER)
    assert repos.banking.debtors_for_iban(client, OTHER) == {"D2"}
    # the next reader builds it from the rows: usable again, every account in it
    digest = repos.banking.payer_digest(client)
    assert digest.usable and not digest.contended
    assert all(digest.may_know(i) for i in (PAYER, OTHER, *rivals))
    assert not digest.may_know(STRANGER)
    stored = payer_digest.from_row(
        repos.store.get(LEARNED_IBANS, encode(client), payer_digest.DIGEST_RK)
    )
    assert stored.usable and stored.hashes == digest.hashes  # one point read from now on


def test_a_build_that_a_given_up_learning_overtakes_reads_the_rows_again(repos, monkeypatch):
    """The give-up's rows and mark land in one transaction: a build that read the digest
    before them loses its ETag race and reads the rows again (never built without them)."""
    monkeypatch.setattr(banking_repo, "BACK_OFF_SECONDS", 0.0)
    client = f"c{uuid.uuid4().hex[:8]}"
    repos.store.upsert(LEARNED_IBANS, Row(encode(client), OTHER, {"Debtors": '["D2"]'}))
    done: list[bool] = []

    def give_up() -> None:  # another worker's learning, given up, between read and write
        if not done:
            done.append(True)
            repos.store.transact(
                LEARNED_IBANS,
                [
                    Op(OpKind.UPSERT, banking_repo._learned_row(client, PAYER, "D1")),
                    payer_digest.given_up_op(client),
                ],
            )

    building = BankingRepository(_Rivals(repos.store, give_up))
    digest = building.payer_digest(client)
    assert done and digest.usable
    assert digest.may_know(PAYER) and digest.may_know(OTHER) and not digest.may_know(STRANGER)


def test_a_digest_marked_full_before_contention_was_told_apart_is_built_once(repos):
    """Before this change a given-up digest was marked ``Full`` (no ``Contended`` property):
    built once again; one that really outgrows its row is then kept full."""
    client = f"c{uuid.uuid4().hex[:8]}"
    legacy = Row(encode(client), payer_digest.DIGEST_RK, {"Built": True, "Full": True})
    repos.store.upsert(LEARNED_IBANS, legacy)
    repos.banking.learn_iban(client, PAYER, "D1")  # keeps the digest again (not full)
    repos.store.upsert(LEARNED_IBANS, Row(encode(client), OTHER, {"Debtors": '["D2"]'}))
    digest = repos.banking.payer_digest(client)
    assert digest.usable and digest.may_know(PAYER) and digest.may_know(OTHER)
    assert not digest.may_know(STRANGER)
    # an overflow written now carries the property: kept full, never built again
    full = payer_digest.PayerDigest(frozenset(), built=True, full=True)
    repos.store.upsert(LEARNED_IBANS, payer_digest.to_row(client, full))
    assert not repos.banking.payer_digest(client).usable
