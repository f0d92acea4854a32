"""Whom a message concerns: certain, or candidates for a person."""

from __future__ import annotations

from shared.domain.inbound.answers import outbound_message_id, references_for, thread_ids
from shared.domain.inbound.matching import Evidence, Hit, decide


def hit(debtor, evidence, detail, client="c1", invoice=None):
    return Hit(client, debtor, evidence, detail, invoice)


def numbers(candidates):
    return [(c.client_id, c.debtor_number) for c in candidates]


def test_an_answer_to_our_reminder_is_certain():
    d = decide([hit("D1", Evidence.THREAD, "answers inn-x"), hit("D1", Evidence.SENDER, "a@x")])
    assert numbers(d.certain) == [("c1", "D1")] and not d.uncertain and not d.needs_a_person


def test_a_message_naming_two_debtors_invoices_from_their_address_concerns_both():
    d = decide([hit("D1", Evidence.INVOICE, "F-1001", invoice="F-1001"),
                hit("D2", Evidence.INVOICE, "F-2002", invoice="F-2002"),
                hit("D1", Evidence.SENDER, "bk@x"), hit("D2", Evidence.SENDER, "bk@x")])  # fmt: skip
    assert numbers(d.certain) == [("c1", "D1"), ("c1", "D2")]
    assert d.certain[0].invoice_numbers == ("F-1001",)


def test_invoice_numbers_alone_from_an_unknown_sender_are_candidates():
    d = decide([hit("D1", Evidence.INVOICE, "F-1001", invoice="F-1001"),
                hit("D2", Evidence.REFERENCE, "5000056789012345")])  # fmt: skip
    assert not d.certain and numbers(d.uncertain) == [("c1", "D1"), ("c1", "D2")]


def test_a_forwarded_from_line_is_a_candidate_only():
    d = decide([hit("D1", Evidence.FORWARDED, "jan@x")])
    assert not d.certain and numbers(d.uncertain) == [("c1", "D1")]
    d = decide([hit("D1", Evidence.FORWARDED, "jan@x"), hit("D1", Evidence.INVOICE, "F-1")])
    assert not d.certain


def test_an_invoice_number_two_clients_share_decides_nothing():
    d = decide(
        [
            hit("D1", Evidence.INVOICE, "F-1", client="c1"),
            hit("D9", Evidence.INVOICE, "F-1", client="c2"),
        ]
    )
    assert not d.certain and len(d.uncertain) == 2 and d.needs_a_person
    assert any("several debtors" in n for n in d.notes)


def test_the_only_debtor_with_the_address_is_certain_but_a_shared_address_is_not():
    assert numbers(decide([hit("D1", Evidence.SENDER, "a@x")]).certain) == [("c1", "D1")]
    shared = decide([hit("D1", Evidence.SENDER, "a@x"), hit("D2", Evidence.SENDER, "a@x")])
    assert not shared.certain and numbers(shared.uncertain) == [("c1", "D1"), ("c1", "D2")]


def test_the_address_and_another_debtors_number_leave_both_to_a_person():
    d = decide([hit("D1", Evidence.SENDER, "a@x"), hit("D2", Evidence.INVOICE, "F-2")])
    assert not d.certain and numbers(d.uncertain) == [("c1", "D1"), ("c1", "D2")]


def test_a_number_only_in_the_quoted_history_is_a_candidate():
    d = decide([hit("D1", Evidence.QUOTED, "F-1")])
    assert not d.certain and numbers(d.uncertain) == [("c1", "D1")]


def test_nothing_found_needs_a_person():
    assert decide([]).needs_a_person


def test_message_ids_and_thread_headers():
    mid = outbound_message_id("client-1", "dun|D1|2025-03-03", "facturen@korenbloem.example")
    assert mid.startswith("<inn.") and mid.endswith("@korenbloem.example>")
    assert mid == outbound_message_id(
        "client-1", "dun|D1|2025-03-03", "facturen@korenbloem.example"
    )
    assert mid != outbound_message_id(
        "client-2", "dun|D1|2025-03-03", "facturen@korenbloem.example"
    )
    assert thread_ids("<b@x>", "<a@x> <b@x>") == ["<b@x>", "<a@x>"]
    assert references_for("<c@x>", "<a@x> <b@x>") == "<a@x> <b@x> <c@x>"
