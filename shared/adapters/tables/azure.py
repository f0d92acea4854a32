"""TableStore on Azure Table Storage (and Azurite) through azure-data-tables.

Conversions happen here and nowhere else: Python ints are written as Edm.Int64 (cents can
exceed 2^31) and read back as ints; ``None`` is dropped (Table Storage has no null); the
SDK's continuation dicts become opaque strings. Every HTTP request is counted (here and in
:mod:`shared.adapters.metering`), so the benchmarks can report storage requests per item.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import (
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
)
from azure.data.tables import (
    EdmType,
    EntityProperty,
    TableClient,
    TableEntity,
    TableServiceClient,
    TableTransactionError,
    UpdateMode,
)

from shared.adapters.metering import METER
from shared.adapters.tables.keys import checked
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


def _from_entity(entity: TableEntity) -> Row:
    data: dict[str, Any] = {}
    for key, value in entity.items():
        if key in ("PartitionKey", "RowKey", "Timestamp"):
            continue
        data[key] = value.value if isinstance(value, EntityProperty) else value
    etag = entity.metadata.get("etag") if hasattr(entity, "metadata") else None
    return Row(entity["PartitionKey"], entity["RowKey"], data, etag)


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


class AzureTableStore:
    def __init__(self, factory: Callable[..., TableServiceClient]) -> None:
        self.counter = RequestCounter()
        self._service = factory(raw_request_hook=self.counter)
        self._clients: dict[str, TableClient] = {}
        self._lock = threading.Lock()

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
        try:
            return _from_entity(self._client(table).get_entity(pk, rk))
        except ResourceNotFoundError:
            return None

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
            pager = (
                self._client(table)
                .query_entities(
                    "PartitionKey eq @pk and RowKey ge @lo and RowKey le @hi",
                    parameters={"pk": pk, "lo": wanted[0], "hi": wanted[-1]},
                    results_per_page=1000,
                )
                .by_page()
            )
            last_seen = ""
            for page in pager:
                for entity in page:
                    scanned += 1
                    row = _from_entity(entity)
                    last_seen = row.rk
                    if row.rk in lookup:
                        found[row.rk] = row
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
        params: dict[str, Any] = {}
        if pk is not None:
            clauses.append("PartitionKey eq @pk")
            params["pk"] = pk
        if pk_range is not None:
            clauses += ["PartitionKey ge @pklo", "PartitionKey lt @pkhi"]
            params.update(pklo=pk_range[0], pkhi=pk_range[1])
        lo, hi = rk_range
        if lo is not None:
            clauses.append("RowKey ge @rklo")
            params["rklo"] = lo
        if hi is not None:
            clauses.append("RowKey lt @rkhi")
            params["rkhi"] = hi
        for i, (key, value) in enumerate((equals or {}).items()):
            clauses.append(f"{key} eq @p{i}")
            params[f"p{i}"] = value
        client = self._client(table)
        if clauses:
            pager = client.query_entities(
                " and ".join(clauses), parameters=params, results_per_page=page_size
            ).by_page(continuation_token=_untoken(continuation))
        else:
            pager = client.list_entities(results_per_page=page_size).by_page(
                continuation_token=_untoken(continuation)
            )
        rows: list[Row] = []
        for page in pager:
            rows = [_from_entity(e) for e in page]
            # the service may return an empty page with a token; keep going until rows or end
            if rows or not pager.continuation_token:  # type: ignore[attr-defined]
                break
        return Page(rows, _token(pager.continuation_token))  # type: ignore[attr-defined]

    def insert(self, table: str, row: Row) -> Row:
        try:
            meta = self._client(table).create_entity(_to_entity(row))
        except ResourceExistsError as exc:
            raise Conflict(f"{table}/{row.pk}/{row.rk} exists") from exc
        return Row(row.pk, row.rk, dict(row.data), meta.get("etag"))

    def upsert(self, table: str, row: Row) -> Row:
        meta = self._client(table).upsert_entity(_to_entity(row), mode=UpdateMode.REPLACE)
        return Row(row.pk, row.rk, dict(row.data), meta.get("etag"))

    def replace(self, table: str, row: Row) -> Row:
        if row.etag is None:
            raise ValueError("replace needs an etag")
        try:
            meta = self._client(table).update_entity(
                _to_entity(row),
                mode=UpdateMode.REPLACE,
                etag=row.etag,
                match_condition=MatchConditions.IfNotModified,
            )
        except (ResourceModifiedError, ResourceNotFoundError) as exc:
            raise PreconditionFailed(f"{table}/{row.pk}/{row.rk} changed") from exc
        return Row(row.pk, row.rk, dict(row.data), meta.get("etag"))

    def delete(self, table: str, pk: str, rk: str, etag: str | None = None) -> None:
        kwargs: dict[str, Any] = {}
        if etag is not None:
            kwargs = {"etag": etag, "match_condition": MatchConditions.IfNotModified}
        try:
            self._client(table).delete_entity(pk, rk, **kwargs)
        except ResourceModifiedError as exc:
            raise PreconditionFailed(f"{table}/{pk}/{rk} changed") from exc

    def transact(self, table: str, ops: Sequence[Op]) -> list[str | None]:
        if not ops:
            return []
        if len(ops) > MAX_BATCH:
            raise ValueError(f"a transaction holds at most {MAX_BATCH} operations")
        if len({op.row.pk for op in ops}) != 1:
            raise ValueError("a transaction must stay within one partition")
        batch: list[Any] = []
        for op in ops:
            entity = _to_entity(op.row)
            if op.kind is OpKind.INSERT:
                batch.append(("create", entity))
            elif op.kind is OpKind.UPSERT:
                batch.append(("upsert", entity, {"mode": UpdateMode.REPLACE}))
            elif op.kind is OpKind.REPLACE:
                batch.append(
                    (
                        "update",
                        entity,
                        {
                            "mode": UpdateMode.REPLACE,
                            "etag": op.row.etag,
                            "match_condition": MatchConditions.IfNotModified,
                        },
                    )
                )
            else:
                extra = (
                    {"etag": op.row.etag, "match_condition": MatchConditions.IfNotModified}
                    if op.row.etag
                    else {}
                )
                batch.append(("delete", entity, extra))
        try:
            results = self._client(table).submit_transaction(batch)
        except TableTransactionError as exc:
            index = getattr(exc, "index", 0) or 0
            code = str(getattr(exc, "error_code", ""))
            cause: StorageError
            if "EntityAlreadyExists" in code:
                cause = Conflict(str(exc))
            elif "UpdateConditionNotSatisfied" in code or "ResourceNotFound" in code:
                cause = PreconditionFailed(str(exc))
            else:
                cause = StorageError(str(exc))
            raise TransactionFailed(index, cause) from exc
        return [r.get("etag") for r in results]
