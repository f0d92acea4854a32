"""A payment plan's messages to the debtor are written demands of its invoices (3:317 lid 1
BW; shared/domain/law/demands.py): the agreement, an installment's reminder, the lapse notice
(law16 F3).

Hand: B2B B1, B-1 800.00 due 30-6-2020 (5 years: uninterrupted 1-7-2025). Staff make and
activate a plan over B-1 on 15-1-2024, no consent recorded (no 3:318 acknowledgement); the
agreement is e-mailed 15-1, the reminder of installment 1 on 12-2, and the lapse notice on
23-2-2024 ("het openstaande bedrag … is weer in zijn geheel opeisbaar"). Counted from the last
e-mail: B-1 prescribes on 24-2-2029. Before, only ``dun|`` keys were read: on 2-7-2025 B-1 was
held "may have prescribed on 01-07-2025 … no written demand of Inning reached the debtor".
An e-mail's receipt rests on its send log only, so the warning that it must be proven still
comes before 1-7-2025 (law4 finding 9), but nothing is held."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from tests.unit.dunning.test_prescription_acknowledged import _at, _items, b2b  # noqa: F401


def _deliver_all(world) -> list[str]:
    services = world.services
    keys = []
    for job in services.messaging.queues.take("send-email"):
        body = json.loads(job.body)
        services.messaging.deliver(body["client_id"], body["key"])
        keys.append(body["key"])
    return keys


def test_a_plans_reminder_and_lapse_notice_interrupt_prescription(b2b):  # noqa: F811
    world, client = b2b
    a = world.agency_a
    world.clock.at = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
    plan = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "B1", "invoices": ["B-1"], "start": "2024-02-15", "installments": 2})  # fmt: skip
    assert plan.status == 201, plan.body
    pid = plan.body["plan_id"]
    assert a.call("POST", f"/v1/clients/C1/plans/{pid}/activate").status == 200
    sent = _deliver_all(world)
    services = world.services
    day = date(2024, 1, 16)
    while a.call("GET", f"/v1/clients/C1/plans/{pid}").body["status"] != "cancelled":
        world.clock.at = datetime(day.year, day.month, day.day, 6, 30, tzinfo=UTC)
        services.plans.fan_out()
        for job in services.messaging.queues.take("installments"):
            b = json.loads(job.body)
            services.plans.process(b["client_id"], b["plan_id"], date.fromisoformat(b["on"]),
                                   date.fromisoformat(b["row_on"]))  # fmt: skip
        sent += _deliver_all(world)
        day = date.fromordinal(day.toordinal() + 1)
        assert day < date(2024, 6, 1)
    assert f"plan|{pid}|remind|1@2024-02-15" in sent
    assert any(k.startswith(f"plan|{pid}|lapsed-") and not k.endswith("-client") for k in sent)
    _at(world, client, date(2025, 5, 5))
    _at(world, client, date(2025, 7, 2))
    got = _items(world)
    # only the warning that the e-mails' receipt must be proven, none that it is held
    assert [on for on, _ in got] == ["2025-07-01"], got
    title = got[0][1]
    assert "unless Inning's e-mail of" in title and "23-02-2024" in title, title
    assert "no written demand" not in title and "Dunning holds it" not in title, title
    debtor = services.repos.debtors.get(client.client_id, "B1")
    assert debtor is not None
    invoice = services.repos.invoices.get_many(client.client_id, ["B-1"])["B-1"].invoice
    from shared.adapters.tables.messaging_repo import OutboxRepository
    from shared.services.prescription_watch import PrescriptionWatch

    watch = PrescriptionWatch(services.repos, OutboxRepository(services.repos.store), world.clock)
    assert watch.held(client.client_id, debtor[0], [invoice], date(2025, 7, 2)) == set()
    assert watch.held(client.client_id, debtor[0], [invoice], date(2029, 2, 23)) == set()
    assert watch.held(client.client_id, debtor[0], [invoice], date(2029, 2, 24)) == {"B-1"}
