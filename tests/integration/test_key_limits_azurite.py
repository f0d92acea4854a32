"""#12 item 7 against the real emulator: the longest key Inning accepts is one Azurite stores
(its limit, 512 characters, is the binding one), and the longest external numbers the API
accepts make composite keys within it."""

from __future__ import annotations

import uuid

import pytest
from azure.core.exceptions import HttpResponseError

from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.keys import MAX_KEY_CHARS, encode, join
from shared.ports.tables import Row

pytestmark = pytest.mark.azurite


@pytest.fixture
def store(storage_connection):
    s = AzureTableStore.from_connection_string(storage_connection)
    table = "k" + uuid.uuid4().hex[:12]
    s.ensure_tables([table])
    return s, table


def test_azurite_stores_512_and_refuses_more(store):
    s, table = store
    s.insert(table, Row("p", "r" * MAX_KEY_CHARS, {"x": 1}))
    assert s.get(table, "p", "r" * MAX_KEY_CHARS) is not None
    # what the app no longer asks of it (its own check refuses first): the emulator's refusal
    with pytest.raises(HttpResponseError):
        s._client(table).create_entity({"PartitionKey": "p", "RowKey": "r" * (MAX_KEY_CHARS + 1)})


def test_the_longest_numbers_the_api_accepts_fit(store):
    s, table = store
    debtor = "D" + "/" * 83
    invoice = "€" * 27 + "x" * 7
    key = join("i", encode(debtor), encode(invoice))
    s.insert(table, Row(encode("client"), key, {"x": 1}))
    assert s.get(table, encode("client"), key) is not None
