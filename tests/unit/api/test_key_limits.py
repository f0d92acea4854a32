"""#12 item 7: external numbers are validated so their escaped key fits what storage accepts
(512 characters on Azurite); a bad row is rejected alone with its field, never a whole chunk
"changed concurrently"; point reads with long or odd ids are 404, never 500."""

from __future__ import annotations

import pytest

from shared.adapters.tables.keys import MAX_KEY_CHARS, MAX_NUMBER_KEY_CHARS, encode, key_length
from shared.ports.tables import StorageError, TransactionFailed
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


@pytest.fixture
def a(world):
    client = world.agency_a
    assert client.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    return client


@pytest.mark.parametrize("number", ["€" * 100, "🙂" * 25, "/" * 90, "x" * 10 + "#" * 90])
def test_numbers_too_long_once_escaped_are_rejected_per_row(a, number):
    assert key_length(number) > MAX_NUMBER_KEY_CHARS
    rows = [debtor_row("D1"), debtor_row(number), debtor_row("D3")]
    reply = a.call("POST", "/v1/clients/C1/debtors", {"items": rows})
    assert reply.status == 200, reply.body
    assert reply.body["created"] == 2 and reply.body["rejected"] == 1
    [error] = reply.body["errors"]
    assert error["index"] == 1 and error["field"] == "number" and "escaped" in error["message"]


def test_the_longest_accepted_numbers_make_keys_storage_accepts(a):
    debtor = "D" + "/" * 83  # 1 + 83 * 3 = 250 characters once escaped
    invoice = "€" * 27 + "x" * 7  # 27 * 9 + 7 = 250
    assert key_length(debtor) == key_length(invoice) == MAX_NUMBER_KEY_CHARS
    assert (
        a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row(debtor)]}).body["created"]
        == 1
    )
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(invoice, debtor)]})
    assert reply.body["created"] == 1, reply.body
    assert len("i|" + encode(debtor) + "|" + encode(invoice)) <= MAX_KEY_CHARS


@pytest.mark.parametrize("ident", ["x" * 1100, "€" * 200, "a/b", "..", "%", "\u202e"])
def test_point_reads_with_odd_ids_are_404(a, ident):
    for path in (f"/v1/clients/C1/debtors/{ident}", f"/v1/clients/C1/invoices/{ident}",
                 f"/v1/clients/{ident}", f"/v1/clients/C1/invoices/{ident}/credit"):  # fmt: skip
        method = "POST" if path.endswith("/credit") else "GET"
        reply = a.call(method, path)
        assert reply.status in (404, 422), (path[:60], reply.status)


def test_a_row_storage_refuses_is_rejected_alone_not_the_chunk_as_a_race(world, a, monkeypatch):
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    invoices = world.services.repos.invoices
    original = invoices.write_many

    def refusing(client_id, ops):
        for position, op in enumerate(ops):
            if "BAD" in op.row.rk:  # storage's own 400 on one entity of the batch
                raise TransactionFailed(position, StorageError("OutOfRangeInput"))
        return original(client_id, ops)

    monkeypatch.setattr(invoices, "write_many", refusing)
    rows = [invoice_row("F1"), invoice_row("BAD"), invoice_row("F3")]
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    assert reply.body["created"] == 2 and reply.body["rejected"] == 1, reply.body
    [error] = reply.body["errors"]
    assert error["index"] == 1 and "OutOfRangeInput" in error["message"]
    assert "concurrently" not in error["message"]


@pytest.mark.parametrize("iban", ["NL٩١ABNA0417164300", "NL91ABNA٠٤١٧١٦٤٣٠٠"])
def test_iban_checks_accept_only_ascii_digits(a, iban):
    reply = a.call("POST", "/v1/clients", {"items": [client_row("C2", ibans=[iban])]})
    assert reply.body["rejected"] == 1 and reply.body["errors"][0]["field"].startswith("ibans")


@pytest.mark.parametrize("kvk", ["١٢٣٤٥٦٧٨", "1234567８"])
def test_kvk_numbers_are_ascii_digits(a, kvk):
    reply = a.call("POST", "/v1/clients", {"items": [client_row("C2", kvk_number=kvk)]})
    assert reply.body["rejected"] == 1


@pytest.mark.parametrize("name", ["Jan\x00", "Jan\x1b[31m", "Ja\u0085n", "Jan\u202eeoJ", "a\nb"])
def test_control_characters_are_refused_in_names(a, name):
    reply = a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D9", name=name)]})
    assert reply.body["rejected"] == 1 and reply.body["errors"][0]["field"] == "name"
