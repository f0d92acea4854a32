"""TableStore on Azure Table Storage (and Azurite): reads over plain HTTP, writes through
azure-data-tables.

Reads (``get``, ``get_many``, ``query``) go through :mod:`shared.adapters.tables.lean`, a small
REST client on keep-alive connections (the SDK's pipeline cost about 2 ms of CPU a request,
most of a portal page); it is built from the SDK client's own endpoint and credential, so both
paths always talk to the same account with the same identity. Entity-group transactions go
through it too (perf19: the pipeline's 2.7 ms a transaction, a dozen a statement file), their
body written and their answer read by :mod:`shared.adapters.tables.batch_wire`, retried as the
SDK's pipeline retries a POST, a refusal raised as the SDK raised it. Single-entity writes stay
on the SDK. A write the client sent again that met itself (its earlier attempt applied, the
answer lost) is taken for its own, not raised as another writer's
(:mod:`shared.adapters.tables.own_write`).

Conversions happen here and nowhere else: Python ints are written as Edm.Int64 (cents can
exceed 2^31) and read back as ints; ``None`` is dropped (Table Storage has no null); the
SDK's continuation dicts become opaque strings. Every HTTP request is counted (here and in
:mod:`shared.adapters.metering`), so the benchmarks can report storage requests per item.
"""

from __future__ import annotations

import base64
import io
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from http import HTTPStatus
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import (
    HttpResponseError,
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
)
from azure.core.rest import HttpRequest, HttpResponse
from azure.core.rest._http_response_impl import HttpResponseImpl
from azure.core.utils import case_insensitive_dict
from azure.data.tables import (
    EdmType,
    EntityProperty,
    TableClient,
    TableServiceClient,
    TableTransactionError,
    UpdateMode,
)
from azure.data.tables import _error as sdk_errors
from azure.data.tables._serialize import _add_entity_properties

from shared.adapters.metering import METER
from shared.adapters.tables import batch_wire, own_write
from shared.adapters.tables.keys import checked
from shared.adapters.tables.lean import (
    MAX_RETRIES,
    LeanTableReader,
    authorizer_for,
    literal,
)
from shared.ports.tables import (
    MAX_BATCH,
    RANGE_OVERREAD,
    Conflict,
    Op,
    OpKind,
    Page,
    PreconditionFailed,
    Row,
    StorageError,
    TransactionFailed,
    Value,
)


class RequestCounter:
    """This store's requests (``store.requests``), also reported to the process-wide meter."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0
        self._meter = METER.hook("table")

    def __call__(self, request: Any) -> None:
        with self._lock:
            self.count += 1
        self._meter(request)


def _to_entity(row: Row) -> dict[str, Any]:
    entity: dict[str, Any] = {"PartitionKey": checked(row.pk), "RowKey": checked(row.rk)}
    for key, value in row.data.items():
        if value is None:
            continue
        if isinstance(value, bool):
            entity[key] = value
        elif isinstance(value, int):
            entity[key] = EntityProperty(value, EdmType.INT64)
        elif isinstance(value, float):
            raise TypeError(f"{key}: floats are not stored (money is integer cents)")
        else:
            entity[key] = value
    return entity


def _token(raw: Any) -> str | None:
    if not raw:
        return None
    return base64.urlsafe_b64encode(json.dumps(raw, sort_keys=True).encode()).decode()


def _untoken(token: str | None) -> Any:
    if not token:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise StorageError("invalid continuation token") from exc
    if not isinstance(raw, dict):
        raise StorageError("invalid continuation token")
    return raw


def _row(found: tuple[str, str, dict[str, Any], str | None]) -> Row:
    return Row(found[0], found[1], found[2], found[3])


def _keys_of(raw: dict[str, Any]) -> tuple[str, str | None]:
    """A continuation token's keys (the shape the SDK's pager used, so tokens handed out
    before the lean reads still work)."""
    npk, nrk = raw.get("PartitionKey"), raw.get("RowKey")
    if not isinstance(npk, str) or not (nrk is None or isinstance(nrk, str)):
        raise StorageError("invalid continuation token")
    return npk, nrk


class AzureTableStore:
    def __init__(
        self, factory: Callable[..., TableServiceClient], *, read_retries: int = MAX_RETRIES
    ) -> None:
        self.counter = RequestCounter()
        self._service = factory(raw_request_hook=self.counter)
        self._clients: dict[str, TableClient] = {}
        self._lock = threading.Lock()
        # the same account and identity as the SDK client's; counted by the same counter
        self.reader = LeanTableReader(
            self._service.url,
            authorizer_for(self._service.credential),
            on_request=self.counter,
            retries=read_retries,
        )

    @classmethod
    def from_connection_string(cls, conn: str) -> AzureTableStore:
        return cls(lambda **kw: TableServiceClient.from_connection_string(conn, **kw))

    @classmethod
    def from_endpoint(cls, endpoint: str, credential: Any) -> AzureTableStore:
        return cls(lambda **kw: TableServiceClient(endpoint, credential=credential, **kw))

    @property
    def requests(self) -> int:
        return self.counter.count

    def _client(self, table: str) -> TableClient:
        with self._lock:
            client = self._clients.get(table)
            if client is None:
                client = self._service.get_table_client(table)
                self._clients[table] = client
            return client

    def ensure_tables(self, names: Sequence[str]) -> None:
        for name in names:
            self._service.create_table_if_not_exists(name)

    def get(self, table: str, pk: str, rk: str) -> Row | None:
        found = self.reader.get(table, pk, rk)
        if found is None:
            return None
        return Row(pk, rk, found[0], found[1])

    def get_many(self, table: str, pk: str, rks: Sequence[str]) -> dict[str, Row]:
        wanted = sorted(set(rks))
        if not wanted:
            return {}
        lookup = set(wanted)
        found: dict[str, Row] = {}
        settled: set[str] = set()
        if len(wanted) > 8:
            budget = RANGE_OVERREAD * len(wanted) + 1000
            scanned = 0
            complete = True
            where = (
                f"PartitionKey eq {literal(pk)} and RowKey ge {literal(wanted[0])}"
                f" and RowKey le {literal(wanted[-1])}"
            )
            last_seen = ""
            next_keys: tuple[str, str | None] | None = None
            while True:
                entities, next_keys = self.reader.query(table, where, top=1000, next_keys=next_keys)
                for entity in entities:
                    scanned += 1
                    row = _row(entity)
                    last_seen = row.rk
                    if row.rk in lookup:
                        found[row.rk] = row
                if next_keys is None:
                    break
                if scanned > budget:
                    complete = False
                    break
            settled = set(wanted) if complete else {k for k in wanted if k <= last_seen}
        rest = [k for k in wanted if k not in settled]
        if rest:
            with ThreadPoolExecutor(max_workers=min(16, len(rest))) as pool:
                reads = pool.map(lambda k: self.get(table, pk, k), rest)
                for rk, maybe in zip(rest, reads, strict=True):
                    if maybe is not None:
                        found[rk] = maybe
        return found

    def query(
        self,
        table: str,
        *,
        pk: str | None = None,
        pk_range: tuple[str, str] | None = None,
        rk_range: tuple[str | None, str | None] = (None, None),
        equals: Mapping[str, Value] | None = None,
        page_size: int = 1000,
        continuation: str | None = None,
    ) -> Page:
        clauses: list[str] = []
        if pk is not None:
            clauses.append(f"PartitionKey eq {literal(pk)}")
        if pk_range is not None:
            clauses.append(f"PartitionKey ge {literal(pk_range[0])}")
            clauses.append(f"PartitionKey lt {literal(pk_range[1])}")
        lo, hi = rk_range
        if lo is not None:
            clauses.append(f"RowKey ge {literal(lo)}")
        if hi is not None:
            clauses.append(f"RowKey lt {literal(hi)}")
        for key, value in (equals or {}).items():
            # ints are stored as Edm.Int64 (see _to_entity), so they are compared as Int64
            clauses.append(f"{key} eq {literal(value, int64=True)}")
        where = " and ".join(clauses) or None
        raw = _untoken(continuation)
        next_keys = None if raw is None else _keys_of(raw)
        while True:
            entities, next_keys = self.reader.query(
                table, where, top=page_size, next_keys=next_keys
            )
            # the service may return an empty page with a token; keep going until rows or end
            if entities or next_keys is None:
                break
        token = None
        if next_keys is not None:
            token = _token({"PartitionKey": next_keys[0], "RowKey": next_keys[1]})
        return Page([_row(e) for e in entities], token)

    def insert(self, table: str, row: Row) -> Row:
        entity = _to_entity(row)
        attempts = own_write.Attempts()
        try:
            meta = self._client(table).create_entity(entity, raw_response_hook=attempts)
        except ResourceExistsError as exc:
            etag = self._own_write(table, row.pk, row.rk, entity, attempts.retried)
            if etag is None:
                raise Conflict(f"{table}/{row.pk}/{row.rk} exists") from exc
            return Row(row.pk, row.rk, dict(row.data), etag)
        return Row(row.pk, row.rk, dict(row.data), meta.get("etag"))

    def upsert(self, table: str, row: Row) -> Row:
        meta = self._client(table).upsert_entity(_to_entity(row), mode=UpdateMode.REPLACE)
        return Row(row.pk, row.rk, dict(row.data), meta.get("etag"))

    def replace(self, table: str, row: Row) -> Row:
        if row.etag is None:
            raise ValueError("replace needs an etag")
        entity = _to_entity(row)
        attempts = own_write.Attempts()
        try:
            meta = self._client(table).update_entity(
                entity,
                mode=UpdateMode.REPLACE,
                etag=row.etag,
                match_condition=MatchConditions.IfNotModified,
                raw_response_hook=attempts,
            )
        except (ResourceModifiedError, ResourceNotFoundError) as exc:
            etag = self._own_write(table, row.pk, row.rk, entity, attempts.retried)
            if etag is None:
                raise PreconditionFailed(f"{table}/{row.pk}/{row.rk} changed") from exc
            return Row(row.pk, row.rk, dict(row.data), etag)
        return Row(row.pk, row.rk, dict(row.data), meta.get("etag"))

    def delete(self, table: str, pk: str, rk: str, etag: str | None = None) -> None:
        kwargs: dict[str, Any] = {}
        if etag is not None:
            kwargs = {"etag": etag, "match_condition": MatchConditions.IfNotModified}
        attempts = own_write.Attempts()
        try:  # a 404 is no error to the SDK's delete_entity: a retry that met its own delete
            self._client(table).delete_entity(pk, rk, raw_response_hook=attempts, **kwargs)
        except ResourceModifiedError as exc:
            if not (attempts.retried and self.reader.get_json(table, pk, rk) is None):
                raise PreconditionFailed(f"{table}/{pk}/{rk} changed") from exc

    def _own_write(
        self, table: str, pk: str, rk: str, entity: dict[str, Any], retried: bool
    ) -> str | None:
        """The stored row's ETag when a retried write's refusal met this write itself (the
        row holds exactly what it sent), else None: the refusal stands."""
        if not retried:
            return None
        stored = self.reader.get_json(table, pk, rk)
        if stored is None or not own_write.same_row(_add_entity_properties(entity), stored[0]):
            return None
        return _etag(stored)

    def transact(self, table: str, ops: Sequence[Op]) -> list[str | None]:
        if not ops:
            return []
        if len(ops) > MAX_BATCH:
            raise ValueError(f"a transaction holds at most {MAX_BATCH} operations")
        if len({op.row.pk for op in ops}) != 1:
            raise ValueError("a transaction must stay within one partition")
        client = self._client(table)
        host = f"{client.scheme}://{client._primary_hostname}"
        body, content_type = batch_wire.changeset(
            ops, f"{host}/{client.table_name}", formatdate(usegmt=True)
        )
        try:
            parts, retried = _submit(self.reader, table, f"{host}/$batch", body, content_type)
        except TableTransactionError as exc:  # the whole request refused (too large)
            index = getattr(exc, "index", 0) or 0
            raise TransactionFailed(
                index, _refusal(str(getattr(exc, "error_code", "")), str(exc))
            ) from exc
        except batch_wire.UnreadableAnswer as exc:
            raise StorageError(f"{table}: the transaction's answer is unreadable: {exc}") from exc
        failed = next((p for p in parts if not 200 <= p.status < 300), None)
        if failed is not None and retried and failed.status in _MET_ITSELF:
            applied = self._own_transaction(table, ops)
            if applied is not None:
                return applied
        if failed is not None:
            code, message = failed.error()
            text = f"{message}\nErrorCode:{code}\nContent: {failed.body.decode('utf-8', 'replace')}"
            raise TransactionFailed(_failed_at(message), _refusal(code, text))
        return [p.headers.get("etag") for p in parts]

    def _own_transaction(self, table: str, ops: Sequence[Op]) -> list[str | None] | None:
        """The ETags a retried transaction's operations left (None for a delete) when its
        refusal met the transaction itself, applied by an earlier attempt: every row as it
        wrote it, every deleted row gone. Else None: the refusal stands."""
        etags: list[str | None] = []
        for op in ops:
            stored = self.reader.get_json(table, op.row.pk, op.row.rk)
            if op.kind is OpKind.DELETE:
                if stored is not None:
                    return None
                etags.append(None)
                continue
            sent = json.loads(batch_wire.entity_json(op))
            if stored is None or not own_write.same_row(sent, stored[0]):
                return None
            etags.append(_etag(stored))
        return etags


# what a retry meets when an earlier attempt of it was applied: the row it inserted exists
# (409), the ETag it replaced or deleted under has moved on (412) or the row is gone (404)
_MET_ITSELF = frozenset({404, 409, 412})


def _etag(stored: tuple[dict[str, Any], str | None]) -> str | None:
    entity, header = stored
    found = entity.get("odata.etag")
    return found if isinstance(found, str) else header


def _refusal(code: str, text: str) -> StorageError:
    if "EntityAlreadyExists" in code:
        return Conflict(text)
    if "UpdateConditionNotSatisfied" in code or "ResourceNotFound" in code:
        return PreconditionFailed(text)
    return StorageError(text)


def _failed_at(message: str) -> int:
    """The failed operation's index, as ``TableTransactionError`` takes it: the message's
    ``<index>:`` prefix, else 0."""
    head, sep, _ = message.partition(":")
    try:
        return int(head) if sep else 0
    except ValueError:
        return 0


# how TableClient._batch_send turns a refused batch into its exceptions (untyped in the SDK)
_decode_error: Callable[..., HttpResponseError] = sdk_errors._decode_error
_validate_tablename_error: Callable[[HttpResponseError, str], None] = (
    sdk_errors._validate_tablename_error
)


def _submit(
    reader: LeanTableReader, table: str, url: str, body: bytes, content_type: str
) -> tuple[list[batch_wire.Part], bool]:
    """The batch sent by the lean client (its signing, the counting hook, retries as the
    SDK's pipeline retries a POST, a span named as the SDK's), its answer read as
    ``TableClient._batch_send`` reads it: a 413 or any status but 202 raised as the SDK
    raises it, a 202's parts read by :mod:`batch_wire`; with whether that answer was a
    retry's."""
    status, headers, answered, retry = reader.post_batch(body, content_type)
    if status == 202:
        return batch_wire.parts(headers.get("content-type", ""), answered), retry > 0
    response = _response(url, status, headers, answered)
    if status == 413:
        raise _decode_error(
            response,
            error_message="The transaction request was too large",
            error_type=sdk_errors.RequestTooLargeError,
        )
    decoded = _decode_error(response)
    _validate_tablename_error(decoded, table)
    raise decoded


def _response(url: str, status: int, headers: dict[str, str], body: bytes) -> HttpResponse:
    """A refused batch's answer as the SDK's error decoding reads it (an azure-core response,
    its body already read)."""
    response = HttpResponseImpl(
        request=HttpRequest("POST", url),
        internal_response=io.BytesIO(body),  # what close() closes
        status_code=status,
        reason=HTTPStatus(status).phrase if status in _STATUSES else "",
        content_type=headers.get("content-type"),
        headers=case_insensitive_dict(headers),
        stream_download_generator=None,
    )
    response._content = body
    return response


_STATUSES = frozenset(s.value for s in HTTPStatus)
