"""failure15b Q2: an agency admin onboards a client (POST /v1/onboarding/clients); the request
dies after one of its storage writes (a timeout after the write landed: 503 "retry"); the
admin sends the same request again. Uncut: 201, the client with the agency's defaults copied,
its first user invited (the invitation mail) and one CLIENT_ONBOARDED event. Before the fix
every retry was refused 422 client_number_taken and the defaults were never copied."""

from __future__ import annotations

from shared.adapters.tables.people_repo import AuditRepository, defaults_scope
from shared.domain.dunning.workflow import SegmentRule, Step, StepChannel, Workflow
from shared.domain.parties import HouseStyle
from tests.support.faults import FaultPlan
from tests.unit.api.conftest import make_world
from tests.unit.people.cut_off import cut_at_write

BODY = {"number": "N1", "name": "Nieuw B.V.", "kvk_number": "12345678", "vat_deductible": True,
        "iban": "NL91ABNA0417164300", "language": "nl", "first_email": "eerste@nieuw.example",
        "first_mobile": "06 12345678"}  # fmt: skip


def _world(plan: FaultPlan | None = None):
    world = make_world(faults=plan) if plan is not None else make_world()
    dunning = world.services.repos.dunning
    scope = defaults_scope("agency-a")
    step = Step("Herinnering", StepChannel.EMAIL, 7, templates={"nl": "t1"})
    dunning.save_workflow(scope, Workflow("standaard", "Standaard", (step,), active=True))
    dunning.save_rules(scope, [SegmentRule("standaard")])
    world.services.people.onboarding.save_defaults_from(
        "agency-a", HouseStyle(primary_color="#123456")
    )
    return world


def _onboarded(world) -> list[str]:
    events = AuditRepository(world.store).between("agency:agency-a", "", "~")
    return [e.subject for e in events if e.event.name == "CLIENT_ONBOARDED"]


def _run(cut):
    plan = FaultPlan(enabled=True)
    world = _world(plan)
    log = cut_at_write(plan, cut, "timeout_after")
    first = world.agency_a.call("POST", "/v1/onboarding/clients", BODY).status
    plan.rules.clear()
    world.clock.advance(minutes=1)
    retry = world.agency_a.call("POST", "/v1/onboarding/clients", BODY)
    people = world.services.people
    dunning = world.services.repos.dunning
    cid = world.services.repos.clients.id_for_number("agency-a", "N1")
    found = world.services.repos.clients.get(cid) if cid else None
    user = people.kit.people.users.by_email("eerste@nieuw.example")
    invited = [k for k in people.kit.sent if world.services.messaging.outbox.get(cid or "", k)]
    return {
        "writes": list(log),
        "first": first,
        "retry": retry.status,
        "client row": found is not None,
        "defaults": bool(cid and "standaard" in dunning.workflows(cid) and dunning.rules(cid)),
        "user": user[0].status.value if user else None,
        "mails": len(invited),
        "onboarded": _onboarded(world) == [cid],
    }


def test_an_onboarding_cut_after_any_write_is_finished_by_its_retry():
    uncut = _run(None)
    assert uncut["first"] == 201 and uncut["client row"] and uncut["user"] == "invited"
    assert uncut["defaults"] and uncut["onboarded"] and uncut["mails"] == 1
    bad = []
    for k in range(1, len(uncut["writes"]) + 1):
        out = _run(k)
        fine = (
            out["first"] == 503 and out["retry"] in (200, 201) and out["client row"]
            and out["defaults"] and out["user"] == "invited" and out["onboarded"]
            and out["mails"] >= 1
        )  # fmt: skip
        if not fine:
            bad.append((k, uncut["writes"][k - 1], out))
    assert bad == [], "\n".join(map(str, bad))


def test_the_same_request_after_a_finished_onboarding_answers_it_and_writes_nothing():
    world = _world()
    a = world.agency_a
    made = a.call("POST", "/v1/onboarding/clients", BODY)
    assert made.status == 201, made.body
    sent = list(world.services.people.kit.sent)
    again = a.call("POST", "/v1/onboarding/clients", BODY)
    assert again.status == 201, again.body
    assert again.body["client_id"] == made.body["client_id"]
    assert again.body["first_user"]["user_id"] == made.body["first_user"]["user_id"]
    assert world.services.people.kit.sent == sent  # no second invitation
    assert _onboarded(world) == [made.body["client_id"]]


def test_the_number_of_another_client_stays_taken():
    world = _world()
    a = world.agency_a
    assert a.call("POST", "/v1/onboarding/clients", BODY).status == 201
    other = a.call("POST", "/v1/onboarding/clients", {**BODY, "name": "Ander B.V.",
                                                       "first_email": "ander@ander.example"})  # fmt: skip
    assert other.status == 422 and "client_number_taken" in str(other.body), other.body


def test_a_retry_copies_only_what_the_client_lacks():
    world = _world()
    onboarding = world.services.people.onboarding
    dunning = world.services.repos.dunning
    onboarding.copy_defaults("agency-a", "c-new")
    dunning.save_workflow("c-new", Workflow("standaard", "Eigen", (), active=True))
    onboarding.copy_defaults("agency-a", "c-new", missing_only=True)
    assert dunning.workflows("c-new")["standaard"].name == "Eigen"
