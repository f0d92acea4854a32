"""The digest of a client's learned payer accounts (shared/adapters/tables/payer_digest.py):
every learning keeps it in the same transaction, a client learned before it existed has it
built once, and a learning that loses the digest's race is tried again, never lost."""

from __future__ import annotations

import uuid

from shared.adapters.tables import payer_digest
from shared.adapters.tables.banking_repo import LEARNED_IBANS
from shared.adapters.tables.keys import encode
from shared.ports.tables import Row

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
