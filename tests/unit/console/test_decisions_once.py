"""Review console7 F3: a decision on a debtor's request is taken once, as a whole, from the
user's view. A message that cannot be sent as written is refused before anything changes (the
page said "failed" while the invoice was paused or the dispute ended); the item is claimed
first, so of two people deciding at once one decides and the other is told who did, and the
debtor hears the decision that was taken; a failure after the effect is said as it is and
finished by doing the same decision again."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from shared.domain.invoices import InvoiceStatus
from shared.domain.people.authorisation import Role
from shared.domain.records import ActionStatus
from shared.services.errors import Invalid
from shared.services.request_decisions import CLAIM, AlreadyDecided, claim_of
from tests.unit.console.conftest import csrf_of, desk_for, forms_of
from tests.unit.console.test_action_decisions import request, seed, told


def grant_fields(page, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"csrf": csrf_of(page), "do": "grant", "channel": "email",
            "subject": "Uitstel toegekend", "body": "Toegekend tot 20-03-2025.", **extra}  # fmt: skip


def refuse_fields(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"csrf": csrf_of(page), "do": "refuse", "reason": "te laat", "channel": "email",
            "subject": "Uw verzoek", "body": "Geweigerd."}  # fmt: skip


def test_a_message_that_cannot_go_changes_nothing_and_the_other_decision_stays_possible(world, tenants):  # fmt: skip
    seed(world)
    item = request(world, tenants.c1, "D1", ("F1",))
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")
    failed = staff.post(f"/actions/{item.action_id}", grant_fields(page, subject=""))
    assert failed.status == 422  # an e-mail needs a subject: said before anything happened
    invoices = world.services.repos.invoices
    assert invoices.get(tenants.c1, "F1").invoice.paused_until is None
    stored = world.services.repos.actions.get(tenants.c1, item.action_id)[0]
    assert stored.status is ActionStatus.OPEN and claim_of(stored) is None
    # the staff member, told it did not work, refuses: nothing of the grant stands
    done = staff.post(f"/actions/{item.action_id}", refuse_fields(page))
    assert done.status == 303
    assert invoices.get(tenants.c1, "F1").invoice.paused_until is None
    assert told(world, tenants.c1, "D1") == ["Geweigerd."]


def test_ending_a_dispute_with_a_message_that_cannot_go_leaves_it_disputed(world, tenants):
    seed(world)
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices/F2/dispute",
                               {"reason": "never came"}).status == 200  # fmt: skip
    (item,) = list(world.services.action_desk.listed(tenants.c1, kind="dispute", assignee="",
                                                     resolved=False))  # fmt: skip
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")
    failed = staff.post(f"/actions/{item.action_id}", {
        "csrf": csrf_of(page), "do": "end-dispute", "channel": "email", "subject": "",
        "body": "De betwisting is afgesloten."})  # fmt: skip
    assert failed.status == 422
    invoice = world.services.repos.invoices.get(tenants.c1, "F2").invoice
    assert invoice.status is InvoiceStatus.DISPUTED  # dunning does not resume untold
    assert told(world, tenants.c1, "D1") == []


def test_a_message_failing_after_the_pause_is_said_and_finished_by_the_same_decision(world, tenants, monkeypatch):  # fmt: skip
    seed(world)
    item = request(world, tenants.c1, "D1", ("F1",))
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    other = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "t@c1.example")
    page = staff.get(f"/actions/{item.action_id}")
    by_hand = world.services.by_hand
    send = by_hand.send_by_hand

    def provider_down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise Invalid("the mail provider refused the message", field="channel")

    monkeypatch.setattr(by_hand, "send_by_hand", provider_down)
    half = staff.post(f"/actions/{item.action_id}", grant_fields(page))
    text = half.encoded().decode()
    assert half.status == 409 and "Niet gelukt" not in text
    assert "vastgelegd en uitgevoerd, maar het bericht aan de debiteur is niet verstuurd" in text
    invoices = world.services.repos.invoices
    assert invoices.get(tenants.c1, "F1").invoice.paused_until == date(2025, 3, 20)
    monkeypatch.setattr(by_hand, "send_by_hand", send)
    # a colleague opening the item sees the decision taken, and only it is offered
    seen = other.get(f"/actions/{item.action_id}")
    assert "Besluit genomen: Uitstel toekennen" in seen.encoded().decode()
    offered = [f for f in forms_of(seen) if 'name="do" value="refuse"' in f]
    assert offered == []
    refused = other.post(f"/actions/{item.action_id}", refuse_fields(seen))
    assert refused.status == 409 and "Er is al beslist" in refused.encoded().decode()
    assert told(world, tenants.c1, "D1") == []  # the refusal was not sent
    finished = staff.post(f"/actions/{item.action_id}", grant_fields(page))
    assert finished.status == 303
    stored = world.services.repos.actions.get(tenants.c1, item.action_id)[0]
    assert stored.status is ActionStatus.RESOLVED
    assert stored.resolution.startswith("postponement granted until 2025-03-20")
    assert told(world, tenants.c1, "D1") == ["Toegekend tot 20-03-2025."]


def test_of_two_deciding_at_once_the_claim_decides_and_the_loser_does_nothing(world, tenants, monkeypatch):  # fmt: skip
    """The refusal read the item before the grant claimed it: its claim is refused by the
    ETag, it reads again and stops; the grant is the one carried out and told."""
    seed(world)
    item = request(world, tenants.c1, "D1", ("F1",))
    services = world.services
    client = services.repos.clients.get(tenants.c1)[0]
    actions = services.repos.actions
    save = actions.save
    raced = {"done": False}

    def grant_claims_first(saved, etag):  # type: ignore[no-untyped-def]
        if not raced["done"] and (claim_of(saved) or {}).get("do") == "refuse":
            raced["done"] = True
            current, current_etag = actions.get(tenants.c1, item.action_id)
            claim = {"do": "grant", "by": "user:other", "at": "2025-03-04T09:00:00+00:00"}
            save(replace(current, detail={**current.detail, CLAIM: claim}), current_etag)
        return save(saved, etag)

    monkeypatch.setattr(actions, "save", grant_claims_first)
    from shared.domain.messaging import Channel
    from shared.services.conversations.by_hand import HandMessage

    no = HandMessage(Channel.EMAIL, subject="Uw verzoek", body="Geweigerd.")
    with pytest.raises(AlreadyDecided) as lost:
        services.request_decisions.refuse_postponement(client, item.action_id, "nee", "user:u1", no)
    assert lost.value.decision == "grant" and lost.value.by == "user:other"
    assert told(world, tenants.c1, "D1") == []
    assert actions.get(tenants.c1, item.action_id)[0].status is ActionStatus.OPEN
    # the grant finishes: its own message key, the debtor told the grant only
    yes = HandMessage(Channel.EMAIL, subject="Uitstel", body="Toegekend.")
    done = services.request_decisions.grant_postponement(client, item.action_id, "user:other", yes)
    assert done.item.status is ActionStatus.RESOLVED
    assert services.repos.invoices.get(tenants.c1, "F1").invoice.paused_until == date(2025, 3, 20)
    assert told(world, tenants.c1, "D1") == ["Toegekend."]


def test_closing_an_unfinished_decision_says_what_stands(world, tenants, monkeypatch):
    seed(world)
    item = request(world, tenants.c1, "D1", ("F1",))
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")

    def provider_down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise Invalid("the mail provider refused the message", field="channel")

    monkeypatch.setattr(world.services.by_hand, "send_by_hand", provider_down)
    assert staff.post(f"/actions/{item.action_id}", grant_fields(page)).status == 409
    closed = staff.post(f"/actions/{item.action_id}", {"csrf": csrf_of(page), "do": "resolve"})
    assert closed.status == 303
    stored = world.services.repos.actions.get(tenants.c1, item.action_id)[0]
    assert stored.resolution.startswith("closed with grant not finished")
    shown = staff.get(f"/actions/{item.action_id}").encoded().decode()
    assert "besluit &#39;uitstel toekennen&#39; niet afgerond" in shown or (
        "besluit 'uitstel toekennen' niet afgerond" in shown
    )
