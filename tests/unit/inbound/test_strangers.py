"""Mail that matches no debtor does not flood the action list (attack18 F5): one open item per
sender that counts his mail, a daily cap on new senders' items with one summary for the rest,
linking resolves, a message filed twice counts once, two filings at once keep the count."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from shared.domain.inbound.mail import MailKind, ReceivedMail
from shared.domain.records import ActionStatus
from shared.services.inbound.strangers import ASKED_PER_SENDER_PER_DAY, NEW_SENDER_ITEMS_PER_DAY
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

MAILBOX = "facturen@korenbloem.example"
STRANGER = "stranger@nowhere.example"


def mail(world, n: int, sender: str = STRANGER) -> ReceivedMail:
    return ReceivedMail(
        mailbox=MAILBOX, graph_id=f"AAMk{n}", internet_message_id=f"<m{n}@x.example>",
        received_at=world.clock.now() + timedelta(seconds=n), sender=sender, sender_name="X",
        subject=f"Vraag {n}", body_text=f"Betaal hier: https://x.example/{n}", unique_text=None,
        headers={},
    )  # fmt: skip


def setup(world):
    a = world.agency_a
    assert (
        a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email=MAILBOX)]}).status
        == 200
    )
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    client = world.services.repos.clients.get(a.call("GET", "/v1/clients/C1").body["client_id"])[0]
    return a, client


def file(world, client, received: ReceivedMail) -> None:
    world.services.inbound_filing.file(received, MailKind.CORRESPONDENCE, [client], [])


def items(world, client, status=None):
    found, _ = world.services.repos.actions.list(client.client_id, status=status, page_size=1000)
    return [i for i in found if i.kind == "inbound_mail"]


def test_two_hundred_mails_of_one_stranger_are_one_item_counting_them(world):
    a, client = setup(world)
    for n in range(200):
        file(world, client, mail(world, n))
    [item] = items(world, client)
    assert item.detail["count"] == 200 and item.detail["sender"] == STRANGER
    assert item.title == f"200 e-mails from {STRANGER} match no debtor: link them by hand"
    figures = world.services.repos.actions.figures.read(client.client_id)
    assert figures.waiting_by_kind.get("inbound_mail") == 1  # the Today page's count
    listed = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [(i["title"][:4], i["detail"]["count"]) for i in listed] == [("200 ", 200)]
    # every message is still in the inbound list, unlinked
    unlinked, more = world.services.inbound_mail.mail.list(
        client.client_id, linked=False, page_size=1000, continuation=None
    )
    assert len(unlinked) == 200 and more is None


def test_fifty_senders_get_the_days_cap_of_items_and_one_summary_for_the_rest(world):
    _, client = setup(world)
    for n in range(50):
        file(world, client, mail(world, n, sender=f"s{n}@rotate.example"))
    file(world, client, mail(world, 50, sender="s49@rotate.example"))  # over the cap: summary
    file(world, client, mail(world, 51, sender="s0@rotate.example"))  # has an item: counted
    found = items(world, client)
    senders = [i for i in found if "sender" in i.detail]
    [summary] = [i for i in found if "day" in i.detail]
    assert len(found) == NEW_SENDER_ITEMS_PER_DAY + 1 == len(senders) + 1
    assert summary.detail["count"] == 50 - NEW_SENDER_ITEMS_PER_DAY + 1
    assert summary.title.startswith(f"{50 - NEW_SENDER_ITEMS_PER_DAY + 1} more e-mail(s) from")
    assert {i.detail["sender"]: i.detail["count"] for i in senders}["s0@rotate.example"] == 2
    # the next day has room again
    world.clock.advance(days=1)
    file(world, client, mail(world, 60, sender="s45@rotate.example"))
    assert len(items(world, client)) == NEW_SENDER_ITEMS_PER_DAY + 2


def test_linking_one_of_his_mails_resolves_the_item_and_his_next_mail_opens_a_new_one(world):
    a, client = setup(world)
    for n in range(3):
        file(world, client, mail(world, n))
    [item] = items(world, client)
    assert item.detail["count"] == 3
    key = world.services.inbound_mail.mail.list(
        client.client_id, linked=False, page_size=1, continuation=None
    )[0][0].key
    linked = a.call("POST", f"/v1/clients/C1/inbound-mail/{key}/link", {"debtors": ["D1"]})
    assert linked.status == 200
    done = world.services.repos.actions.get(client.client_id, item.action_id)[0]
    assert done.status is ActionStatus.RESOLVED and done.detail["count"] == 3
    file(world, client, mail(world, 3))
    [fresh] = items(world, client, ActionStatus.OPEN)
    assert fresh.action_id != item.action_id and fresh.detail["count"] == 1
    assert fresh.title == f"E-mail from {STRANGER} matches no debtor: link it by hand"


def test_linking_a_mail_counted_on_the_summary_leaves_the_summary_open(world):
    a, client = setup(world)
    for n in range(NEW_SENDER_ITEMS_PER_DAY + 2):
        file(world, client, mail(world, n, sender=f"s{n}@rotate.example"))
    last = mail(world, NEW_SENDER_ITEMS_PER_DAY + 1, sender="x").key
    assert (
        a.call("POST", f"/v1/clients/C1/inbound-mail/{last}/link", {"debtors": ["D1"]}).status
        == 200
    )
    [summary] = [i for i in items(world, client) if "day" in i.detail]
    assert summary.status is ActionStatus.OPEN and summary.detail["count"] == 2


def test_the_same_message_filed_twice_counts_once_even_after_its_item_was_resolved(world):
    a, client = setup(world)
    first, second = mail(world, 1), mail(world, 2)
    file(world, client, first)
    file(world, client, first)  # at-least-once delivery
    file(world, client, replace(first, graph_id="AAMk-moved"))  # moved folder: new Graph id
    file(world, client, second)
    [item] = items(world, client)
    assert item.detail["count"] == 2
    assert (
        a.call("POST", f"/v1/clients/C1/inbound-mail/{first.key}/link", {"debtors": ["D1"]}).status
        == 200
    )
    file(world, client, second)  # redelivered after the link: no new item for it
    assert [i.status for i in items(world, client)] == [ActionStatus.RESOLVED]


def test_concurrent_filings_keep_the_count_and_make_one_item(world, monkeypatch):
    _, client = setup(world)
    store = world.services.repos.store
    real_insert, real_replace = store.insert, store.replace
    claiming, saving = [mail(world, 2)], [mail(world, 3)]
    lost: list[str] = []

    def racing_insert(table, row):
        # another instance files the sender's second mail while this one claims his item
        if table == "InboundMail" and str(row.rk).startswith("~s|") and claiming:
            file(world, client, claiming.pop())
        try:
            return real_insert(table, row)
        except Exception as exc:
            lost.append(f"insert {type(exc).__name__}")
            raise

    def racing_replace(table, row):
        # and his third between this one's read of the item and its save
        if table == "Actions" and saving and not claiming:
            file(world, client, saving.pop())
        try:
            return real_replace(table, row)
        except Exception as exc:
            lost.append(f"replace {type(exc).__name__}")
            raise

    monkeypatch.setattr(store, "insert", racing_insert)
    monkeypatch.setattr(store, "replace", racing_replace)
    file(world, client, mail(world, 1))
    file(world, client, mail(world, 4))
    assert not claiming and not saving
    assert "insert Conflict" in lost and "replace PreconditionFailed" in lost
    [item] = items(world, client)
    assert item.detail["count"] == 4


def test_mail_naming_a_candidate_keeps_its_own_item(world):
    a, client = setup(world)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F-1001", "D1")]})
    for n in range(3):
        file(world, client, replace(mail(world, n), body_text="Over factuur F-1001"))
    found = items(world, client)
    assert len(found) == 3 and all("count" not in i.detail for i in found)


def test_the_counted_titles_read_dutch_on_the_console():
    from datetime import date

    from shared.api.console import action_text
    from shared.services.inbound.strangers import sender_title, summary_title

    assert action_text.title(sender_title(STRANGER, 3), "nl") == (
        f"3 e-mails van {STRANGER} passen bij geen debiteur: koppel ze met de hand"
    )
    assert action_text.title(sender_title(STRANGER, 1), "nl") == (
        f"E-mail van {STRANGER} past bij geen debiteur: koppel hem met de hand"
    )
    assert action_text.title(summary_title(30, date(2026, 12, 3)), "nl") == (
        "Nog 30 e-mail(s) van onbekende afzenders op 03-12-2026: "
        "elk staat in de lijst binnengekomen e-mail"
    )
    assert action_text.detail_label("sender", "nl") == "Afzender"


def test_a_summary_resolved_by_hand_keeps_counting_the_days_rest_without_reopening(world):
    _, client = setup(world)
    for n in range(NEW_SENDER_ITEMS_PER_DAY + 1):
        file(world, client, mail(world, n, sender=f"s{n}@rotate.example"))
    [summary] = [i for i in items(world, client) if "day" in i.detail]
    actions = world.services.repos.actions
    assert actions.resolve_if_open(
        client.client_id, summary.action_id, "resolved", world.clock.now()
    )
    waiting = actions.figures.read(client.client_id).waiting_by_kind.get("inbound_mail")
    assert waiting == NEW_SENDER_ITEMS_PER_DAY
    file(world, client, mail(world, 99, sender="late@rotate.example"))
    after = actions.get(client.client_id, summary.action_id)[0]
    assert after.status is ActionStatus.RESOLVED and after.detail["count"] == 2
    assert after.title.startswith("2 more e-mail(s)")
    assert actions.figures.read(client.client_id).waiting_by_kind.get("inbound_mail") == waiting


def test_a_stranger_naming_an_invoice_gets_a_few_items_a_day_then_his_counted_one(world):
    """attack20 F3: the bound above held only for mail naming nobody: 200 mails from one
    address on no debtor's file, each naming F-1001 (printed on every reminder), made 200
    items, and 200 addresses 200 more."""
    a, client = setup(world)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F-1001", "D1")]})
    for n in range(200):
        file(world, client, replace(mail(world, n), body_text=f"Factuur F-1001: {n}"))
    found = items(world, client)
    asked = [i for i in found if "count" not in i.detail]
    [counted] = [i for i in found if "count" in i.detail]
    assert len(asked) == ASKED_PER_SENDER_PER_DAY and len(found) == ASKED_PER_SENDER_PER_DAY + 1
    assert counted.detail["count"] == 200 - ASKED_PER_SENDER_PER_DAY
    assert all(i.detail["candidates"][0]["debtor"] == "D1" for i in asked)
    # every message stays in the inbound list with its candidate, to be linked
    unlinked, _ = world.services.inbound_mail.mail.list(
        client.client_id, linked=False, page_size=1000, continuation=None
    )
    assert len(unlinked) == 200 and all(m.candidates for m in unlinked)
    # rotating addresses share the day's count of new senders with mail naming nobody
    for n in range(200, 400):
        file(world, client, replace(mail(world, n, sender=f"s{n}@rotate.example"),
                                    body_text="F-1001"))  # fmt: skip
    # the first sender's 3 + 1, one each for the other 19 senders the day has room for, and
    # the day's summary counting the other 181
    day = ASKED_PER_SENDER_PER_DAY + 1 + (NEW_SENDER_ITEMS_PER_DAY - 1) + 1
    found = items(world, client)
    assert len(found) == day
    [summary] = [i for i in found if "day" in i.detail]
    assert summary.detail["count"] == 200 - (NEW_SENDER_ITEMS_PER_DAY - 1)
    # the next day the first sender asks again
    world.clock.advance(days=1)
    file(world, client, replace(mail(world, 400), body_text="F-1001"))
    assert len(items(world, client)) == day + 1


def test_a_strangers_mail_naming_an_invoice_filed_again_is_filed_as_before(world):
    a, client = setup(world)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F-1001", "D1")]})
    first = [replace(mail(world, n), body_text="F-1001") for n in range(5)]
    for received in first:
        file(world, client, received)
    for received in first:  # at-least-once delivery
        file(world, client, received)
    found = items(world, client)
    [counted] = [i for i in found if "count" in i.detail]
    assert len(found) == ASKED_PER_SENDER_PER_DAY + 1 and counted.detail["count"] == 2


def test_the_days_last_new_sender_filed_again_after_others_keeps_his_item(world, monkeypatch):
    """failure20 S1: the 20th new sender's filing cut after the day's count (a 503 on his
    item's pointer), three more senders, then the queue delivers his mail again: he was judged
    by the day's total (23) and went on the summary; the day had 19 senders' items."""
    from azure.core.exceptions import HttpResponseError

    _, client = setup(world)
    for n in range(NEW_SENDER_ITEMS_PER_DAY - 1):
        file(world, client, mail(world, n, sender=f"s{n}@rotate.example"))
    store = world.services.inbound_filing.strangers.store
    real = store.insert
    cut = {"left": 1}

    def insert(table, row, *args, **kw):
        if row.rk.startswith("~s|") and cut["left"]:
            cut["left"] -= 1
            raise HttpResponseError("injected: 503 ServerBusy")
        return real(table, row, *args, **kw)

    monkeypatch.setattr(store, "insert", insert)
    last = mail(world, 19, sender="s19@rotate.example")
    with pytest.raises(HttpResponseError):
        file(world, client, last)
    for n in range(20, 23):
        file(world, client, mail(world, n, sender=f"s{n}@rotate.example"))
    file(world, client, last)  # delivered again
    found = items(world, client)
    senders = {i.detail["sender"] for i in found if "sender" in i.detail}
    [summary] = [i for i in found if "day" in i.detail]
    assert len(senders) == NEW_SENDER_ITEMS_PER_DAY and "s19@rotate.example" in senders
    assert summary.detail["count"] == 3
