from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def test_walkthrough(world):
    a = world.agency_a
    r = a.call("POST", "/v1/clients", {"items": [client_row()]})
    assert r.status == 200 and r.body["created"] == 1, r.body
    r = a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row()]})
    assert r.body["created"] == 1, r.body
    r = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row()]})
    assert r.body["created"] == 1, r.body
    r = a.call("GET", "/v1/clients/C1/invoices/F1")
    assert r.status == 200 and r.body["open_amount"] == "121.00", r.body
