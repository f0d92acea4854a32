"""lawyer20 L2 (notice21): a dispute the client rejects through the API is told to the debtor
before collection resumes.

Consumer D-1, F1 1,000.00 due 15-11-2026, the starter workflow (reminder, SMS, the 14-day
letter 6-12), disputed 20-12, the dispute ended 10-1-2027 (test_dispute_ended_resumes_dunning's
case). Before: ``resolve-dispute`` took no words and sent nothing; the next thing the consumer
met was the call task on 11-1 and the hand-over to the agency on 25-1, without a word on his
dispute. Now: one notice (e-mail, Dutch) naming F1, what is open, the client's reason, the
portal link and the day collection resumes (24-01-2027), the call not before that day; a
consumer the client chose not to tell is held until a person resumes the invoice; a business
goes on at once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from shared.domain.records import ActionStatus
from shared.services.dunning_starter import save_starter
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN
from tests.unit.dunning.test_dispute_ended_resumes_dunning import _days

REASON = "Geleverd op 3-12, getekend door {{ debtor.name }}"
END = "/v1/clients/C1/invoices/F1/resolve-dispute"


def _disputed(
    world: Any, kind: str = "b2c", disputed_on: date = date(2026, 12, 20), **debtor: Any
) -> Any:
    client = collecting(world, kind, until=disputed_on, **debtor)
    reply = world.agency_a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "nooit geleverd"})  # fmt: skip
    assert reply.status == 200, reply.body
    _days(world, client, disputed_on + timedelta(days=1), date(2027, 1, 10))
    return client


def collecting(
    world: Any, kind: str = "b2c", until: date = date(2026, 12, 20), **debtor: Any
) -> Any:
    """C1 with the starter set, D-1 owing F1 1,000.00 due 15-11-2026, run daily to ``until``."""
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors",
           {"items": [debtor_row("D-1", name="Jansen, P.", kind=kind, **debtor)]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    save_starter(world.services.repos, client.client_id)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D-1", amount="1000.00", invoice_date="2026-11-01", due_date="2026-11-15"),
    ]})  # fmt: skip
    _days(world, client, date(2026, 11, 16), until)
    return client


def _notices(world: Any, client: Any) -> list[Any]:
    outbox = world.services.messaging.outbox.with_prefix(client.client_id, "hand|")
    return [m for m, _ in outbox]


def _calls(world: Any) -> list[str]:
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [str(i["created_at"])[:10] for i in items
            if i["kind"] == "staff_task" and str(i["title"]).startswith("Bellen")]  # fmt: skip


def _cases(world: Any) -> list[str]:
    return [str(c["created_at"])[:10] for c in world.agency_a.call("GET", "/v1/cases").body["items"]]  # fmt: skip


def test_a_consumer_is_told_once_and_collection_waits_for_the_day_the_notice_names(
    world: Any,
) -> None:
    client = _disputed(world)
    reply = world.agency_a.call("POST", END, {"message": REASON})
    assert reply.status == 200, reply.body
    assert reply.body["status"] == "open"
    assert reply.body["collection_resumes_on"] == "2027-01-24"
    (notice,) = _notices(world, client)
    assert reply.body["notice"] == notice.key
    assert notice.to == "d-1@example.nl" and notice.invoice_numbers == ("F1",)
    content = world.services.messaging.content_of(notice)
    assert content.subject == "Uw bezwaar tegen factuur F1"
    text = content.text
    assert "Onze toelichting: " + REASON in text  # printed as written, never rendered
    assert "Wij hervatten de invordering op 24-01-2027" in text
    # principal and the interest to today: the 14-day letter's costs 150.00 are held by the
    # dispute raised inside its term until the day named (lawyer26 F6; was € 1.156,03)
    assert "Open op deze factuur op dit moment: € 1.006,03." in text
    assert text.split("ziet u op ")[1].startswith("http://localhost:7071/api/p/")
    # a retry (the answer lost) sends nothing twice
    again = world.agency_a.call("POST", END, {"message": REASON})
    assert again.status == 422
    assert again.body["error"]["details"][0]["code"] == "invoice_not_disputed"
    assert len(_notices(world, client)) == 1
    _days(world, client, date(2027, 1, 11), date(2027, 2, 10))
    assert _calls(world) == ["2027-01-24"]
    assert _cases(world) == ["2027-02-07"]


def test_a_consumer_not_told_is_held_until_a_person_resumes_the_invoice(world: Any) -> None:
    client = _disputed(world)
    reply = world.agency_a.call("POST", END, {"notify_debtor": False})
    assert reply.status == 200, reply.body
    assert reply.body["notice"] is None
    assert reply.body["collection_resumes_on"] == "9999-12-31"
    assert _notices(world, client) == []
    repos = world.services.repos
    (held,) = repos.actions.list(client.client_id, status=ActionStatus.OPEN, kind="dispute_untold")[0]  # fmt: skip
    assert held.invoice_numbers == ("F1",)
    _days(world, client, date(2027, 1, 11), date(2027, 3, 1))
    assert _calls(world) == [] and _cases(world) == []  # nothing escalates untold
    # the person told him (by hand) and resumes: the item closes, the workflow goes on
    resumed = world.agency_a.call("POST", "/v1/clients/C1/invoices/F1/resume")
    assert resumed.status == 200, resumed.body
    done = repos.actions.get(client.client_id, held.action_id)
    assert done is not None and done[0].status is ActionStatus.RESOLVED
    # told on 1-3: the costs his dispute held are owed 14 days from then, and the call that
    # presumes the term ended waits for that day (lawyer26 F6's remainder; was 2-3)
    _days(world, client, date(2027, 3, 2), date(2027, 3, 15))
    assert _calls(world) == ["2027-03-15"]


def test_closing_the_hold_item_is_a_persons_word_and_resumes_the_invoice(world: Any) -> None:
    """The item closed through the generic resolve (not its own choice): the invoice does not
    stay paused with nothing left on the action list to say so."""
    client = _disputed(world)
    a = world.agency_a
    assert a.call("POST", END, {"notify_debtor": False}).status == 200
    repos = world.services.repos
    (held,) = repos.actions.list(client.client_id, status=ActionStatus.OPEN, kind="dispute_untold")[0]  # fmt: skip
    reply = a.call("POST", f"/v1/clients/C1/actions/{held.action_id}/resolve",
                   {"resolution": "gebeld op 10-1, uitkomst verteld"})  # fmt: skip
    assert reply.status == 200, reply.body
    assert repos.invoices.get(client.client_id, "F1").invoice.paused_until is None
    done = repos.actions.get(client.client_id, held.action_id)[0]
    assert done.resolution.startswith("gebeld op 10-1, uitkomst verteld")
    # the call presumes the term ended: the dispute, raised inside it, moved the costs to
    # 24-1 (lawyer26 F6), so the call waits for that day too (was 11-1)
    _days(world, client, date(2027, 1, 11), date(2027, 1, 24))
    assert _calls(world) == ["2027-01-24"]


def test_a_consumer_no_channel_reaches_is_held_as_one_not_told(world: Any) -> None:
    client = _disputed(world)
    world.clock.at = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
    a = world.agency_a
    reply = a.call("POST", "/v1/clients/C1/debtors", {"items": [
        debtor_row("D-1", name="Jansen, P.", emails=[], mobile=None, address=None)]})  # fmt: skip
    assert reply.status == 200, reply.body
    reply = a.call("POST", END, {"message": REASON})
    assert reply.status == 200, reply.body
    assert reply.body["notice"] is None and reply.body["collection_resumes_on"] == "9999-12-31"
    assert _notices(world, client) == []
    _days(world, client, date(2027, 1, 11), date(2027, 2, 28))
    assert _calls(world) == [] and _cases(world) == []


def test_a_business_is_not_told_unless_asked_and_collection_goes_on_at_once(
    world: Any,
) -> None:
    client = _disputed(world, kind="b2b")
    reply = world.agency_a.call("POST", END)
    assert reply.status == 200, reply.body
    assert reply.body["notice"] is None and reply.body["collection_resumes_on"] is None
    assert _notices(world, client) == []
    _days(world, client, date(2027, 1, 11), date(2027, 1, 12))
    assert _calls(world) == ["2027-01-11"]


def test_the_message_is_bounded(world: Any) -> None:
    _disputed(world)
    reply = world.agency_a.call("POST", END, {"message": "x" * 1001})
    assert reply.status == 422, reply.body
    still = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert still["status"] == "disputed"


def test_the_invoice_number_is_printed_as_written_never_run_as_template_code(
    world: Any,
) -> None:
    # attack23 F1: the client's invoice number went into the notice's template source, so
    # 'F{{ 7*7 }}{{ portal_link }}' reached the consumer as 'F49http://.../api/p/...'
    number = "F{{ 7*7 }}{{ portal_link }}"
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors",
           {"items": [debtor_row("D-1", name="Jansen, P.", kind="b2c")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row(number, "D-1", amount="1000.00", invoice_date="2026-11-01",
                    due_date="2026-11-15"),
    ]})  # fmt: skip
    path = "/v1/clients/C1/invoices/" + quote(number, safe="")
    assert a.call("POST", path + "/dispute", {"reason": "nooit geleverd"}).status == 200
    reply = a.call("POST", path + "/resolve-dispute", {"message": "Geleverd"})
    assert reply.status == 200, reply.body
    (notice,) = _notices(world, client)
    content = world.services.messaging.content_of(notice)
    assert content.subject == "Uw bezwaar tegen factuur " + number
    assert f"Wij hebben uw bezwaar tegen factuur {number} behandeld." in content.text
    assert "F49" not in content.subject + content.text
