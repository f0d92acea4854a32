"""law13b F1: the notice of a lapsed plan states what the claims owe on the lapse day and how
it is made up (principal, interest, costs and the day they became owed), from the ledger, not
the plan's remainder (art. 6:193c lid 1 sub b BW; the Wki's duty to explain the debt).

Consumer D1, F1 1,000.00 due 1-12-2025, the client's 14-day letter of 5-1-2026 (received 7-1,
term to 21-1, 150.00 announced). A plan agreed by phone on 10-1 (inside the term), 2 monthly
installments from 31-1; the first paid on 31-1, the second (28-2) not: lapsed 8-3 (7 days'
grace).
- Principal-only plan 2 x 500.00: on 8-3 principal 500.00, interest 10.19 (2-12..31-12 30 d x
  6 % on 1,000.00 = 4.93; 1-1..30-1 30 d x 4 % = 3.29; 31-1..7-3 36 d x 4 % on 500.00 = 1.97),
  costs 75.00 (15 % x 500.00, owed from 8-3): 585.19, not "€ 500,00".
- Whole-claim plan 2 x 502.96 (1,005.92 = 1,000.00 + 4.93 + 9 d x 4 % = 0.99, frozen at 10-1):
  the first paid 5.92 interest and 497.04 principal; on 8-3 principal 502.96, interest 0.00,
  costs 74.56 (15 % x 497.04: the interest paid before the costs arose counts as principal
  paid), from 8-3: 577.52, not "€ 502,96".
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, make_world
from tests.unit.plans.lapse_keys import the_lapse


def _lapse_notice(include_costs: bool, language: str = "nl") -> str:
    w, client, plan_id = _lapsed(include_costs, language)
    key, _ = the_lapse(w, client.client_id, plan_id)
    text: str = w.services.messaging.content(client.client_id, key).text
    return text


def _lapsed(
    include_costs: bool, language: str = "nl", client_language: str = "nl"
) -> tuple[Any, Any, str]:
    w: Any = make_world()
    a = w.agency_a
    w.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    row = client_row("C1", contact_email="facturen@c1.example", language=client_language)
    a.call("POST", "/v1/clients", {"items": [row]})
    reply = a.call(
        "POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", language=language)]}
    )
    assert reply.status == 200 and not reply.body.get("errors"), reply.body
    row = invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-11-01",
                      due_date="2025-12-01", fourteen_day_letter_on="2026-01-05")  # fmt: skip
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": [row]})
    assert reply.status == 200 and not reply.body.get("errors"), reply.body
    _at(w, date(2026, 1, 10))
    draft = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D1", "invoices": ["F1"], "start": "2026-01-31", "installments": 2,
        "include_costs": include_costs, "agreed_by_debtor_on": "2026-01-10", "agreed_how": "phone",
    })  # fmt: skip
    assert draft.status == 201, draft.body
    plan_id = draft.body["plan_id"]
    assert a.call("POST", f"/v1/clients/C1/plans/{plan_id}/activate").status == 200
    first = draft.body["installments"][0]["amount"]
    assert first == ("502.96" if include_costs else "500.00")
    client = w.services.access.client_for(w.services.access.authenticate(a.key), "C1")
    _at(w, date(2026, 1, 31))
    w.services.payments.book(client, payment_id="p1", amount=int(first.replace(".", "")),
                             received_on=date(2026, 1, 31), source=PaymentSource.BANK,
                             invoice_numbers=["F1"])  # fmt: skip
    on = date(2026, 2, 1)
    while on <= date(2026, 3, 8):
        _at(w, on)
        w.services.plans.fan_out(on)
        for m in w.services.messaging.queues.take("installments"):
            b = json.loads(m.body)
            w.services.plans.process(b["client_id"], b["plan_id"], on,
                                     date.fromisoformat(b["row_on"]))  # fmt: skip
        on += timedelta(days=1)
    assert a.call("GET", f"/v1/clients/C1/plans/{plan_id}").body["status"] == "cancelled"
    return w, client, plan_id


def _at(w: Any, day: date) -> None:
    w.clock.at = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def test_a_principal_only_plan_lapsing_names_the_costs_and_interest_that_come_with_it() -> None:
    text = _lapse_notice(include_costs=False)
    assert (
        "Op 08-03-2026 is het openstaande bedrag van € 585,19 weer in zijn geheel opeisbaar" in text
    )
    assert "Hoofdsom: € 500,00" in text
    assert "Rente tot 08-03-2026: € 10,19" in text
    assert "Incassokosten, verschuldigd vanaf 08-03-2026: € 75,00" in text
    assert "loopt de rente door tot de dag van betaling" in text
    assert "€ 500,00 is weer in zijn geheel" not in text


def test_a_whole_claim_plan_lapsing_names_the_costs_owed_from_the_lapse() -> None:
    text = _lapse_notice(include_costs=True)
    assert (
        "Op 08-03-2026 is het openstaande bedrag van € 577,52 weer in zijn geheel opeisbaar" in text
    )
    assert "Hoofdsom: € 502,96" in text
    assert "Rente tot 08-03-2026: € 0,00" in text
    assert "Incassokosten, verschuldigd vanaf 08-03-2026: € 74,56" in text


def test_the_lapse_notice_in_english_gives_the_same_build_up() -> None:
    text = _lapse_notice(include_costs=False, language="en")
    assert "On 8 March 2026 the open amount of EUR 585.19 is due again in full" in text
    assert "Principal: EUR 500.00" in text
    assert "Interest up to 8 March 2026: EUR 10.19" in text
    assert "Collection costs, owed from 8 March 2026: EUR 75.00" in text


def test_the_client_is_told_the_debtors_figures_and_how_they_are_built_up() -> None:
    """standing14 #3: the client's mail and action item said "Openstaand: € 500,00" (the plan's
    remainder) while the debtor was told € 585,19 is due in full; the client sees the same
    sum and build-up as the debtor."""
    w, client, plan_id = _lapsed(include_costs=False)
    _, client_key = the_lapse(w, client.client_id, plan_id)
    mail = w.services.messaging.content(client.client_id, client_key).text
    assert "Op 08-03-2026 is weer in zijn geheel opeisbaar: € 585,19" in mail
    assert "Hoofdsom: € 500,00" in mail
    assert "Rente tot 08-03-2026: € 10,19" in mail
    assert "Incassokosten, verschuldigd vanaf 08-03-2026: € 75,00" in mail
    assert "€ 500,00." not in mail
    items = w.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    (item,) = [i for i in items if i["kind"] == "plan_breached"]
    assert {k: item["detail"].get(k) for k in ("open", "principal", "interest", "costs")} == {
        "open": 58519, "principal": 50000, "interest": 1019, "costs": 7500,
    }  # fmt: skip
    assert item["detail"]["costs_owed_from"] == "2026-03-08"


def test_the_client_in_english_is_told_the_same_figures() -> None:
    """The client writes English, the debtor Dutch: each reads the same figures."""
    w, client, plan_id = _lapsed(include_costs=True, client_language="en")
    debtor_key, client_key = the_lapse(w, client.client_id, plan_id)
    mail = w.services.messaging.content(client.client_id, client_key).text
    assert "On 8 March 2026 EUR 577.52 is due again in full, as the debtor was told" in mail
    assert "Principal: EUR 502.96" in mail
    assert "Collection costs, owed from 8 March 2026: EUR 74.56" in mail
    debtor = w.services.messaging.content(client.client_id, debtor_key).text
    assert "€ 577,52" in debtor
