"""ops27 made a console job whose queue send failed "failed" with the reason "the job could
not be queued (the storage was busy): start it again"; the job page showed that English
sentence on Dutch pages too. It reads Dutch there now, English on English pages."""

from __future__ import annotations

import pytest
from azure.core.exceptions import AzureError

from shared.domain.people.authorisation import Role
from tests.support.faults import FaultPlan, FaultyQueueSender
from tests.unit.console.conftest import desk_for
from tests.unit.console.money_support import text


def test_a_job_not_queued_says_so_in_the_pages_language(world, tenants):  # type: ignore[no-untyped-def]
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    jobs = world.services.console_jobs
    plan = FaultPlan()
    plan.rule(lambda op, target: op == "send", "http500")
    jobs.queues = FaultyQueueSender(jobs.queues, plan)
    with pytest.raises(AzureError):
        jobs.start(tenants.c1, "invoice-import", "s@c1.example", b"x", total=1, title="f.csv")
    (job,) = jobs.latest(tenants.c1)
    assert job.status == "failed"
    dutch = text(staff.get(f"/jobs/{job.job_id}?lang=nl"))
    assert "De taak kon niet in de wachtrij worden gezet" in dutch
    assert "could not be queued" not in dutch
    english = text(staff.get(f"/jobs/{job.job_id}?lang=en"))
    assert "The job could not be queued (the storage was busy): start it again." in english
