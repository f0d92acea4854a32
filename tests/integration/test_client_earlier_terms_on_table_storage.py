"""A client's earlier cost terms (law8 finding 1, docs/law.md "Client settings changed after
a letter") survive the table store, on the in-memory store and on Azurite alike; a client
stored before they existed reads with none."""

from __future__ import annotations

import uuid
from datetime import date

from shared.domain.parties import Client, CostTerms


def test_the_earlier_terms_round_trip(repos):  # type: ignore[no-untyped-def]
    earlier = (
        CostTerms(date(2026, 1, 10), True, False, True, None, 0),
        CostTerms(date(2026, 2, 1), False, False, True, "12.00", 50_000),
    )
    given = Client(f"cl-{uuid.uuid4().hex[:8]}", "agency-t", f"C{uuid.uuid4().hex[:6]}",
                   "Client", vat_deductible=False, earlier_terms=earlier)  # fmt: skip
    plain = Client(f"cl-{uuid.uuid4().hex[:8]}", "agency-t", f"C{uuid.uuid4().hex[:6]}", "Plain")
    repos.clients.save(given, new=True)
    repos.clients.save(plain, new=True)
    read = repos.clients.get(given.client_id)
    assert read is not None and read[0] == given
    other = repos.clients.get(plain.client_id)
    assert other is not None and other[0].earlier_terms == ()
