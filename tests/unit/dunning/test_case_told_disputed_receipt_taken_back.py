"""takeback27 F2: money the client received itself paid a disputed invoice of an open case in
full, then came back (a chargeback). The invoice is disputed again (takeback27), and the
agency got two items at once that read against each other: "disputed: stop collecting it
until Client C1 ends the dispute" and "the earlier payment ... was taken back: collect it
again". It must not collect a disputed invoice (the debtor was told no payment is asked while
the dispute is looked into), yet must know the money it was told of is no longer paid. Now
one item, in English and Dutch: the payment was taken back, the invoice is disputed again,
do not collect it until the client ends the dispute, what is open now. Delivered twice: once."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from shared.domain.records import PaymentSource, Receiver
from tests.unit.dunning.test_case_follows_credit import _agency_mail
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401


def _news(world: Any) -> dict[str, dict[str, Any]]:
    items = world.agency_a.call("GET", "/v1/actions").body["items"]
    return {i["action_id"]: i for i in items if i["kind"].startswith("case_invoice")}


def test_a_disputed_invoice_whose_client_receipt_comes_back_is_told_once(engine: Any) -> None:  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    a = world.agency_a
    assert a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "kapot"}).status == 200
    today = world.clock.at.date()
    total = Decimal(a.call("GET", "/v1/clients/C1/invoices/F1/claim", on=today.isoformat())
                    .body["open"]["total"])  # fmt: skip
    world.services.payments.book(
        client, payment_id="p-own", amount=int(total * 100), received_on=today,
        source=PaymentSource.MOLLIE, invoice_numbers=["F1"], received_by=Receiver.CLIENT,
        external_id="tr_own",
    )  # fmt: skip
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "paid"
    principal = a.call("GET", "/v1/clients/C1/invoices/F1").body["amount"]
    mails_before = {m.key for m in _agency_mail(world, client, f"case-{case_id}-")}

    before = _news(world)
    for hour in (9, 23):  # the chargeback, and its redelivery
        world.clock.at = datetime(today.year, today.month, today.day, hour, 0, tzinfo=UTC)
        world.services.payments.reverse(client, "p-own", "chargeback", on=today)

    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "disputed"
    news = [i for k, i in _news(world).items() if k not in before]
    # was two: "disputed: kapot. Stop collecting it" and "taken back: collect it again"
    assert len(news) == 1, [i["title"] for i in news]
    [item] = news
    title = item["title"]
    assert "collect it again" not in title
    assert f"EUR {total:.2f} that Client C1 received itself on invoice F1" in title
    assert "was taken back" in title and "disputed again: kapot" in title
    assert "Do not collect it until Client C1 ends the dispute" in title
    assert f"its principal open is now EUR {principal}" in title
    mails = [
        m for m in _agency_mail(world, client, f"case-{case_id}-") if m.key not in mails_before
    ]
    assert len(mails) == 1  # was 2
    text = world.services.messaging.content(client.client_id, mails[0].key).text
    assert "vorder dit bedrag weer" not in text
    assert "is teruggedraaid" in text and "weer betwist: kapot" in text
    assert "Int haar niet tot Client C1 de betwisting beëindigt" in text


def test_the_one_item_and_its_log_line_read_dutch() -> None:
    from shared.api.console import action_text, contact_text
    from shared.domain.statements.client_code import client_code
    from shared.services.case_names import case_id_of

    case_id = case_id_of("cla9d17f58cbc6", "K101", ["TF-101"])
    name = f"{client_code('cla9d17f58cbc6')} K101"
    for english, dutch in (("disputed again", "weer"), ("still disputed", "nog")):
        title = (f"The payment of EUR 1000.00 that Tulp received itself on invoice TF-101 of case "
                 f"{case_id} (debtor K101) on 2027-01-10 was taken back on 2027-03-01, and the "
                 f"invoice is {english}: nooit geleverd. Do not collect it until Tulp ends the "
                 "dispute; its principal open is now EUR 1000.00.")  # fmt: skip
        assert action_text.title(title, "nl") == (
            f"De betaling van € 1.000,00 die Tulp rechtstreeks ontving op factuur TF-101 van zaak "
            f"{name} op 10-01-2027 is teruggedraaid op 01-03-2027, en de factuur wordt {dutch} "
            "betwist: nooit geleverd. Int haar niet tot Tulp de betwisting beëindigt; de open "
            "hoofdsom is nu € 1.000,00."
        )
    line = (f"Invoice TF-101 of case {case_id}: EUR 1000.00 received by the client taken back "
            "while disputed; the agency was told")  # fmt: skip
    assert contact_text.summary(line, "nl") == (
        f"Factuur TF-101 van zaak {name}: € 1.000,00 door de opdrachtgever ontvangen "
        "teruggedraaid terwijl zij betwist is; het incassobureau is ingelicht"
    )


def test_a_part_receipt_taken_back_while_the_dispute_runs_says_it_is_still_disputed(
    engine: Any,  # noqa: F811
) -> None:
    world, client = engine
    handed_over(world, client)
    a = world.agency_a
    assert a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "kapot"}).status == 200
    today = world.clock.at.date()
    world.services.payments.book(
        client, payment_id="p-part", amount=5_000, received_on=today,
        source=PaymentSource.MOLLIE, invoice_numbers=["F1"], received_by=Receiver.CLIENT,
        external_id="tr_part",
    )  # fmt: skip
    before = _news(world)
    world.services.payments.reverse(client, "p-part", "chargeback", on=today)
    world.services.payments.reverse(client, "p-part", "chargeback", on=today)

    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "disputed"
    news = [i for k, i in _news(world).items() if k not in before]
    [item] = news  # was: "taken back: collect it again" on an invoice still disputed
    assert "collect it again" not in item["title"]
    assert (
        "the invoice is still disputed: kapot. Do not collect it until Client C1" in item["title"]
    )
