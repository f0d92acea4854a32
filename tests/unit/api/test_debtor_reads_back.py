"""A debtor read back through the API shows what the import stored: his postal address, KvK
number and IBANs (newcomer26 F4: ``GET …/debtors/{d}`` had none of them, so an importer could
not check what was kept), and another agency's key still gets 404."""

from __future__ import annotations

from tests.unit.api.conftest import client_row, debtor_row


def test_a_debtor_reads_back_his_address_kvk_and_ibans(world):
    a, b = world.agency_a, world.agency_b
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    row = debtor_row(
        "K040",
        kind="b2b",
        name="Bedrijf 40 BV",
        address={"street": "Kerkstraat 4", "postal_code": "1017 GB", "city": "Amsterdam",
                 "country": "NL"},
        kvk_number="12345678",
        ibans=["NL91ABNA0417164300"],
    )  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": [row]}).body["created"] == 1
    one = a.call("GET", "/v1/clients/C1/debtors/K040")
    assert one.status == 200, one.body
    assert one.body["address"] == {"street": "Kerkstraat 4", "postal_code": "1017 GB",
                                   "city": "Amsterdam", "country": "NL"}, one.body  # fmt: skip
    assert one.body["kvk_number"] == "12345678"
    assert one.body["ibans"] == ["NL91ABNA0417164300"]
    assert one.body["name"] == "Bedrijf 40 BV" and one.body["kind"] == "b2b"  # kept as before
    [listed] = a.call("GET", "/v1/clients/C1/debtors").body["items"]
    assert listed["address"]["city"] == "Amsterdam" and listed["ibans"] == ["NL91ABNA0417164300"]
    assert b.call("GET", "/v1/clients/C1/debtors/K040").status == 404
