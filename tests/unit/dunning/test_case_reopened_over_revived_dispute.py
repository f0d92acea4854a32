"""law28 (F1's sibling): money Inning received paid every invoice of a case, one of them
disputed, and the case was closed as paid; the disputed invoice's payment is charged back. The
case is open again and the dispute revived (takeback27). The agency was told "Case ... is open
again ...: collect it again" beside "disputed: stop collecting it". Now the reopening says the
invoice is disputed again and must not be collected; one item for that invoice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shared.domain.records import PaymentSource
from tests.unit.dunning.test_case_told_disputed_receipt_taken_back import _news
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401


def test_a_case_reopened_over_a_revived_dispute_is_told_once(engine: Any) -> None:  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    a = world.agency_a
    assert a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "kapot"}).status == 200
    today = world.clock.at.date()
    for number in a.call("GET", f"/v1/cases/{case_id}").body["invoice_numbers"]:
        total = Decimal(a.call("GET", f"/v1/clients/C1/invoices/{number}/claim",
                               on=today.isoformat()).body["open"]["total"])  # fmt: skip
        world.services.payments.book(
            client, payment_id=f"p-{number}", amount=int(total * 100), received_on=today,
            source=PaymentSource.MOLLIE, invoice_numbers=[number], external_id=f"tr_{number}",
        )  # fmt: skip
    before = _news(world)
    world.services.payments.reverse(client, "p-F1", "chargeback", on=today)
    world.services.payments.reverse(client, "p-F1", "chargeback", on=today)

    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "disputed"
    news = [i["title"] for k, i in _news(world).items() if k not in before]
    assert [t for t in news if "collect it again" in t] == [], news
    assert len(news) == 1, news


def test_its_item_and_log_line_read_dutch() -> None:
    from shared.api.console import action_text, contact_text
    from shared.domain.statements.client_code import client_code
    from shared.services.case_names import case_id_of

    case_id = case_id_of("cla9d17f58cbc6", "K101", ["TF-101"])
    name = f"{client_code('cla9d17f58cbc6')} K101"
    title = (f"Case {case_id} (debtor K101) is open again: the payment of EUR 150.23 on invoice "
             "TF-101 received on 2027-01-10 came back on 2027-03-01, and the invoice is disputed "
             "again: kapot. Do not collect it until Tulp ends the dispute; its principal open is "
             "now EUR 121.00.")  # fmt: skip
    assert action_text.title(title, "nl") == (
        f"Zaak {name} is weer open: de betaling van € 150,23 op factuur TF-101 ontvangen op "
        "10-01-2027 is teruggeboekt op 01-03-2027, en de factuur wordt weer betwist: kapot. Int "
        "haar niet tot Tulp de betwisting beëindigt; de open hoofdsom is nu € 121,00."
    )
    line = (f"Case {case_id} open again: EUR 150.23 on invoice TF-101 came back while disputed; "
            "the agency was told")  # fmt: skip
    assert contact_text.summary(line, "nl") == (
        f"Zaak {name} weer open: € 150,23 op factuur TF-101 teruggeboekt terwijl zij betwist is; "
        "het incassobureau is ingelicht"
    )
