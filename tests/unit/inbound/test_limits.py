"""What one long e-mail may make the reader look up: the text matched is cut to what is
stored, forwarded senders and payment references are capped."""

from __future__ import annotations

import itertools
from datetime import timedelta

from shared.domain.inbound.mail import MailKind, ReceivedMail
from shared.domain.inbound.text import QUOTE_MARK, split_reply
from shared.domain.references.finder import ReferenceKind, find_references
from shared.services.inbound.candidates import MAX_FORWARDED
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

MAILBOX = "facturen@korenbloem.example"


def received(world, text: str, sender: str = "stranger@nowhere.example") -> ReceivedMail:
    return ReceivedMail(
        mailbox=MAILBOX, graph_id="AAMk1", internet_message_id="<m1@x.example>",
        received_at=world.clock.now() + timedelta(minutes=1), sender=sender, sender_name="X",
        subject="Vraag", body_text=text, unique_text=None, headers={},
    )  # fmt: skip


def client_with(world, debtors, invoices=()):
    a = world.agency_a
    assert (
        a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email=MAILBOX)]}).status
        == 200
    )
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": debtors}).status == 200
    if invoices:
        assert a.call("POST", "/v1/clients/C1/invoices", {"items": list(invoices)}).status == 200
    return world.services.repos.clients.get(a.call("GET", "/v1/clients/C1").body["client_id"])[0]


def test_only_the_first_forwarded_senders_are_looked_up(world):
    debtors = [debtor_row(f"D{i}", emails=[f"d{i}@x.example"]) for i in range(6)]
    client = client_with(world, debtors)
    blocks = "".join(
        f"\n---------- Forwarded message ---------\nFrom: D <d{i}@x.example>\n\nTekst {i}\n"
        for i in range(6)
    )
    text = split_reply("Zie hieronder." + blocks)
    assert len(text.forwarded_from) == 6
    hits = world.services.inbound_filing.finder.hits(
        [client], "stranger@nowhere.example", {}, text, "Fwd"
    )
    assert {h.debtor_number for h in hits} == {f"D{i}" for i in range(MAX_FORWARDED)}


def test_text_beyond_what_is_stored_is_not_matched(world):
    client = client_with(
        world, [debtor_row("D1"), debtor_row("D2")],
        [invoice_row("F-1001", "D1"), invoice_row("F-2002", "D2")],
    )  # fmt: skip
    body = "Over F-1001.\n" + ("bla bla " * 20_000) + "\nEn F-2002."
    filing = world.services.inbound_filing
    filing.file(received(world, body), MailKind.CORRESPONDENCE, [client], [])
    mail = filing.mail.list(client.client_id, linked=None, page_size=5, continuation=None)[0][0]
    assert [c.debtor_number for c in mail.candidates] == ["D1"]


def test_many_quote_marks_split_as_before():
    lines = [QUOTE_MARK, "", "---------- Forwarded message ---------", "From: A <a@x.example>", ""]
    lines += ["Tekst"] + [QUOTE_MARK, "> oud"] * 3
    text = split_reply("\n".join(lines))
    assert text.forwarded_from == ("a@x.example",)
    assert "Tekst" in text.fresh and "oud" in text.quoted


def test_references_found_in_a_long_text_do_not_overlap():
    text = " ".join(["RF18539007547034", "5000 0567 8901 2345", "+++090/9337/55493+++"] * 300)
    found = find_references(text)
    spans = sorted((r.start, r.end) for r in found)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert {r.kind for r in found} >= {ReferenceKind.RF, ReferenceKind.BELGIAN}
