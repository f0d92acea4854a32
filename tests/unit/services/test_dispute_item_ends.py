"""newcomer19 F6: D-2 disputed T-2026-103 in the portal (item "Betwisting van factuur ..."); the
agency ended the dispute through the API (``POST …/resolve-dispute``, dunning resumes), and the
item stayed open on both action lists (Today "Betwisting 1"): deciding it later would tell the
debtor of a decision taken days before. Every path that ends the dispute closes its item now,
with who ended it how; a decision in progress on the item is left to finish it."""

from __future__ import annotations

import pytest

from shared.api.console.action_text import resolution
from shared.domain.invoices import InvoiceStatus
from shared.domain.messaging import Channel
from shared.domain.records import ActionItem, ActionStatus
from shared.services.conversations.by_hand import HandMessage
from shared.services.ended_items import close_ended_disputes
from shared.services.errors import Invalid
from shared.services.request_decisions import AlreadyDecided
from tests.unit.api.conftest import World
from tests.unit.people.conftest import Tenants
from tests.unit.people.conftest import tenants as tenants
from tests.unit.services.test_request_decisions import NOW, seed

API = "/v1/clients/C1/invoices"


def _disputed(world: World, tenants: Tenants, number: str = "F1") -> ActionItem:
    seed(world, tenants)
    assert world.agency_a.call("POST", f"{API}/{number}/dispute", {"reason": "never came"}).status == 200  # fmt: skip
    (item,) = _waiting(world, tenants)
    return item


def _waiting(world: World, tenants: Tenants) -> list[ActionItem]:
    repos = world.services.repos
    items = [repos.actions.list(tenants.c1, status=s, kind="dispute")[0]
             for s in (ActionStatus.OPEN, ActionStatus.ASSIGNED)]  # fmt: skip
    return [i for page in items for i in page]


def _today_count(world: World, tenants: Tenants) -> int:
    figures = world.services.repos.actions.figures.read(tenants.c1)
    return figures.waiting_by_kind.get("dispute", 0)


def test_resolve_dispute_through_the_api_closes_the_item_and_the_debtor_gets_its_notice(
    world: World, tenants: Tenants
) -> None:
    item = _disputed(world, tenants)
    assert _today_count(world, tenants) == 1
    outbox_before = list(world.services.messaging.outbox.with_prefix(tenants.c1, "hand|"))
    assert world.agency_a.call("POST", f"{API}/F1/resolve-dispute").status == 200
    assert _waiting(world, tenants) == []
    assert _today_count(world, tenants) == 0
    done = world.services.repos.actions.get(tenants.c1, item.action_id)
    assert done is not None and done[0].status is ActionStatus.RESOLVED
    assert done[0].resolution is not None
    assert done[0].resolution.startswith("dispute over without this item: F1 open again (key:")
    # the consumer is told by the dispute's own notice (notice21), not by a message for the item
    after = list(world.services.messaging.outbox.with_prefix(tenants.c1, "hand|"))
    assert len(after) == len(outbox_before) + 1
    # deciding it later is refused: nothing is told of a decision already taken
    client = world.services.repos.clients.get(tenants.c1)
    assert client is not None
    tell = HandMessage(Channel.EMAIL, subject="Betwisting", body="De betwisting is beëindigd.")
    with pytest.raises(AlreadyDecided):
        world.services.request_decisions.end_dispute(client[0], item.action_id, "", "user:u1", tell)


def test_a_retry_after_a_cut_between_the_invoice_and_the_item_closes_it(
    world: World, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    _disputed(world, tenants)
    status = world.services.invoice_status
    client = world.services.repos.clients.get(tenants.c1)
    assert client is not None

    def cut(*args: object) -> None:
        raise ConnectionError("storage unreachable")

    monkeypatch.setattr(status, "_dispute_ended", cut)
    with pytest.raises(ConnectionError):
        status.resolve_dispute(client[0], "F1", "key:k1")
    monkeypatch.undo()
    stored = world.services.repos.invoices.get(tenants.c1, "F1")
    assert stored is not None and stored.invoice.status is InvoiceStatus.OPEN
    assert len(_waiting(world, tenants)) == 1
    with pytest.raises(Invalid):  # the invoice is open already: refused as before ...
        status.resolve_dispute(client[0], "F1", "key:k1")
    assert _waiting(world, tenants) == []  # ... and the item the first attempt left is closed
    assert _today_count(world, tenants) == 0


@pytest.mark.parametrize("how", ["credit", "withdraw"])
def test_a_credit_or_withdrawal_ends_the_dispute_and_its_item(
    world: World, tenants: Tenants, how: str
) -> None:
    item = _disputed(world, tenants)
    assert world.agency_a.call("POST", f"{API}/F1/{how}").status == 200
    found = world.services.repos.actions.get(tenants.c1, item.action_id)
    assert found is not None and found[0].status is ActionStatus.RESOLVED
    word = {"credit": "credited", "withdraw": "withdrawn"}[how]
    assert f"F1 {word} (key:" in str(found[0].resolution)
    assert _today_count(world, tenants) == 0


def test_a_payment_in_full_is_found_by_the_daily_look_and_a_dispute_still_on_stays(
    world: World, tenants: Tenants
) -> None:
    item = _disputed(world, tenants)
    assert world.agency_a.call("POST", f"{API}/G1/dispute", {"reason": "wrong"}).status == 200
    assert len(_waiting(world, tenants)) == 2
    # F1 paid in full by a booking path that knows nothing of disputes
    repos = world.services.repos
    stored = repos.invoices.get(tenants.c1, "F1")
    assert stored is not None
    repos.invoices.save(stored.invoice.apply_payment("p1", stored.invoice.amount), stored)
    world.services.dunning.run_client(tenants.c1, NOW.date())  # the daily run's look
    found = repos.actions.get(tenants.c1, item.action_id)
    assert found is not None
    assert found[0].resolution == "dispute over without this item: F1 paid"
    assert [i.invoice_numbers for i in _waiting(world, tenants)] == [("G1",)]
    assert close_ended_disputes(repos, tenants.c1, NOW) == 0  # once
    assert _today_count(world, tenants) == 1


def test_the_console_says_it_in_dutch() -> None:
    said = "dispute over without this item: F1 open again, F2 paid (key:64c0a50750c58ba7)"
    assert resolution(said, "nl", lambda _: None) == (
        "betwisting voorbij buiten dit item om: F1 weer open, F2 betaald (een API-sleutel)"
    )
    assert resolution("dispute over without this item: F1 credited", "nl", lambda _: None) == (
        "betwisting voorbij buiten dit item om: F1 gecrediteerd"
    )


def test_a_decision_in_progress_is_left_to_finish_the_item(world: World, tenants: Tenants) -> None:
    """The console's "betwisting beëindigen" ends the dispute through the same service: its
    own resolution and its message to the debtor stand, not the API's note."""
    item = _disputed(world, tenants)
    client = world.services.repos.clients.get(tenants.c1)
    assert client is not None
    tell = HandMessage(Channel.EMAIL, subject="Betwisting", body="We innen F1 weer.")
    done = world.services.request_decisions.end_dispute(
        client[0], item.action_id, "klopt niet", "user:u1", tell
    )
    assert done.item.resolution == "dispute ended: klopt niet (user:u1)"
    assert done.message_key is not None


def test_a_credit_of_an_invoice_never_disputed_reads_no_action_items(
    world: World, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(world, tenants)
    actions = world.services.repos.actions
    reads: list[object] = []
    real = actions.list

    def counted(*args: object, **kwargs: object) -> object:
        reads.append(kwargs.get("kind"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(actions, "list", counted)
    assert world.agency_a.call("POST", f"{API}/F1/credit").status == 200
    assert "dispute" not in reads
