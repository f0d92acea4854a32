"""An undelivered 14-day letter's report that dies after the message's status is saved (a
crash, or storage failing the contact log's insert, so the provider calls back again) still
tells staff: the repeated report makes the contact-log entry and the item the first one did
not, each once (failure5 finding 8); a repeat after staff confirmed receipt does not clear
the costs term again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from azure.core.exceptions import ServiceResponseError

from shared.domain.messaging import OutboxStatus
from tests.support.faults import SimulatedCrash
from tests.unit.dunning.test_undelivered_fourteen_day_letter import _letter_posted


@pytest.mark.parametrize("fault", ["crash", "outage", None], ids=["crash", "outage", "control"])
def test_a_report_redelivered_after_a_failure_tells_staff_once(world, monkeypatch, fault):
    a, _client, message = _letter_posted(world)
    world.clock.at = datetime(2025, 3, 7, 9, 0, tzinfo=UTC)
    messaging = world.services.messaging
    contacts = world.services.repos.contacts
    if fault:
        real = contacts.add

        def fails_once(entry):
            monkeypatch.setattr(contacts, "add", real)
            if fault == "crash":
                raise SimulatedCrash("after the status save")
            raise ServiceResponseError("injected: read timed out (insert ContactLog)")

        monkeypatch.setattr(contacts, "add", fails_once)
        with pytest.raises((SimulatedCrash, ServiceResponseError)):
            messaging.record_status(message.provider, message.provider_id,
                                    OutboxStatus.UNDELIVERABLE, "adres onbekend")  # fmt: skip
    # the provider calls back again (it got no 200)
    assert messaging.record_status(message.provider, message.provider_id,
                                   OutboxStatus.UNDELIVERABLE, "adres onbekend")  # fmt: skip
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-01").body
    failures = [i["title"] for i in a.call("GET", "/v1/clients/C1/actions").body["items"]
                if i["kind"] == "delivery_failure"]  # fmt: skip
    assert claim.get("costs_owed_from") is None  # the term is cleared either way
    # the rule: nothing lost silently; staff learn the letter never arrived (and must resend it)
    assert len(failures) == 1
    # a third report: nothing more
    assert messaging.record_status(message.provider, message.provider_id,
                                   OutboxStatus.UNDELIVERABLE, "adres onbekend")  # fmt: skip
    again = [i for i in a.call("GET", "/v1/clients/C1/actions").body["items"]
             if i["kind"] == "delivery_failure"]  # fmt: skip
    assert len(again) == 1


def test_a_repeat_after_staff_confirmed_receipt_keeps_the_costs_term(world):
    a, _client, message = _letter_posted(world)
    world.clock.at = datetime(2025, 3, 7, 9, 0, tzinfo=UTC)
    messaging = world.services.messaging
    assert messaging.record_status(message.provider, message.provider_id,
                                   OutboxStatus.UNDELIVERABLE, "adres onbekend")  # fmt: skip
    url = "/v1/clients/C1/invoices/F1/fourteen-day-letter-received"
    assert a.call("POST", url).body["costs_term_restored"] == ["F1"]
    assert messaging.record_status(message.provider, message.provider_id,
                                   OutboxStatus.UNDELIVERABLE, "adres onbekend")  # fmt: skip
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-01").body
    assert claim["costs_owed_from"] == "2025-03-20"
