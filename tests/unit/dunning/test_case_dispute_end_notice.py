"""newcomer24 F6: a dispute on an invoice the agency collects (a case), ended with a message,
mailed the debtor "Wij hervatten de invordering op <day>" in the client's voice, signed by
nobody, while the client's dunning skips the invoice and the agency is the one collecting. Now
the notice says the agency goes on collecting it (by name, whom to pay and what to quote),
promises no resumption by the client, is signed by the client that sends it, and the invoice
is not paused for a resumption that never comes. An invoice the client collects keeps its
notice (test_dispute_ended_debtor_told)."""

from __future__ import annotations

from dataclasses import replace

from shared.domain.messaging import Channel
from shared.domain.statements.client_code import client_code
from shared.services.conversations.by_hand import HandMessage
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401


def test_the_notice_names_the_agency_that_goes_on_and_is_signed(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    handed_over(world, client)
    agencies = world.services.repos.agencies
    agencies.save(replace(agencies.get("agency-a"), name="Kust Incasso {{ B.V. }}",
                          third_party_iban="NL77ABNA0574908765"))  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "kapot"}).status == 200
    reply = a.call(
        "POST",
        "/v1/clients/C1/invoices/F1/resolve-dispute",
        {"message": "Geleverd en getekend", "notify_debtor": True},
    )
    assert reply.status == 200, reply.body
    [notice] = [
        m for m, _ in world.services.messaging.outbox.with_prefix(client.client_id, "hand|")
    ]
    assert reply.body["notice"] == notice.key
    text = world.services.messaging.content_of(notice).text
    assert "hervatten" not in text  # no resumption by the client promised
    agency = "Kust Incasso {{ B.V. }}"  # a name printed as written, never rendered
    assert (
        f"{agency} int deze factuur nu voor Client C1 en zet de invordering voort. Betaal haar "
        f"niet aan Client C1, maar aan {agency}: maak over naar NL77ABNA0574908765 onder "
        f"vermelding van {client_code(client.client_id)} D1 F1. Hebt u vragen of bent u het er "
        f"niet mee eens, neem dan contact op met {agency} (zaken@agency-a.example)."
    ) in text
    assert text.rstrip().endswith("Met vriendelijke groet,\nClient C1")
    # the client's workflow skips it anyway: not paused for a day nobody resumes on
    assert reply.body["collection_resumes_on"] is None
    assert reply.body["paused_until"] is None


def test_a_person_s_message_ending_it_names_the_agency_not_a_resumption(engine):  # noqa: F811
    world, client = engine
    handed_over(world, client)
    services = world.services
    said = services.dispute_ending.told_by_hand(
        client,
        "D1",
        HandMessage(
            Channel.EMAIL, subject="Uw bezwaar", body="Wij houden F1 staande.", invoices=("F1",)
        ),
    )
    assert "hervatten" not in said.body
    assert said.body.endswith("neem dan contact op met {{ case_agency }}{% if case_email %} "
                              "({{ case_email }}){% endif %}.")  # fmt: skip
    assert dict(said.values)["case_agency"] == "AGENCY-A"
    text = services.by_hand.text_of(client.client_id, "D1", said)
    assert "AGENCY-A int deze factuur nu voor Client C1" in text
    assert "(zaken@agency-a.example)." in text
