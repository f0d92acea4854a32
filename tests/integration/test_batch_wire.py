"""Entity-group transactions written and read as plain text (perf18, ``batch_wire``): the
same bytes as azure-data-tables' ``submit_transaction`` sends, the same rows stored, the same
failed index, without the e-mail package the SDK built and parsed them with (about 19 ms of
CPU a statement window's transaction, half of a booked line's)."""

from __future__ import annotations

import email.generator
import email.parser
import re
import uuid
from datetime import UTC, datetime
from enum import Enum, IntEnum
from typing import Any

import pytest
from azure.core import MatchConditions
from azure.data.tables import TableServiceClient, TableTransactionError, UpdateMode

from shared.adapters.tables import batch_wire
from shared.adapters.tables.azure import AzureTableStore, _to_entity
from shared.ports.tables import (
    Conflict,
    Op,
    OpKind,
    PreconditionFailed,
    Row,
    StorageError,
    TransactionFailed,
)

PK = "client 'Ö' 50%+1"  # a quote, a space, a non-ASCII letter, % and +: each key quoted
DATA: dict[str, Any] = {
    "Name": 'Bakkerij "De Hoek" \u00e9\u20ac',
    "Cents": 5_000_000_000,
    "Negative": -12_100,
    "Flag": True,
    "Off": False,
    "At": datetime(2025, 6, 2, 8, 0, 1, 123456, tzinfo=UTC),
    "Dropped": None,
}


class _Kind(str, Enum):  # noqa: UP042 (sent as str(value), "_Kind.B2B", as by the SDK)
    B2B = "b2b"


class _Level(IntEnum):
    TWO = 2


@pytest.fixture
def table(storage_connection: str) -> tuple[AzureTableStore, str]:
    store = AzureTableStore.from_connection_string(storage_connection)
    name = "bw" + uuid.uuid4().hex[:12]
    store.ensure_tables([name])
    return store, name


def _sdk_ops(ops: list[Op]) -> list[Any]:
    out: list[Any] = []
    for op in ops:
        entity = _to_entity(op.row)
        if op.kind is OpKind.INSERT:
            out.append(("create", entity))
        elif op.kind is OpKind.UPSERT:
            out.append(("upsert", entity, {"mode": UpdateMode.REPLACE}))
        elif op.kind is OpKind.REPLACE:
            condition = {"etag": op.row.etag, "match_condition": MatchConditions.IfNotModified}
            out.append(("update", entity, {"mode": UpdateMode.REPLACE, **condition}))
        else:
            condition = {"etag": op.row.etag, "match_condition": MatchConditions.IfNotModified}
            out.append(("delete", entity, condition if op.row.etag else {}))
    return out


def _normalised(body: bytes) -> bytes:
    body = re.sub(rb"(batch|changeset)_[0-9a-f-]{36}", rb"\1_B", body)
    return re.sub(rb"(x-ms-date|Date): [^\r\n]+", rb"\1: D", body)


def test_the_body_is_the_sdks(storage_connection: str, table: tuple[AzureTableStore, str]) -> None:
    store, name = table
    first = store.insert(name, Row(PK, "r3", {"v": 1}))
    ops = [
        Op(OpKind.INSERT, Row(PK, "r1", {**DATA, "Kind": _Kind.B2B, "Level": _Level.TWO})),
        Op(OpKind.UPSERT, Row(PK, "r2 \u00e9'", {"v": 2})),
        Op(OpKind.REPLACE, Row(PK, "r3", {"v": 3}, first.etag)),
        Op(OpKind.DELETE, Row(PK, "r4", {}, None)),
        Op(OpKind.DELETE, Row(PK, "r5", {}, first.etag)),
    ]
    sent: list[bytes] = []

    def keep(request: Any) -> None:
        if request.http_request.url.endswith("$batch"):
            sent.append(request.http_request.body)

    service = TableServiceClient.from_connection_string(storage_connection, raw_request_hook=keep)
    with pytest.raises(TableTransactionError):  # r4 and r5 are not there: refused whole
        service.get_table_client(name).submit_transaction(_sdk_ops(ops))
    client = service.get_table_client(name)
    host = f"{client.scheme}://{client._primary_hostname}"
    ours, content_type = batch_wire.changeset(ops, f"{host}/{name}", "D")
    assert content_type.startswith("multipart/mixed; boundary=batch_")
    assert _normalised(ours) == _normalised(sent[0])


def test_rows_are_stored_as_the_sdk_stores_them(
    storage_connection: str, table: tuple[AzureTableStore, str]
) -> None:
    store, name = table
    etags = store.transact(
        name, [Op(OpKind.INSERT, Row(PK, "ours", DATA)), Op(OpKind.UPSERT, Row(PK, "up", {}))]
    )
    client = TableServiceClient.from_connection_string(storage_connection).get_table_client(name)
    client.submit_transaction(_sdk_ops([Op(OpKind.INSERT, Row(PK, "sdk", DATA))]))
    ours, theirs = store.get(name, PK, "ours"), store.get(name, PK, "sdk")
    assert ours is not None and theirs is not None
    assert ours.data == theirs.data == {k: v for k, v in DATA.items() if v is not None}
    assert etags[0] == ours.etag
    assert etags[1] == store.get(name, PK, "up").etag  # type: ignore[union-attr]
    # the ETags work as the SDK's did: a replace under the one returned
    replaced = store.transact(name, [Op(OpKind.REPLACE, Row(PK, "ours", {"v": 1}, etags[0]))])
    assert replaced[0] == store.get(name, PK, "ours").etag  # type: ignore[union-attr]


@pytest.mark.parametrize("at", [0, 2])
def test_the_failed_operation_is_named_as_by_the_sdk(
    storage_connection: str, table: tuple[AzureTableStore, str], at: int
) -> None:
    store, name = table
    store.insert(name, Row(PK, "taken", {}))
    ops = [Op(OpKind.INSERT, Row(PK, f"n{i}", {})) for i in range(3)]
    ops[at] = Op(OpKind.INSERT, Row(PK, "taken", {}))
    client = TableServiceClient.from_connection_string(storage_connection).get_table_client(name)
    with pytest.raises(TableTransactionError) as sdk:
        client.submit_transaction(_sdk_ops(ops))
    with pytest.raises(TransactionFailed) as info:
        store.transact(name, ops)
    assert info.value.index == sdk.value.index
    assert isinstance(info.value.cause, Conflict)
    assert "EntityAlreadyExists" in str(info.value.cause)
    assert all(store.get(name, PK, f"n{i}") is None for i in range(3))
    stale = store.insert(name, Row(PK, "stale", {"v": 1}))
    store.replace(name, Row(PK, "stale", {"v": 2}, stale.etag))
    with pytest.raises(TransactionFailed) as changed:
        store.transact(name, [Op(OpKind.REPLACE, Row(PK, "stale", {"v": 3}, stale.etag))])
    assert isinstance(changed.value.cause, PreconditionFailed)


def test_a_missing_table_is_refused_as_the_sdk_refuses_it(
    storage_connection: str, table: tuple[AzureTableStore, str]
) -> None:
    """Answered 202 with the error in the changeset: the SDK raised TableTransactionError,
    which the store turned into TransactionFailed with a plain StorageError (the code
    TableNotFound), as now."""
    store, _ = table
    missing = "nosuch" + uuid.uuid4().hex[:8]
    ops = [Op(OpKind.INSERT, Row(PK, "a", {}))]
    client = TableServiceClient.from_connection_string(storage_connection).get_table_client(missing)
    with pytest.raises(TableTransactionError) as sdk:
        client.submit_transaction(_sdk_ops(ops))
    with pytest.raises(TransactionFailed) as info:
        store.transact(missing, ops)
    assert type(info.value.cause) is StorageError
    assert str(getattr(sdk.value, "error_code", "")) in str(info.value.cause)
    assert info.value.index == sdk.value.index


def test_no_email_package_on_the_way(
    table: tuple[AzureTableStore, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What cost the CPU: the SDK wrote the body with the e-mail generator and read the
    answer with its parser."""

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("the e-mail package on a transaction's way")

    monkeypatch.setattr(email.generator.Generator, "flatten", refused)
    # (http.client reads every answer's headers with the e-mail Parser: not this one)
    monkeypatch.setattr(email.parser.BytesParser, "parsebytes", refused)
    store, name = table
    ops = [Op(OpKind.UPSERT, Row(PK, f"k{i}", {"v": i})) for i in range(5)]
    assert len(store.transact(name, ops)) == 5
    assert store.get(name, PK, "k4") is not None


# -- perf19: sent by the lean client, not the SDK's pipeline -----------------------------------


def _account(connection: str) -> tuple[str, str, str]:
    """(table endpoint, account name, key) of a connection string."""
    fields = dict(f.split("=", 1) for f in connection.split(";") if f)
    return fields["TableEndpoint"], fields["AccountName"], fields["AccountKey"]


def test_sent_without_the_sdks_pipeline_one_request_each(
    table: tuple[AzureTableStore, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transaction is one request on the lean client's kept connection, the one a read
    used before it (the pipeline cost about 2.7 ms of CPU a transaction)."""
    from azure.core.pipeline import Pipeline

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("a transaction through azure-core's pipeline")

    monkeypatch.setattr(Pipeline, "run", refused)
    store, name = table
    assert store.get(name, PK, "none") is None
    before = store.requests
    etags = store.transact(name, [Op(OpKind.UPSERT, Row(PK, f"k{i}", {"v": i})) for i in range(3)])
    assert store.requests - before == 1
    assert len(store.reader._idle) == 1  # the read's connection, kept and used again
    assert etags == [store.get(name, PK, f"k{i}").etag for i in range(3)]  # type: ignore[union-attr]


def test_a_store_with_a_sas_sends_its_transactions_signed_by_it(
    storage_connection: str, table: tuple[AzureTableStore, str]
) -> None:
    from datetime import timedelta

    from azure.core.credentials import AzureNamedKeyCredential, AzureSasCredential
    from azure.data.tables import AccountSasPermissions, ResourceTypes, generate_account_sas

    _, name = table
    endpoint, account, key = _account(storage_connection)
    sas = generate_account_sas(
        AzureNamedKeyCredential(account, key),
        resource_types=ResourceTypes(service=True, container=True, object=True),
        permission=AccountSasPermissions(read=True, write=True, add=True, update=True),
        expiry=datetime.now(UTC) + timedelta(hours=1),
    )
    store = AzureTableStore.from_endpoint(endpoint, AzureSasCredential(sas))
    store.transact(name, [Op(OpKind.INSERT, Row(PK, "sas", {"v": 1}))])
    assert store.get(name, PK, "sas").data == {"v": 1}  # type: ignore[union-attr]


def test_a_wrong_key_is_refused_as_the_sdk_refuses_it(
    storage_connection: str, table: tuple[AzureTableStore, str]
) -> None:
    from azure.core.credentials import AzureNamedKeyCredential
    from azure.core.exceptions import ClientAuthenticationError, HttpResponseError

    _, name = table
    endpoint, account, _ = _account(storage_connection)
    wrong = AzureNamedKeyCredential(account, "d3Jvbmc=" * 8)
    ops = [Op(OpKind.INSERT, Row(PK, "no", {}))]
    client = TableServiceClient(endpoint, credential=wrong).get_table_client(name)
    with pytest.raises(HttpResponseError) as sdk:
        client.submit_transaction(_sdk_ops(ops))
    store = AzureTableStore.from_endpoint(endpoint, wrong)
    with pytest.raises(HttpResponseError) as ours:
        store.transact(name, ops)
    assert type(ours.value) is type(sdk.value)
    assert ours.value.status_code == sdk.value.status_code == 403
    assert ours.value.error_code == sdk.value.error_code  # type: ignore[attr-defined]
    assert isinstance(ours.value, ClientAuthenticationError) == isinstance(
        sdk.value, ClientAuthenticationError
    )
