"""A pooled account serves clients that may be competitors (attack5 finding 6): a client's
action item never names another client's invoice, neither as the invoice a quoted reference
belongs to ("a second payment?") nor among its suggested candidates; the reference must be the
invoice's own, not a prefix of it."""

from __future__ import annotations

from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.services.test_statement_ingest import paid_line, statement
from tests.unit.services.test_statement_ingest import setup as setup


def test_a_clients_item_never_names_another_clients_quoted_invoice(setup):
    from shared.domain.parties import Agency
    from shared.services.onboarding import register_agency

    pooled = client_iban("POOL")
    register_agency(setup.services.repos, Agency("agency-a", "A", pooled))
    a = setup.agency_a
    for n in ("C2", "C3"):
        a.call(
            "POST",
            "/v1/clients",
            {"items": [client_row(n, allow_third_party_matching=True, charge_interest=False)]},
        )
        verify_ibans(a, n)
    a.call("POST", "/v1/clients/C2/debtors", {"items": [debtor_row("X9", name="Kees Klant")]})
    a.call("POST", "/v1/clients/C2/invoices", {"items": [invoice_row("G-7", "X9", amount="42.00")]})
    a.call("POST", "/v1/clients/C3/debtors", {"items": [debtor_row("Y1", name="Geheime Klant BV")]})
    a.call(
        "POST",
        "/v1/clients/C3/invoices",
        {"items": [invoice_row("H-1", "Y1", amount="99.00", open_amount="0.00")]},
    )
    h1 = a.call("GET", "/v1/clients/C3/invoices/H-1").body
    assert h1["status"] == "paid", h1
    c3 = a.call("GET", "/v1/clients/C3").body["client_id"]
    setup.services.console_search.ensure_built(c3)  # C3's people used the console's search
    # Kees Klant (C2's debtor) pays 42.00 to the pooled account quoting H-1's kenmerk
    line = paid_line(4_200, "", reference=h1["payment_reference"], name="K. Klant")
    report = setup.services.statements.ingest(
        "agency-a/pool.sta", statement([line], account=pooled)
    )
    c2_key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C2"}).body["key"]
    items = a.as_key(c2_key).call("GET", "/v1/clients/C2/actions").body["items"]
    assert report.suggested + report.unmatched == 1 and items
    for x in items:
        assert x["detail"].get("quoted_invoice") != "H-1", x
        assert "H-1" not in " ".join(x["detail"].get("reasons") or []), x


def test_a_clients_item_lists_only_its_own_candidates(setup):
    """C2 and C3 each have a debtor Kees Klant with 42.00 open: the line could be either's, so
    the item is the agency's (attack10 F5: never one client's by the order of the ids), and no
    client's list (read with its own key through the API) shows it or the other's invoice."""
    from shared.domain.parties import Agency
    from shared.services.onboarding import register_agency

    pooled = client_iban("POOL")
    register_agency(setup.services.repos, Agency("agency-a", "A", pooled))
    a = setup.agency_a
    for n in ("C2", "C3"):
        a.call(
            "POST",
            "/v1/clients",
            {"items": [client_row(n, allow_third_party_matching=True, charge_interest=False)]},
        )
        verify_ibans(a, n)
    a.call("POST", "/v1/clients/C2/debtors", {"items": [debtor_row("X9", name="Kees Klant")]})
    a.call("POST", "/v1/clients/C2/invoices", {"items": [invoice_row("G-7", "X9", amount="42.00")]})
    a.call("POST", "/v1/clients/C3/debtors", {"items": [debtor_row("Y1", name="Kees Klant")]})
    a.call("POST", "/v1/clients/C3/invoices", {"items": [invoice_row("H-1", "Y1", amount="42.00")]})
    setup.services.statements.ingest(
        "agency-a/pool.sta", statement([paid_line(4_200, "", name="K. Klant")], account=pooled)
    )
    seen = {}
    for n in ("C2", "C3"):
        key = a.call("POST", "/v1/keys", {"scope": "client", "client": n}).body["key"]
        seen[n] = [
            x
            for x in a.as_key(key).call("GET", f"/v1/clients/{n}/actions").body["items"]
            if x["kind"] == "payment_suggestion"
        ]
    assert seen == {"C2": [], "C3": []}
    ids = {a.call("GET", f"/v1/clients/{n}").body["client_id"] for n in ("C2", "C3")}
    [item] = [x for x in a.call("GET", "/v1/actions").body["items"]
              if x["kind"] == "payment_suggestion"]  # fmt: skip
    assert {s["client_id"] for s in item["detail"]["suggestions"]} == ids
