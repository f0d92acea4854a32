"""The statutory rates in force: shipped by default, a newer validated version from blob
storage through a cache, the stale alert; the API and the dunning context use them."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, date, datetime
from fractions import Fraction

import pytest

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.tables.memory import InMemoryTableStore
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.law.interest_rates import default_rate_table, rate_table_csv
from shared.domain.parties import Agency
from shared.services.errors import Invalid
from shared.services.rates import CONTAINER, SHIPPED, UPLOADED, StatutoryRates
from shared.services.repositories import Repositories
from tests.support.rate_tables import table_before_july_2026
from tests.unit.api.conftest import client_row

# written for the shipped table that ended at 2026-01-01 (tests/support/rate_tables.py)
pytestmark = pytest.mark.usefixtures("shipped_before_july_2026")

SHIPPED_CSV = rate_table_csv(table_before_july_2026())
NEWER = SHIPPED_CSV + "2026-07-01,3.50,9.65\n"


def rates_over(store, files, clock, **kw):
    repos = Repositories.over(store)
    repos.ensure_tables()
    return StatutoryRates(files, repos, clock, **kw)


@pytest.fixture
def setup():
    store, files = InMemoryTableStore(), InMemoryFileStore()
    clock = FixedClock(datetime(2026, 8, 3, 9, 0, tzinfo=UTC))
    return store, files, clock


def test_the_shipped_table_is_the_default(setup):
    rates = rates_over(*setup)
    assert rates.in_force().version == SHIPPED
    assert rates.table() == default_rate_table()


def test_a_newer_table_is_validated_versioned_and_put_in_force(setup):
    store, files, clock = setup
    rates = rates_over(store, files, clock)
    found = rates.upload(NEWER.encode(), author="test")
    assert found.version.startswith("v2026") and files.names(CONTAINER, UPLOADED) == [found.version]
    assert rates.table().rate_on(date(2026, 7, 2), commercial=False) == Fraction(35, 1000)
    assert rates.upload(NEWER.encode(), author="test") == found  # the same table: no new version
    assert len(files.names(CONTAINER, UPLOADED)) == 1


@pytest.mark.parametrize(
    ("csv", "reason"),
    [
        (SHIPPED_CSV.replace("2026-01-01,4.00", "2026-01-01,4.50"), "changes a published rate"),
        ("effective_from,consumer,commercial\n2026-07-01,3.50,9.65\n", "is missing"),
        (SHIPPED_CSV + "2026-07-01,35,9.65\n", "not plausible"),
        (SHIPPED_CSV + "2026-07-15,3.50,9.65\n", "1 January or 1 July"),
        (SHIPPED_CSV + "2026-07-01,3.50\n", r"line \d+: commercial '' is not a percentage"),
        ("no,csv,here\n", "the header must be"),
    ],
)
def test_a_bad_table_is_refused_with_the_reason(setup, csv, reason):
    rates = rates_over(*setup)
    with pytest.raises(Invalid, match=reason):
        rates.upload(csv.encode(), author="test")
    assert rates.in_force().version == SHIPPED


def test_other_workers_see_a_new_version_when_their_cache_expires(setup):
    store, files, clock = setup
    here, there = rates_over(store, files, clock), rates_over(store, files, clock)
    assert there.in_force().version == SHIPPED
    here.upload(NEWER.encode(), author="test")
    assert there.in_force().version == SHIPPED  # cached
    clock.advance(seconds=601)
    assert there.in_force().version != SHIPPED


def test_a_broken_blob_put_there_by_hand_is_skipped_and_logged(setup, caplog):
    store, files, clock = setup
    good = rates_over(store, files, clock).upload(NEWER.encode(), author="test").version
    files.put(CONTAINER, "v99990101T000000000000Z.csv", b"garbage")
    with caplog.at_level(logging.ERROR, logger="inning.rates"):
        assert rates_over(store, files, clock).in_force().version == good
    assert "v99990101T000000000000Z.csv" in caplog.text


def test_a_stale_table_alerts_every_agency_once_and_logs(setup, caplog):
    store, files, clock = setup
    rates = rates_over(store, files, clock)
    for agency_id in ("a1", "a2"):
        rates.repos.agencies.save(Agency(agency_id, agency_id))
    with caplog.at_level(logging.WARNING, logger="inning.rates"):
        assert rates.check() is not None  # 2026-01-01 is more than seven months before August
        rates.check()
    assert "statutory rates stale" in caplog.text
    for agency_id in ("a1", "a2"):
        items, _ = rates.repos.actions.list(f"@{agency_id}")
        assert [i.kind for i in items] == ["statutory_rates_stale"]
    rates.upload(NEWER.encode(), author="test")
    assert rates.check() is None


def test_the_table_is_current_within_seven_months(setup):
    store, files, clock = setup
    clock.at = datetime(2026, 7, 31, 12, tzinfo=UTC)
    assert rates_over(store, files, clock).check() is None


def test_the_api_reads_and_uploads_for_agency_keys_only(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    client_key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"]
    shown = a.call("GET", "/v1/statutory-rates").body
    assert shown["version"] == SHIPPED and shown["rates"][-1] == {
        "effective_from": "2026-01-01",
        "consumer": "4.00",
        "commercial": "10.15",
    }
    assert a.as_key(client_key).call("GET", "/v1/statutory-rates").status == 404
    refused = a.as_key(client_key).call("PUT", "/v1/statutory-rates", raw=NEWER.encode())
    assert refused.status == 404
    # platform-wide data: only the operator agency's keys change it (none named: nobody)
    assert a.call("PUT", "/v1/statutory-rates", raw=NEWER.encode()).status == 404
    world.services.settings = replace(world.services.settings, operator_agency="agency-b")
    assert a.call("PUT", "/v1/statutory-rates", raw=NEWER.encode()).status == 404
    world.services.settings = replace(world.services.settings, operator_agency="agency-a")
    bad = a.call("PUT", "/v1/statutory-rates", raw=b"effective_from,consumer\n")
    assert bad.status == 422 and bad.body["error"]["code"] == "unprocessable"
    put = a.call("PUT", "/v1/statutory-rates", raw=NEWER.encode())
    assert put.status == 200 and put.body["newest_rate_from"] == "2026-07-01"
    health = a.call("GET", "/v1/health").body
    assert health["statutory_rates"]["version"] == put.body["version"]


def test_reminders_compute_interest_with_the_rates_in_force(world):
    a = world.agency_a
    world.clock.at = datetime(2026, 10, 1, 9, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [{"number": "D1", "kind": "b2b", "name": "x"}]})  # fmt: skip
    invoice = {"number": "F1", "debtor": "D1", "invoice_date": "2026-06-01",
               "due_date": "2026-06-30", "amount": "10000.00"}  # fmt: skip
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice]})
    s = world.services
    client = s.access.client_for(s.access.authenticate(a.key), "C1")
    debtor = s.repos.debtors.get(client.client_id, "D1")[0]
    invoices = s.repos.invoices.for_debtor(client.client_id, "D1")
    before = s.dunning.context(client, debtor, invoices, date(2026, 10, 1)).interest
    s.statutory_rates.upload(NEWER.encode(), author="test")  # commercial 10.15 -> 9.65 from July
    after = s.dunning.context(client, debtor, invoices, date(2026, 10, 1)).interest
    assert 0 < after < before
    assert Scope.AGENCY  # the key used above is an agency key
