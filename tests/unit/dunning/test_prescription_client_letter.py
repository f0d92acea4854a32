"""law17 P2: the client's own 14-day letter (``fourteen_day_letter_on``, imported with the
invoice) is a written demand for prescription as it is for the costs (art. 3:317 lid 1, 3:319
BW): Inning counts it, as a demand whose receipt it cannot prove (shared/domain/law/demands.py),
so the claim is not held as prescribed, and the warning comes before the date it has without
the letter, naming the letter."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.adapters.tables.messaging_repo import OutboxRepository
from shared.api.console.action_text import title
from shared.services.prescription_watch import PrescriptionWatch
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, day


def _claim(world: Any, **letter: str) -> tuple[Any, Any]:
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 1, 20, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    # consumer F1 1,000.00 due 31-1-2023, a consumer sale: 2 years (7:28 BW), prescribed on
    # 1-2-2025 without an interruption
    r = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", invoice_date="2023-01-01", due_date="2023-01-31", amount="1000.00",
        claim_kind="consumer_sale", **letter)]})  # fmt: skip
    assert r.body["created"] == 1, r.body
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    for on in (date(2025, 1, 20), date(2025, 2, 3)):
        world.clock.at = datetime(on.year, on.month, on.day, 8, 0, tzinfo=UTC)
        day(world, client)
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    return a, [i for i in items if i["kind"] == "prescription"]


def test_the_clients_letter_counts_for_prescription_as_for_the_costs(world: Any) -> None:
    # the client's letter of 2-12-2024 interrupted (received that day at the earliest): a new
    # 2-year term from 3-12-2024, to 3-12-2026 by Inning's count. Before: F1 held as
    # prescribed on 1-2-2025, "no written demand of Inning reached the debtor", while it owed
    # 150.00 costs on that very letter
    a, items = _claim(world, fourteen_day_letter_on="2024-12-02")
    assert a.call("GET", "/v1/clients/C1/invoices/F1/claim").body["open"]["costs"] == "150.00"
    assert not [i for i in items if i["detail"].get("held")], items
    # the letter's receipt is not proven: the date without it is warned of, naming the letter
    [weak] = items
    assert weak["detail"] == {"prescribes_on": "2025-02-01", "term_years": 2,
                              "unless_proven": ["2024-12-02"]}  # fmt: skip
    assert ("prescribes on 01-02-2025 (2 years) unless the client's letter of 02-12-2024 can "
            "be proven to have reached the debtor") in weak["title"]  # fmt: skip
    assert "tenzij bewezen kan worden dat wat de opdrachtgever stuurde de debiteur bereikte " \
        "(brief van de opdrachtgever van 02-12-2024;" in title(weak["title"], "nl")  # fmt: skip
    repos = world.services.repos
    cid = repos.clients.id_for_number("agency-a", "C1")
    watch = PrescriptionWatch(repos, OutboxRepository(repos.store), world.clock)
    debtor = repos.debtors.get(cid, "D1")[0]
    held = watch.held(cid, debtor, repos.invoices.for_debtor(cid, "D1"), date(2025, 2, 3))
    assert held == set()


def test_without_the_letter_the_claim_is_held_as_before(world: Any) -> None:
    _, items = _claim(world)
    assert [i["detail"].get("held") for i in items if i["detail"].get("held")] == [True]
