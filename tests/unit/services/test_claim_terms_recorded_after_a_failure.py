"""An administrator's change of a claim's legal terms through the import is always recorded
(review failure8 #6). The change is stored with the invoice; when the contact-log or audit write
after it fails (storage 503, a timeout after the write landed), the request answers 500 and the
retry finds the row "unchanged": the record is finished from the pending row written in the
invoices' own transaction, by the retry, by the client's next import of anything, or by the
redelivery of a console upload job; each line and entry once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.adapters.tables import schema
from shared.adapters.tables.invoices_repo import TERMS_PENDING_ROW
from shared.adapters.tables.people_repo import AUDIT
from shared.domain.law.prescription import ClaimKind
from shared.ports.tables import prefix_range
from shared.services.claim_terms_changes import Importer
from shared.services.imports import InvoiceDraft
from shared.services.invoice_upload import Upload
from tests.support.faults import FaultPlan
from tests.unit.api.conftest import (
    World,
    client_row,
    debtor_row,
    invoice_row,
    make_world,
)
from tests.unit.api.test_import_claim_terms import (
    INVOICES,
    LETTERED,
    ROW,
    _audited,
    _client_id,
    _invoice,
    _lettered,
    _log,
)
from tests.unit.dunning import test_letter_received_on as returned

SERVICE = {**LETTERED, "claim_kind": "other"}


@pytest.fixture
def faulty() -> tuple[World, FaultPlan]:
    plan = FaultPlan(enabled=True)
    return make_world(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), plan), plan


def _fail_once(plan: FaultPlan, table: str, kind: str = "http500") -> None:
    plan.rule(lambda op, t: op == "insert" and t == table, kind, times=1)


def _claim_kind_lines(world: World) -> list[str]:
    return [s for s in _log(world) if "claim kind" in s]


def _pending(world: World) -> list[str]:
    rows = world.store.query(
        schema.INVOICES, pk=_client_id(world), rk_range=prefix_range(TERMS_PENDING_ROW + "|")
    ).rows
    return [r.rk for r in rows]


def _recorded_once(world: World) -> None:
    [line] = _claim_kind_lines(world)
    assert "not given -> other" in line and "14-day letter" in line
    [(subject, actor, change)] = _audited(world)
    assert subject == "F1" and actor.startswith("key:") and "other" in change
    assert _pending(world) == []


@pytest.mark.parametrize(
    ("table", "kind"),
    [
        ("ContactLog", "http500"),  # the log line never written
        ("ContactLog", "timeout_after"),  # written, but the request never heard so
        (AUDIT, "http500"),  # the line written, the audit entry not
        (AUDIT, "timeout_after"),  # both written, the pending row still there
    ],
)
def test_the_retry_records_a_change_whose_record_failed(faulty, table: str, kind: str) -> None:
    world, plan = faulty
    a = _lettered(world)
    _fail_once(plan, table, kind)
    first = a.call("POST", INVOICES, {"items": [SERVICE]})
    assert first.status in (500, 503)
    assert _invoice(world).claim_kind is not None  # the change stands
    assert _pending(world) != []  # and is known to be unrecorded
    again = a.call("POST", INVOICES, {"items": [SERVICE]}).body
    assert again["unchanged"] == 1 and again["rejected"] == 0, again
    _recorded_once(world)
    # sent once more: nothing more on the record
    assert a.call("POST", INVOICES, {"items": [SERVICE]}).body["unchanged"] == 1
    _recorded_once(world)


def test_the_next_import_of_other_invoices_records_it(faulty) -> None:
    world, plan = faulty
    a = _lettered(world)
    _fail_once(plan, "ContactLog")
    assert a.call("POST", INVOICES, {"items": [SERVICE]}).status in (500, 503)
    other = invoice_row("F9", "D1", amount="10.00")
    assert a.call("POST", INVOICES, {"items": [other]}).body["created"] == 1
    _recorded_once(world)


def test_a_change_recorded_at_once_leaves_nothing_pending(faulty) -> None:
    world, _ = faulty
    a = _lettered(world)
    assert a.call("POST", INVOICES, {"items": [SERVICE]}).body["updated"] == 1
    _recorded_once(world)


def test_a_console_upload_job_redelivered_records_the_change(faulty) -> None:
    world, plan = faulty
    _lettered(world)
    client_id = _client_id(world)
    draft = InvoiceDraft("F1", "D1", date(2025, 1, 1), date(2025, 1, 10), 50000,
                         fourteen_day_letter_on=date(2025, 3, 1), claim_kind=ClaimKind.OTHER)  # fmt: skip
    upload = Upload("f.csv", [(0, draft)], [], Importer("user:u1", True))
    jobs = world.services.console_jobs
    job = jobs.start(client_id, "invoice-import", "user:u1", upload.dump(), total=1, title="f.csv")
    _fail_once(plan, "ContactLog")
    with pytest.raises(Exception, match="500"):
        jobs.run(client_id, job.job_id)  # the step failed after the invoices: redelivered
    assert _invoice(world).claim_kind is not None and _claim_kind_lines(world) == []
    jobs.run(client_id, job.job_id)
    assert jobs.get(client_id, job.job_id).status == "done"
    [line] = _claim_kind_lines(world)
    assert "by user:u1" in line
    [(subject, actor, _)] = _audited(world)
    assert (subject, actor) == ("F1", "user:u1") and _pending(world) == []


def test_a_full_chunk_of_changes_is_written_in_halves_with_their_record(faulty) -> None:
    """50 invoices fill a transaction (2 rows each): their record's row does not fit beside
    them, so each half goes with its own; storage failing the second leaves the first's
    record pending, not lost, and the retry writes the second's."""
    world, plan = faulty
    world.clock.at = world.clock.at.replace(month=4, day=10)
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [{**LETTERED, "number": f"F{i:02d}"} for i in range(50)]
    assert a.call("POST", INVOICES, {"items": rows}).body["created"] == 50
    seen = {"n": 0}

    def second_invoices_transaction(op: str, table: str) -> bool:
        if op == "transact" and table == schema.INVOICES:
            seen["n"] += 1
            return seen["n"] == 2
        return False

    plan.rule(second_invoices_transaction, "http500")
    changed = [{**r, "claim_kind": "other"} for r in rows]
    assert a.call("POST", INVOICES, {"items": changed}).status in (500, 503)
    reply = a.call("POST", INVOICES, {"items": changed})
    assert reply.status == 200 and reply.body["rejected"] == 0, reply.body
    assert all(_invoice(world, r["number"]).claim_kind is ClaimKind.OTHER for r in rows)
    assert sorted(s for s, _, _ in _audited(world)) == [r["number"] for r in rows]
    assert len(_claim_kind_lines(world)) == 50 and _pending(world) == []


@pytest.mark.parametrize("kind", ["http500", "timeout_after"])
def test_a_backdated_letter_recorded_once_after_a_failure(faulty, kind: str) -> None:
    """attack8 #4's administrator's letter date (on the claim, not the invoice row): the retry
    finds it stored and records the pending change, not a second one."""
    world, plan = faulty
    a = returned._returned_letter(world)
    world.clock.at = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
    row = {**ROW, "fourteen_day_letter_on": "2025-03-04"}
    _fail_once(plan, "ContactLog", kind)
    assert a.call("POST", INVOICES, {"items": [row]}).status in (500, 503)
    again = a.call("POST", INVOICES, {"items": [row]}).body
    assert again["rejected"] == 0, again
    [(subject, _, change)] = _audited(world)
    assert subject == "F1" and "none -> 2025-03-04" in change
    assert len([s for s in _log(world) if "none -> 2025-03-04" in s]) == 1
    assert _pending(world) == []


def test_the_daily_run_records_it_for_a_client_that_never_imports_again(faulty) -> None:
    """money9 #2: the record left pending is finished by the client's daily dunning run (its
    first shard), not only by its next import; once, however often the run comes."""
    world, plan = faulty
    a = _lettered(world)
    _fail_once(plan, "ContactLog")
    assert a.call("POST", INVOICES, {"items": [SERVICE]}).status in (500, 503)
    assert _claim_kind_lines(world) == [] and _pending(world) != []
    dunning = world.services.dunning
    today = date(2025, 4, 10)
    dunning.run_client(_client_id(world), today, shard=1, shards=2)  # another shard's job
    assert _pending(world) != []
    dunning.run_client(_client_id(world), today, shard=0, shards=2)
    _recorded_once(world)
    dunning.run_client(_client_id(world), today)  # the run again: nothing more
    _recorded_once(world)


def test_the_daily_run_records_it_for_an_inactive_client(faulty) -> None:
    from dataclasses import replace

    world, plan = faulty
    a = _lettered(world)
    _fail_once(plan, "ContactLog")
    assert a.call("POST", INVOICES, {"items": [SERVICE]}).status in (500, 503)
    repos = world.services.repos
    client, etag = repos.clients.get(_client_id(world)) or (None, None)
    assert client is not None
    repos.clients.save(replace(client, active=False), etag)
    assert world.services.dunning.fan_out() == 0  # no run for it: its dunning stopped
    _recorded_once(world)
