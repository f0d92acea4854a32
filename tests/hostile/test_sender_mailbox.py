"""attack32b / sender33: a client's admin points its contact e-mail at a mailbox that is not
its own (another client's, the agency director's) and tries to make Inning send as it: by the
address alone, by guessing the code, by another client's code."""

from __future__ import annotations

from shared.domain.parties import Agency
from tests.hostile.conftest import record
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.sending.test_sender_through_api import AGENCY_BOX, admin_of, codes_mailed


def _two_clients(world):
    api = world.agency_a
    world.services.repos.agencies.save(Agency("agency-a", "AGENCY-A", contact_email=AGENCY_BOX))
    rows = [client_row("C1", contact_email="info@c1.example"),
            client_row("C2", contact_email="info@c2.example")]  # fmt: skip
    assert api.call("POST", "/v1/clients", {"items": rows}).status == 200
    for number in ("C1", "C2"):
        api.call("POST", f"/v1/clients/{number}/debtors", {"items": [debtor_row("D1")]})
        api.call("POST", f"/v1/clients/{number}/invoices", {"items": [invoice_row("F1", "D1")]})
    return api, admin_of(world, api, "C1"), admin_of(world, api, "C2")


def _mail_from(world, api, number):
    client_id = world.services.repos.clients.id_for_number("agency-a", number)
    sent = api.call("POST", f"/v1/clients/{number}/debtors/D1/messages",
                    {"channel": "email", "subject": "Vraag", "body": "Vraag"})  # fmt: skip
    assert sent.status == 202, sent.body
    records, _ = world.services.messaging.outbox.list(client_id)
    return {(r.sender, r.reply_to) for r in records if r.channel.value == "email"}


def test_another_clients_mailbox_is_never_the_from(world):
    _, own, _ = _two_clients(world)
    for target in ("info@c2.example", "INFO@C2.EXAMPLE", "directeur@agency-a.example"):
        put = own.call("PUT", "/v1/clients/C1/contact", {"contact_email": target})
        record("sender change", put.status)
        assert put.status == 200
        assert own.call("GET", "/v1/clients/C1/contact/verification").body["verified"] is False
    sent = _mail_from(world, own, "C1")
    assert sent == {(AGENCY_BOX, "directeur@agency-a.example")}, sent
    # a client's admin cannot take the agency's door
    marked = own.call("POST", "/v1/clients/C1/contact/verification/agency",
                      {"contact_email": "info@c2.example"})  # fmt: skip
    record("sender agency mark by client", marked.status)
    assert marked.status == 404


def test_wrong_codes_lock_and_the_right_one_then_fails(world):
    _, own, _ = _two_clients(world)
    own.call("PUT", "/v1/clients/C1/contact", {"contact_email": "info@c2.example"})
    [(_, code)] = codes_mailed(world, "info@c2.example")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    path = "/v1/clients/C1/contact/verification"
    answers = []
    for guess in [wrong] * 5 + [code]:
        reply = own.call("POST", path, {"code": guess})
        record("sender code guess", reply.status)
        answers.append(reply.body["error"]["details"][0]["code"])
    assert answers == ["sender_code_wrong"] * 5 + ["sender_code_none"]
    assert own.call("GET", path).body["verified"] is False
    # new codes: at most 5 a day (25 guesses a day in a million)
    statuses = [own.call("POST", f"{path}/code").status for _ in range(5)]
    record("sender code asked", statuses[-1])
    assert statuses == [202, 202, 202, 202, 422]
    # hostile codes end in a 4xx, never a 500
    for junk in ("", "x" * 21, "١٢٣٤٥٦", "12345\x00", None, 123456):
        reply = own.call("POST", path, {"code": junk})
        record("sender code junk", reply.status)
        assert 400 <= reply.status < 500, (junk, reply.body)


def test_client_as_code_proves_nothing_for_client_b(world):
    _, own_a, own_b = _two_clients(world)
    own_a.call("PUT", "/v1/clients/C1/contact", {"contact_email": "shared@x.example"})
    own_b.call("PUT", "/v1/clients/C2/contact", {"contact_email": "shared@x.example"})
    [(_, code_a)] = codes_mailed(world, "shared@x.example", "C1")
    [(_, code_b)] = codes_mailed(world, "shared@x.example", "C2")
    if code_a == code_b:  # one in a million: the hash binds the client all the same
        return
    reply = own_b.call("POST", "/v1/clients/C2/contact/verification", {"code": code_a})
    record("sender code of another client", reply.status)
    assert reply.status == 422
    assert reply.body["error"]["details"][0]["code"] == "sender_code_wrong"
    # and A's key cannot verify B at all
    other = own_a.call("POST", "/v1/clients/C2/contact/verification", {"code": code_b})
    record("sender code for another client", other.status)
    assert other.status == 404
    assert own_b.call("POST", "/v1/clients/C2/contact/verification", {"code": code_b}).status == 200


def test_changing_the_address_back_and_forth_mails_no_more_codes(world):
    """Each change mails a code (5 more guesses): the day's count goes on across changes, so
    flipping between two addresses cannot buy more guesses than asking for new codes."""
    _, own, _ = _two_clients(world)
    for n in range(8):
        target = "info@c2.example" if n % 2 == 0 else "directeur@agency-a.example"
        put = own.call("PUT", "/v1/clients/C1/contact", {"contact_email": target})
        record("sender change", put.status)
        assert put.status == 200  # the change is stored; only the code is not mailed
    mailed = codes_mailed(world, "info@c2.example") + codes_mailed(
        world, "directeur@agency-a.example"
    )
    assert len(mailed) == 5
    state = own.call("GET", "/v1/clients/C1/contact/verification").body
    assert state["verified"] is False and state["code_sent"] is False
    assert own.call("POST", "/v1/clients/C1/contact/verification/code").status == 422


def test_a_sandbox_client_mails_no_codes_to_strangers(world):
    """A trial (a sign-up in the sandbox) chooses its own name: a code mail from the agency's
    mailbox to any address it typed would carry that name to a stranger."""
    api = world.agency_a
    world.services.repos.agencies.save(Agency("agency-a", "AGENCY-A", contact_email=AGENCY_BOX))
    row = client_row("S1", contact_email="info@s1.example", sandbox=True,
                     sandbox_email="trial@s1.example")  # fmt: skip
    assert api.call("POST", "/v1/clients", {"items": [row]}).status == 200
    own = admin_of(world, api, "S1")
    assert (
        own.call("PUT", "/v1/clients/S1/contact", {"contact_email": "ceo@bank.example"}).status
        == 200
    )
    assert codes_mailed(world, "ceo@bank.example") == []
    asked = own.call("POST", "/v1/clients/S1/contact/verification/code")
    record("sender code in sandbox", asked.status)
    assert asked.status == 422
    assert asked.body["error"]["details"][0]["code"] == "sender_sandbox"
