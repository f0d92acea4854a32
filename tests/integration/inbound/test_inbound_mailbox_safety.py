"""Whose mailbox is read for whom, and one bad mailbox or message never stops the run
(findings of the attacker review of the inbound reader)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared.adapters.channels.graph_inbox import GraphInbox
from shared.adapters.tables.linked_accounts_repo import GraphLink, LinkedAccountRepository
from shared.domain.inbound.mail import AttachmentNote, MailKind, ReceivedMail
from shared.domain.parties import Client
from shared.services.inbound.filing import MailFiling
from shared.services.inbound.reader import MAX_FAILURES, InboxReader
from tests.integration.inbound.test_inbound_mail_graph import MAILBOX, TENANT, Setup, setup
from tests.unit.api.conftest import client_row, debtor_row
from tests.unit.inbound.fixtures import graph_message

__all__ = ["setup"]


def plain(sender: str, subject: str, text: str) -> dict[str, object]:
    m = graph_message("two_debtors")
    m["from"] = {"emailAddress": {"name": "X", "address": sender}}
    m["subject"] = subject
    m["body"] = {"contentType": "text", "content": text}
    return m


def listing(s: Setup, api_client: object, number: str) -> list[dict[str, Any]]:
    r = api_client.call("GET", f"/v1/clients/{number}/inbound-mail")  # type: ignore[attr-defined]
    assert r.status == 200
    return list(r.body["items"])


def reader_with(s: Setup, inbox_for=None, filing: MailFiling | None = None) -> InboxReader:
    base = s.reader()
    return InboxReader(
        s.services.repos, s.services.files, filing or s.services.inbound_filing,
        inbox_for or base.inbox_for, s.services.clock, operator_agency="agency-op",
    )  # fmt: skip


def link(s: Setup, client_id: str, mailbox: str, tenant: str = TENANT) -> None:
    LinkedAccountRepository(s.services.repos.store).save_graph(
        GraphLink(client_id, tenant, mailbox, s.services.clock.now())
    )


def other_agency_client(s: Setup, number: str, contact: str) -> str:
    b = s.other_agency
    assert (
        b.call("POST", "/v1/clients", {"items": [client_row(number, contact_email=contact)]}).status
        == 200
    )
    return str(b.call("GET", f"/v1/clients/{number}").body["client_id"])


# -- HIGH 1: another agency cannot read, take over or answer a client's mailbox -------------
def test_a_mailbox_a_client_linked_is_never_read_for_another_agencys_client(setup: Setup):
    link(setup, setup.client_id, MAILBOX)
    other_agency_client(setup, "X1", MAILBOX)
    assert setup.other_agency.call("POST", "/v1/clients/X1/debtors", {"items": [
        debtor_row("DX", emails=["jan@devries.example"])]}).status == 200  # fmt: skip
    reader = reader_with(setup)
    boxes = reader.mailboxes()
    assert [c.number for c in boxes[MAILBOX]] == ["C1"]
    reader.run()
    setup.graph.deliver(MAILBOX, plain("jan@devries.example", "Vraag", "Bel mij over de rekening."))
    reader.run()
    assert listing(setup, setup.other_agency, "X1") == []
    assert len(listing(setup, setup.agency, "C1")) == 1


def test_clients_of_two_agencies_behind_an_unlinked_mailbox_are_refused_and_the_operator_asked(
    setup: Setup,
):
    other_agency_client(setup, "X1", MAILBOX)
    reader = reader_with(setup)
    assert MAILBOX not in reader.mailboxes()
    report = reader.run()
    assert report.mailboxes == 0
    items, _ = setup.services.repos.actions.list("agency-op")
    assert [a.kind for a in items] == ["inbound_mailbox_shared"]
    assert MAILBOX not in items[0].title, "the operator's item masks the address"


def test_a_client_with_its_own_tenant_never_reads_through_the_app_wide_registration(setup: Setup):
    # C1 linked its tenant with another mailbox; its contact e-mail is no mailbox of that tenant
    link(setup, setup.client_id, "eigen@korenbloem.example", tenant="client-tenant")
    boxes = reader_with(setup).mailboxes()
    assert MAILBOX not in boxes
    assert [c.number for c in boxes["eigen@korenbloem.example"]] == ["C1"]


def test_unmatched_mail_of_a_shared_mailbox_goes_to_that_agency(setup: Setup):
    assert (
        setup.agency.call(
            "POST", "/v1/clients", {"items": [client_row("C2", contact_email=MAILBOX)]}
        ).status
        == 200
    )
    reader = reader_with(setup)
    reader.run()
    setup.graph.deliver(MAILBOX, plain("stranger@nowhere.example", "Hallo", "Wie leest dit?"))
    reader.run()
    items, _ = setup.services.repos.actions.list("agency-a")
    assert any(a.kind == "inbound_mail" and "matches no debtor" in a.title for a in items)
    assert not setup.services.repos.actions.list("agency-b")[0]


# -- HIGH 2: one bad mailbox or message never stops the run ---------------------------------
def test_an_unknown_user_is_that_mailboxs_failure_only_and_a_person_is_asked_after_repeats(
    setup: Setup,
):
    assert (
        setup.agency.call(
            "POST", "/v1/clients", {"items": [client_row("C0", contact_email="aaa@gmail.example")]}
        ).status
        == 200
    )
    setup.graph.unknown_users.add("aaa@gmail.example")
    reader = reader_with(setup)
    first = reader.run()
    assert (
        set(first.failed) == {"aaa@gmail.example"}
        and "ErrorInvalidUser" in first.failed["aaa@gmail.example"]
    )
    setup.graph.deliver(MAILBOX, plain("jan@devries.example", "Vraag", "Bel mij over de rekening."))
    assert reader.run().filed == 1, "facturen@ is read although aaa@ fails"
    reader.run()
    c0 = setup.agency.call("GET", "/v1/clients/C0").body["client_id"]
    items, _ = setup.services.repos.actions.list(c0)
    assert [a.kind for a in items] == ["inbound_mailbox_unreadable"]
    assert "aaa@gmail.example" not in items[0].title


class _Choking(MailFiling):
    """The real filing, except that one subject makes it fail (a message it cannot file)."""

    def __init__(self, real: MailFiling) -> None:
        super().__init__(real.repos, real.mail, real.finder, real.messaging, real.clock)

    def file(self, received: ReceivedMail, kind: MailKind, clients: Sequence[Client],
             attachments: Sequence[AttachmentNote], *, wait_for_index: bool = True,
             ) -> list[str]:  # fmt: skip
        if received.subject == "Gif":
            raise ValueError("cannot file this one")
        return super().file(received, kind, clients, attachments, wait_for_index=wait_for_index)


def test_a_poison_message_is_set_aside_and_does_not_hold_back_the_others(setup: Setup):
    reader = reader_with(setup, filing=_Choking(setup.services.inbound_filing))
    reader.run()
    setup.graph.deliver(MAILBOX, plain("jan@devries.example", "Gif", "Deze gaat mis."))
    setup.graph.deliver(MAILBOX, plain("jan@devries.example", "Vraag", "Bel mij over de rekening."))
    first = reader.run()
    assert first.filed == 1, "the good message on the same page is filed at once"
    assert MAILBOX in first.failed
    for _ in range(MAX_FAILURES - 2):
        assert MAILBOX in reader.run().failed, "tried again while under the limit"
    assert not [a for a in setup.services.repos.actions.list(setup.client_id)[0]]
    reader.run()  # the last try: set aside
    last = reader.run()
    assert not last.failed, "the poison message no longer holds the mailbox"
    kinds = [a.kind for a in setup.services.repos.actions.list(setup.client_id)[0]]
    assert kinds.count("inbound_mail_unreadable") == 1
    assert len(setup.graph.mailbox(MAILBOX).messages) == 2, "set aside, not deleted"
    setup.graph.deliver(MAILBOX, plain("info@pietersen.example", "Later", "Nog een vraag."))
    assert reader.run().filed == 1


def test_a_message_that_never_finishes_counts_as_an_attempt(setup: Setup):
    reader = reader_with(setup)
    reader.run()
    setup.graph.deliver(MAILBOX, plain("jan@devries.example", "Vraag", "Bel mij."))
    from shared.domain.inbound.mail import mail_key

    message = next(iter(setup.graph.mailbox(MAILBOX).messages.values()))
    key = mail_key(MAILBOX, str(message.get("internetMessageId") or message["id"]))
    # earlier runs were killed (a timeout) while filing it: only their attempts were stored
    for _ in range(MAX_FAILURES):
        reader.seen.failed(MAILBOX, key, "attempted", setup.services.clock.now())
    report = reader.run()
    assert report.filed == 0 and not report.failed
    assert [a.kind for a in setup.services.repos.actions.list(setup.client_id)[0]] == [
        "inbound_mail_unreadable"
    ]


def test_graph_inbox_quotes_the_mailbox_as_one_path_segment(setup: Setup):
    base = setup.reader().inbox_for(MAILBOX)
    assert isinstance(base, GraphInbox)
    assert base._mailbox("a/b@x.example").endswith("/users/a%2Fb%40x.example")


# -- MEDIUM 4: bounces are what the mail system says, and touch only the mailbox's clients ---
def test_a_debtors_dispute_titled_niet_bezorgd_is_correspondence(setup: Setup):
    reader = reader_with(setup)
    reader.run()
    setup.graph.deliver(MAILBOX, plain("jan@devries.example", "Niet bezorgd: factuur F-1001 betaal ik niet",
                                       "De bestelling is nooit geleverd. Ik betwist factuur F-1001."))  # fmt: skip
    report = reader.run()
    assert report.filed == 1 and report.bounces == 0
    assert any("Niet bezorgd" in s for s in setup.contacts("D1"))


def test_a_forged_bounce_never_marks_another_agencys_message(setup: Setup):
    from shared.domain.messaging import Channel, MessageContent, OutboundMessage, OutboxStatus

    reader = reader_with(setup)
    reader.run()
    xid = other_agency_client(setup, "X2", "info@elders.example")
    messaging = setup.services.messaging
    msg = OutboundMessage(xid, "dun|Q1|1", Channel.EMAIL, "Q1", "q1@x.example",
                          setup.services.clock.now(), sender="info@elders.example")  # fmt: skip
    messaging.enqueue(msg, MessageContent(subject="s", text="t"))
    messaging.deliver(xid, "dun|Q1|1")
    stored = messaging.outbox.get(xid, "dun|Q1|1")
    assert stored is not None
    ref = stored[0].reference
    setup.graph.deliver(MAILBOX, plain("postmaster@evil.example", "Undeliverable: whatever",
                                       f"X-Inning-Reference: {ref}"))  # fmt: skip
    assert reader.run().bounces == 1
    after = messaging.outbox.get(xid, "dun|Q1|1")
    assert after is not None and after[0].status is not OutboxStatus.BOUNCED


# -- MEDIUM 5: one long address never breaks imports or inbound mail -----------------------
def test_an_address_longer_than_254_characters_is_refused_per_row(setup: Setup):
    long = "a" * 1100 + "@x.example"
    rows = [debtor_row("L0", emails=["l0@ok.example"]), debtor_row("LBAD", emails=[long])]
    r = setup.agency.call("POST", "/v1/clients/C1/debtors", {"items": rows})
    assert r.status == 200 and r.body["created"] == 1 and r.body["rejected"] == 1
    assert r.body["errors"] == [
        {"index": 1, "field": "emails", "message": "an e-mail address has at most 254 characters"}
    ]
    stored = setup.services.repos.debtors.get_many(setup.client_id, ["L0", "LBAD"])
    assert sorted(stored) == ["L0"]


def test_a_long_address_stored_earlier_does_not_stop_inbound_mail(setup: Setup):
    from dataclasses import replace as copy

    reader = reader_with(setup)
    reader.run()
    d1 = setup.services.repos.debtors.get(setup.client_id, "D2")
    assert d1 is not None
    long = "a" * 1100 + "@x.example"
    setup.services.repos.debtors.save(copy(d1[0], emails=(*d1[0].emails, long)), d1[1])
    setup.graph.deliver(MAILBOX, plain(long, "Vraag", "Bel mij."))
    setup.graph.deliver(MAILBOX, plain("jan@devries.example", "Vraag", "Bel mij."))
    report = reader.run()
    assert report.filed == 2 and not report.failed
    assert any("Vraag" in s for s in setup.contacts("D1"))
    debtors = [m["debtors"] for m in listing(setup, setup.agency, "C1")]
    assert sorted(str(d) for d in debtors) == [str(["D1"]), str(["D2"])]


# -- MEDIUM 6: in a shared mailbox an uncertain match never hands another client the text ----
def test_a_certain_match_files_for_its_client_only(setup: Setup):
    from tests.unit.api.conftest import invoice_row

    reader = reader_with(setup)
    reader.run()
    a = setup.agency
    assert (
        a.call("POST", "/v1/clients", {"items": [client_row("C2", contact_email=MAILBOX)]}).status
        == 200
    )
    assert a.call("POST", "/v1/clients/C2/debtors", {"items": [debtor_row("Z1")]}).status == 200
    assert (
        a.call("POST", "/v1/clients/C2/invoices", {"items": [invoice_row("F-7007", "Z1")]}).status
        == 200
    )
    sent = setup.remind("D1", "dun|D1|9")
    text = "Ik betaal F-1001 morgen.\n\nOp 1 mrt 2025 schreef Korenbloem <x@y>:\n> Herinnering F-7007 openstaand"
    message = plain("jan@devries.example", "Re: herinnering", text)
    message["internetMessageHeaders"] = [
        {"name": "In-Reply-To", "value": str(sent["internetMessageId"])}
    ]
    setup.graph.deliver(MAILBOX, message)
    reader.run()
    assert [m["debtors"] for m in listing(setup, a, "C1")] == [["D1"]]
    assert listing(setup, a, "C2") == []


def test_uncertain_matches_at_two_clients_go_to_the_agency_only(setup: Setup):
    from tests.unit.api.conftest import invoice_row

    reader = reader_with(setup)
    reader.run()
    a = setup.agency
    assert (
        a.call("POST", "/v1/clients", {"items": [client_row("C2", contact_email=MAILBOX)]}).status
        == 200
    )
    assert a.call("POST", "/v1/clients/C2/debtors", {"items": [debtor_row("Z1")]}).status == 200
    assert (
        a.call("POST", "/v1/clients/C2/invoices", {"items": [invoice_row("F-7007", "Z1")]}).status
        == 200
    )
    setup.graph.deliver(
        MAILBOX, plain("stranger@nowhere.example", "Facturen", "Over F-1001 en F-7007.")
    )
    reader.run()
    assert listing(setup, a, "C1") == [] and listing(setup, a, "C2") == []
    items, _ = setup.services.repos.actions.list("agency-a")
    asked = [i for i in items if i.kind == "inbound_mail"]
    assert len(asked) == 1 and "D1" in asked[0].title and "Z1" in asked[0].title


# -- MEDIUM 7: nobody puts text on a dossier by typing its numbers or a forwarded header ------
def test_a_typed_forward_header_from_a_stranger_files_nothing(setup: Setup):
    reader = reader_with(setup)
    reader.run()
    body = ("Hallo\n\n---------- Forwarded message ---------\nFrom: Jan <jan@devries.example>\n\n"
            "Ik erken de schuld niet en betaal nooit. F-1001. Groet")  # fmt: skip
    setup.graph.deliver(
        MAILBOX, plain("attacker@evil.example", "Bericht namens Jan de Vries", body)
    )
    reader.run()
    assert setup.contacts("D1") == []
    mail = listing(setup, setup.agency, "C1")[0]
    assert not mail["linked"] and [c["debtor"] for c in mail["candidates"]] == ["D1"]


# -- low: ids, downloads, a looping delta ---------------------------------------------------
def test_every_graph_read_asks_for_immutable_ids(setup: Setup):
    reader = reader_with(setup)
    reader.run()
    setup.graph.deliver(MAILBOX, graph_message("reply_with_quote"))
    reader.run()
    gets = setup.server.requests("GET", "/users/")
    assert gets and all('IdType="ImmutableId"' in r.headers.get("prefer", "") for r in gets)


def test_a_delta_that_hands_back_the_same_next_link_ends_the_mailboxs_turn(setup: Setup):
    reader = reader_with(setup)
    reader.run()
    for n in range(120):
        setup.graph.deliver(MAILBOX, graph_message("out_of_office", in_reply_to=f"<x{n}@y>"))
    setup.graph.stuck_next_link = True
    report = reader.run()
    assert "DeltaLoop" in report.failed[MAILBOX]
    assert len(setup.server.requests("GET", "/messages/delta")) < 10


def test_an_attachments_name_is_downloaded_with_an_ascii_fallback():
    from shared.api.routes_inbound import content_disposition

    header = content_disposition("Factuur €5 счёт.pdf")
    header.encode("latin-1")  # a header must be Latin-1
    assert 'filename="Factuur _5 ____.pdf"' in header
    assert "filename*=UTF-8''Factuur%20%E2%82%AC5%20%D1%81%D1%87%D1%91%D1%82.pdf" in header
