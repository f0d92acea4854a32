"""On the agency's pooled account a return quoting no end-to-end id is found by its payer among
the clients it serves; when two clients' payments fit, the agency's item names them and the
agency (never a client's key) reverses the right client's payment (newcomer12 #1)."""

from __future__ import annotations

from datetime import date

from shared.domain.statements.mt940_writer import OutLine
from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.services.test_pooled_unmatched_lines import POOLED, kinds, pooled  # noqa: F401
from tests.unit.services.test_statement_ingest import statement

PAYER = "NL02RABO0123456789"


def _paid_at_both(world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """C2's and C3's invoice of 50.00, each paid by the same account onto the pooled one."""
    a = world.agency_a
    lines = []
    for n in ("C2", "C3"):
        a.call("POST", f"/v1/clients/{n}/debtors", {"items": [debtor_row("D1")]})
        a.call("POST", f"/v1/clients/{n}/invoices",
               {"items": [invoice_row(f"{n}-1", "D1", amount="50.00")]})  # fmt: skip
        ref = a.call("GET", f"/v1/clients/{n}/invoices/{n}-1").body["payment_reference"]
        lines.append(OutLine(date(2025, 3, 3), 5_000, "", counterparty_iban=PAYER,
                             counterparty_name="K Klant", reference=ref))  # fmt: skip
    assert (
        world.services.statements.ingest("agency-a/d1.sta", statement(lines, account=POOLED)).booked
        == 2
    )
    return {n: a.call("GET", f"/v1/clients/{n}/payments").body["items"][0]["payment_id"]
            for n in ("C2", "C3")}  # fmt: skip


def _status(world, n: str) -> str:  # type: ignore[no-untyped-def]
    status: str = world.agency_a.call("GET", f"/v1/clients/{n}/invoices/{n}-1").body["status"]
    return status


def test_the_agency_reverses_the_right_clients_payment(pooled):  # noqa: F811
    paid = _paid_at_both(pooled)
    back = OutLine(date(2025, 3, 5), -5_000, "retour", counterparty_iban=PAYER,
                   counterparty_name="K Klant", return_reason="AC04")  # fmt: skip
    pooled.services.statements.ingest(
        "agency-a/back.sta", statement([back], opening=110_000, day=date(2025, 3, 5), sid="S2",
                                       account=POOLED),
    )  # fmt: skip
    assert _status(pooled, "C2") == "paid" == _status(pooled, "C3")
    assert kinds(pooled, "@agency-a").count("unmatched_return") == 1
    a = pooled.agency_a
    [item] = [i for i in a.call("GET", "/v1/actions").body["items"]
              if i["kind"] == "unmatched_return"]  # fmt: skip
    assert sorted(item["detail"]["payments"]) == sorted(paid.values())
    url = f"/v1/actions/{item['action_id']}/reverse-payment"
    # a client's key cannot reach the agency's list
    key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C3"}).body["key"]
    assert a.as_key(key).call("POST", url, {"client": "C3", "payment": paid["C3"],
                                            "note": "mine"}).status in (403, 404)  # fmt: skip
    done = a.call("POST", url, {"client": "C3", "payment": paid["C3"], "note": "bank: AC04"})
    assert done.status == 200 and done.body["status"] == "resolved"
    assert _status(pooled, "C3") == "open" and _status(pooled, "C2") == "paid"
