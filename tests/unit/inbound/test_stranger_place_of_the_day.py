"""An unknown sender's mail is judged by the sender's own place among the day's new senders, as
a WhatsApp number's message is (failure19 W1), not by how many came since: the day's first
sender, whose item a credit manager resolved, wrote again after twenty others and his mail went
onto the day's summary of "more e-mails from unknown senders" instead of an item of his own
(codereview20 F7)."""

from __future__ import annotations

from shared.services.inbound.strangers import NEW_SENDER_ITEMS_PER_DAY
from tests.unit.inbound.test_strangers import STRANGER, file, items, mail, setup


def test_the_days_first_sender_writing_again_gets_his_own_item(world):  # type: ignore[no-untyped-def]
    _, client = setup(world)
    file(world, client, mail(world, 0))
    [first] = items(world, client)
    repos = world.services.repos
    repos.actions.resolve_if_open(client.client_id, first.action_id, "answered", world.clock.now())
    for n in range(1, NEW_SENDER_ITEMS_PER_DAY + 1):  # twenty more senders that day
        file(world, client, mail(world, n, sender=f"s{n}@other.example"))
    file(world, client, mail(world, 100))
    open_ = [i for i in items(world, client) if i.status.value == "open"]
    mine = [i for i in open_ if i.detail.get("sender") == STRANGER]
    assert [i.detail["count"] for i in mine] == [1]
    # the twenty-first new sender is the one the summary counts
    [summary] = [i for i in open_ if "more e-mail" in i.title]
    assert summary.detail["count"] == 1
