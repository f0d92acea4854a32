"""Table Storage reads over plain HTTP: point reads and queries without the SDK's pipeline.

Why: the portal overview is six reads, and azure-data-tables spends about 2 ms of CPU on each
(a pipeline of a dozen policies, logging, its own deserialisation), 12 of the page's 14 ms.
The REST API these reads use is small and documented: ``GET /{table}(PartitionKey='…',
RowKey='…')`` and ``GET /{table}()?$filter=…&$top=…`` with the continuation in
``x-ms-continuation-NextPartitionKey`` / ``-NextRowKey`` headers. This module speaks exactly
that, on keep-alive connections kept in a small pool per store (one host), so a request costs
a few dozen microseconds of Python. Entity-group transactions are sent here too
(:meth:`LeanTableReader.post_batch`, retried as the SDK retries a POST); single-entity writes
stay on the SDK (:mod:`shared.adapters.tables.azure`).

What stays the same as the SDK, on purpose:

- The wire format: ``x-ms-version: 2019-02-02`` and ``Accept:
  application/json;odata=minimalmetadata``, as the SDK sends. ``nometadata`` would save a few
  bytes but loses the ``@odata.type`` annotations that tell an Edm.Int64 (sent as a JSON string:
  cents as ``"12100"``) from a string property that happens to hold digits.
- Types as the SDK returns them (``_deserialize._convert_to_entity``): Int64 -> int, DateTime
  -> aware UTC datetime (7 fractional digits cut to 6), Binary -> bytes, Guid -> UUID,
  Double -> float, the rest as JSON has them.
- Authorisation as the service documents it: Shared Key for the Table service (string to sign
  ``VERB\\nContent-MD5\\nContent-Type\\nx-ms-date\\n/account/path[?comp=…]``, HMAC-SHA256 with
  the account key), bearer tokens from the app's azure-identity credential for scope
  ``https://storage.azure.com/.default`` (renewed as azure-core renews it: at ``refresh_on``,
  else five minutes before expiry; a failed renewal keeps a still-valid token), or a SAS. A
  key or SAS rotated through the SDK credential's ``update()`` is used from the next read on.
  (A 401 with a ``WWW-Authenticate`` challenge is not retried with a token for the tenant it
  names, as the SDK's ``BearerTokenChallengePolicy`` would: the app's identity and its
  storage account are in one tenant, and the 401 is raised as an ``HttpResponseError``.)
- TLS roots as the SDK's transport (requests) finds them: ``REQUESTS_CA_BUNDLE``, else
  ``CURL_CA_BUNDLE``, else certifi (:func:`tls_context`, one context per store).
- Errors as the SDK raises them (what the app and the host already handle): 404 ->
  ``ResourceNotFoundError``, other HTTP errors -> ``HttpResponseError`` with ``status_code`` and
  ``error_code``; a refused or reset connection -> ``ServiceRequestError``; a read timeout or a
  broken answer -> ``ServiceResponseError``; a 2xx whose body is not JSON -> retried as a broken
  answer, then ``DecodeError`` (an ``HttpResponseError``, as the SDK raised, "JSON is invalid").
- Retries as the SDK's policy for a GET (azure-core ``RetryPolicy``): 408, 429, 500, 502, 503,
  504 and connection/read failures, at most 3 of each kind, exponential backoff 0.8 s × 2^(n-1)
  from the second retry (the first is immediate), ``Retry-After`` (seconds or an HTTP-date),
  ``retry-after-ms`` and ``x-ms-retry-after-ms`` honoured, at most 120 s. Unlike the SDK, a
  read has an overall deadline (:data:`DEADLINE_SECONDS`, retries and waits included) that
  also stops a server sending its answer a byte at a time.
- The network path as the SDK's writes take it: ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``NO_PROXY``
  resolved by requests' own rules, an https endpoint through a ``CONNECT`` tunnel, the proxy's
  credentials from its URL (:mod:`shared.adapters.tables.lean_proxy`).

What operations see (:mod:`shared.adapters.tables.lean_trace`):

- Every attempt sends its own uuid4 ``x-ms-client-request-id`` (and
  ``x-ms-return-client-request-id: true``): the id Azure's storage logs and support look a
  request up by. (The SDK sends one uuid1 for all attempts of a call.)
- A failed attempt is logged on ``inning.storage`` (exported with the app's logs): info when it
  is retried, a warning when the read gives up, with ``client_request_id``,
  ``service_request_id`` (``x-ms-request-id``), ``status_code``, ``error_code`` and the path;
  a point read's keys (which can hold a name or an e-mail address) and the query (a SAS,
  filter values) are left out.
- With telemetry on (:func:`shared.telemetry.setup.tracing_enabled`), a read is one CLIENT
  span named as the SDK's method (``TableClient.get_entity``, ``TableClient.query_entities``)
  with the attributes the SDK's HTTP span had (``az.namespace = Microsoft.Storage``,
  ``http.request.method``, ``url.full`` with every query value redacted, ``server.address``,
  ``http.response.status_code``, ``az.client_request_id``, ``az.service_request_id``,
  ``http.request.resend_count``, ``error.type``), a dependency in Application Insights, and
  each attempt carries its ``traceparent``. With telemetry off nothing of it runs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import logging
import os
import random
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import quote, urlsplit
from uuid import UUID

from azure.core.exceptions import (
    DecodeError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)

from shared.adapters.tables import lean_trace
from shared.adapters.tables.lean_proxy import Proxy, proxy_for
from shared.adapters.tables.lean_response import LeanResponse
from shared.adapters.tables.url_quote import query_text, quoted
from shared.telemetry import setup as telemetry
from shared.telemetry.context import log_extra

API_VERSION = "2019-02-02"
ACCEPT = "application/json;odata=minimalmetadata"
SCOPE = "https://storage.azure.com/.default"
TOKEN_MARGIN_SECONDS = 300  # renew a bearer token this long before it expires
TOKEN_RETRY_SECONDS = 30.0  # after a failed renewal of a still-valid token, try again this late
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# azure-core's RetryPolicy retries a POST (not in its method allowlist) on these alone, or on
# any status >= 400 answered with a Retry-After header; never on an error raised in sending
POST_RETRY_STATUSES = frozenset({500, 503, 504})
BATCH = "transaction"  # as a failed one is logged
MAX_RETRIES = 3  # per kind (status, connect, read), as azure-core's RetryPolicy
BACKOFF_FACTOR = 0.8
BACKOFF_MAX = 120.0
TIMEOUT_SECONDS = 60.0  # per socket operation (connect, each read), as the SDK's connect timeout
# A whole read, retries and backoff included: a server dripping bytes resets the per-operation
# timeout with every byte, and four 60 s attempts would outlast the 230 s an HTTP-triggered
# function has at Azure's front end. 90 s leaves a page room to answer with an error.
DEADLINE_SECONDS = 90.0
IDLE_CONNECTIONS = 32  # kept open per store; more concurrent requests open (and close) extras
# Azure's load balancer drops a flow idle for 4 minutes (SNAT) without telling either end: a
# socket reused after that costs a whole timeout. Idle this long, a connection is closed instead.
IDLE_SECONDS = 50.0
CONTINUATION_PK = "x-ms-continuation-NextPartitionKey"
CONTINUATION_RK = "x-ms-continuation-NextRowKey"

# under "inning": the loggers the app exports to Application Insights
log = logging.getLogger("inning.storage")


# -- authorisation -------------------------------------------------------------------------------
class Authorizer(Protocol):
    def headers(
        self, method: str, path: str, query: Mapping[str, str], date: str, content_type: str = ""
    ) -> dict[str, str]:
        """What to add to a request for ``path`` (as sent, percent-encoded)."""
        ...

    def query(self) -> str:
        """What to add to every query string (a SAS), or ''."""
        ...


def string_to_sign(
    method: str,
    account: str,
    path: str,
    date: str,
    query: Mapping[str, str] | None = None,
    content_md5: str = "",
    content_type: str = "",
) -> str:
    """Shared Key for the Table service ("Authorize with Shared Key", Table service):
    VERB, Content-MD5, Content-Type, Date (x-ms-date when sent), then the canonicalized
    resource: ``/`` + account + the URI path as sent (on Azurite the path starts with the
    account again), with ``?comp=`` + its value when the query has a ``comp`` parameter."""
    resource = f"/{account}{path}"
    comp = (query or {}).get("comp")
    if comp is not None:
        resource += f"?comp={comp}"
    return f"{method}\n{content_md5}\n{content_type}\n{date}\n{resource}"


class SharedKey:
    """Shared Key signing with an account key; given the SDK client's ``AzureNamedKeyCredential``
    (``source``), with whatever key it holds now: a rotation through ``credential.update()``
    reaches these reads as it reaches the SDK's writes."""

    def __init__(self, account: str, key: str, source: Any = None) -> None:
        self._source = source
        # (the credential's (name, key) tuple it came from, account, decoded key): replaced
        # as one, so a thread never signs with one account's name and another's key
        self._state: tuple[Any, str, bytes] = (None, account, base64.b64decode(key))

    @property
    def account(self) -> str:
        return self._current()[1]

    def _current(self) -> tuple[Any, str, bytes]:
        state = self._state
        if self._source is not None:
            named = self._source.named_key  # update() replaces the tuple: one identity check
            if named is not state[0]:
                state = self._state = (named, named.name, base64.b64decode(named.key))
        return state

    def sign(self, text: str) -> str:
        return self._sign(self._current()[2], text)

    @staticmethod
    def _sign(key: bytes, text: str) -> str:
        digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    def headers(
        self, method: str, path: str, query: Mapping[str, str], date: str, content_type: str = ""
    ) -> dict[str, str]:
        _, account, key = self._current()
        text = string_to_sign(method, account, path, date, query, content_type=content_type)
        signature = self._sign(key, text)
        return {"Authorization": f"SharedKey {account}:{signature}"}

    def query(self) -> str:
        return ""


class BearerToken:
    """An OAuth token from the app's credential (managed identity in Azure), renewed ahead of
    expiry as azure-core's ``BearerTokenCredentialPolicy`` renews it: at the credential's
    ``refresh_on`` when it offers ``get_token_info`` (about halfway through a managed identity
    token's life), else :data:`TOKEN_MARGIN_SECONDS` before it expires.

    One thread renews; the others go on with the current token while it is still valid (they
    wait only when there is none). A renewal that fails while the token is still valid (an IMDS
    blip) is logged and the token kept, tried again :data:`TOKEN_RETRY_SECONDS` later; only an
    expired token makes the failure the caller's."""

    def __init__(self, credential: Any, clock: Callable[[], float] = time.time) -> None:
        self._credential = credential
        self._clock = clock
        self._lock = threading.Lock()
        # (token, expires_on, renew_at), replaced as one so readers never see a mix
        self._state: tuple[str, float, float] = ("", 0.0, 0.0)

    def current(self) -> str:
        token, expires, renew_at = self._state
        now = self._clock()
        if token and now < renew_at:
            return token
        valid = bool(token) and now < expires
        if not self._lock.acquire(blocking=not valid):
            return token  # another thread is renewing; this one is still good
        try:
            token, expires, renew_at = self._state
            now = self._clock()
            if token and now < renew_at:
                return token  # renewed while this thread waited
            try:
                self._state = self._fetch()
            except Exception:
                if not (token and self._clock() < expires):
                    raise
                log.warning(
                    "table storage: token renewal failed, keeping the current token "
                    "(valid %.0f s more)",
                    expires - now,
                    exc_info=True,
                )
                self._state = (token, expires, min(now + TOKEN_RETRY_SECONDS, expires))
            return self._state[0]
        finally:
            self._lock.release()

    def _fetch(self) -> tuple[str, float, float]:
        if hasattr(self._credential, "get_token_info"):
            info = self._credential.get_token_info(SCOPE)
            expires = float(info.expires_on)
            refresh_on = getattr(info, "refresh_on", None)
            if refresh_on:
                return info.token, expires, min(float(refresh_on), expires)
            return info.token, expires, expires - TOKEN_MARGIN_SECONDS
        token = self._credential.get_token(SCOPE)
        expires = float(token.expires_on)
        return token.token, expires, expires - TOKEN_MARGIN_SECONDS

    def headers(
        self, method: str, path: str, query: Mapping[str, str], date: str, content_type: str = ""
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.current()}"}

    def query(self) -> str:
        return ""


class SharedAccessSignature:
    """A SAS in every query string; given the SDK client's ``AzureSasCredential`` (``source``),
    the one it holds now (``credential.update()`` renews it for reads and writes alike)."""

    def __init__(self, signature: str, source: Any = None) -> None:
        self._signature = signature.lstrip("?")
        self._source = source

    def headers(
        self, method: str, path: str, query: Mapping[str, str], date: str, content_type: str = ""
    ) -> dict[str, str]:
        return {}

    def query(self) -> str:
        if self._source is not None:
            return str(self._source.signature).lstrip("?")
        return self._signature


def authorizer_for(credential: Any) -> Authorizer:
    """The SDK client's credential, read the same way: a named key (connection strings with an
    account key, Azurite), a SAS, or a token credential (azure-identity)."""
    named = getattr(credential, "named_key", None)
    if named is not None:
        return SharedKey(named.name, named.key, source=credential)
    if hasattr(credential, "get_token"):
        return BearerToken(credential)
    signature = getattr(credential, "signature", None)
    if isinstance(signature, str):
        return SharedAccessSignature(signature, source=credential)
    raise TypeError(f"no Table Storage authorisation for a {type(credential).__name__}")


# -- decoding -------------------------------------------------------------------------------------
def parse_datetime(value: str) -> datetime:
    """Edm.DateTime as the service sends it (``2026-11-30T13:13:16.1234567Z``): .NET's seven
    fractional digits cut to Python's six, always UTC (as the SDK's deserialiser)."""
    text = value.rstrip("Z")
    if "." in text:
        whole, fraction = text.split(".", 1)
        text = f"{whole}.{fraction[:6]}"
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def typed_value(value: Any, edm: str | None) -> Any:
    """One property's JSON value as the SDK returns it, given its Edm type."""
    if edm is None or edm in ("Edm.String", "Edm.Int32", "Edm.Boolean"):
        return value
    if edm == "Edm.Int64":
        return int(value)
    if edm == "Edm.DateTime":
        return parse_datetime(value)
    if edm == "Edm.Binary":
        return base64.b64decode(value)
    if edm == "Edm.Guid":
        return UUID(value)
    if edm == "Edm.Double":
        return float(value)  # "NaN", "Infinity" come as strings
    return value


def decode_entity(entity: Mapping[str, Any]) -> tuple[str, str, dict[str, Any], str | None]:
    """(PartitionKey, RowKey, properties, etag) of one JSON entity (minimal metadata)."""
    data: dict[str, Any] = {}
    for name, value in entity.items():
        if name in ("PartitionKey", "RowKey", "Timestamp") or name.startswith("odata."):
            continue
        if name.endswith("@odata.type"):
            continue
        data[name] = typed_value(value, entity.get(f"{name}@odata.type"))
    etag = entity.get("odata.etag")
    if etag is None and "Timestamp" in entity:  # as the SDK: an etag from the timestamp
        etag = "W/\"datetime'" + quote(entity["Timestamp"]) + "'\""
    return entity["PartitionKey"], entity["RowKey"], data, etag


# -- filters --------------------------------------------------------------------------------------
def literal(value: Any, *, int64: bool = False) -> str:
    """An OData literal for a filter, as the SDK's parameter substitution writes it: strings
    quoted (quotes doubled), ints beyond 32 bits with the Int64 ``L`` suffix. ``int64`` writes
    every int as Int64: the service compares an Edm.Int64 property only with an Int64 literal
    (``N eq 4`` matches no row whose N was written as Int64), and the store writes every int
    as Int64."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if value.bit_length() <= 32 and not int64 else f"{value}L"
    if isinstance(value, float):
        return str(value)
    if isinstance(value, datetime):
        # a naive datetime is local time, as the SDK reads it when it writes and when it
        # substitutes a filter (``_to_utc_datetime``: ``astimezone``), so a filter meets the
        # value the SDK stored, on a host in any time zone
        utc = value.astimezone(UTC)
        return f"datetime'{utc.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}'"
    if isinstance(value, UUID):
        return f"guid'{value}'"
    if isinstance(value, bytes):
        return f"X'{value.hex()}'"
    text = str(value).replace("'", "''")
    return f"'{text}'"


def key_path(table: str, pk: str, rk: str) -> str:
    """The point-read path as the SDK builds it: the URL template
    ``/{table}(PartitionKey='{pk}',RowKey='{rk}')`` with each key's quotes doubled, then
    percent-encoded with nothing kept safe."""
    p = quoted(pk.replace("'", "''"))
    r = quoted(rk.replace("'", "''"))
    return f"/{quoted(table)}(PartitionKey='{p}',RowKey='{r}')"


# -- the client -----------------------------------------------------------------------------------
def tls_context() -> ssl.SSLContext:
    """The roots the SDK's writes trust, so reads and writes agree: requests (the SDK's
    transport) verifies against ``REQUESTS_CA_BUNDLE``, else ``CURL_CA_BUNDLE`` (a file or a
    directory), else certifi's bundle; it ignores ``SSL_CERT_FILE``, so this does too. Built
    once per store: loading a CA store costs about 19 ms of CPU, which ``HTTPSConnection``
    without a context pays on every new connection."""
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if not bundle:
        import certifi  # requests' own dependency; only needed for https

        bundle = certifi.where()
    if os.path.isdir(bundle):
        return ssl.create_default_context(capath=bundle)
    return ssl.create_default_context(cafile=bundle)


class _Answer:
    __slots__ = ("body", "data", "headers", "status")

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.data: Any = None  # the JSON of a 2xx answer


def _error(answer: _Answer) -> HttpResponseError:
    code = answer.headers.get("x-ms-error-code", "")
    message = answer.body.decode("utf-8", "replace")
    try:
        detail = json.loads(answer.body)["odata.error"]
        code = code or detail.get("code", "")
        message = detail.get("message", {}).get("value", message)
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    kind = ResourceNotFoundError if answer.status == 404 else HttpResponseError
    error = kind(message=f"({code or answer.status}) {message}")
    error.status_code = answer.status
    error.error_code = code or None  # type: ignore[attr-defined]
    return error


def _undecodable(answer: _Answer, exc: ValueError) -> DecodeError:
    error = DecodeError(message=f"JSON is invalid: {exc}")
    error.status_code = answer.status
    return error


class LeanTableReader:
    """Point reads and queries of one Table Storage account (or Azurite)."""

    def __init__(
        self,
        endpoint: str,
        auth: Authorizer,
        *,
        on_request: Callable[[Any], None] | None = None,
        retries: int = MAX_RETRIES,
        timeout: float = TIMEOUT_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        deadline: float = DEADLINE_SECONDS,
    ) -> None:
        parts = urlsplit(endpoint.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not a table endpoint: {endpoint!r}")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._https else 80)
        self._origin = f"{parts.scheme}://{parts.netloc}"  # for spans (and an http proxy)
        self._named_port = parts.port
        # the proxy the SDK's writes (requests) take from HTTPS_PROXY / HTTP_PROXY / NO_PROXY
        self._proxy: Proxy | None = proxy_for(self._origin + "/")
        # an http endpoint through a proxy is asked for by its absolute URL
        self._absolute = self._origin if self._proxy is not None and not self._https else ""
        self._prefix = parts.path  # /devstoreaccount1 on Azurite (path-style), '' in Azure
        self._auth = auth
        self._on_request = on_request
        self.retries = retries
        self._timeout = timeout
        self._sleep = sleep
        self._clock = clock
        self._idle: list[tuple[http.client.HTTPConnection, float]] = []  # with when it was left
        self._lock = threading.Lock()
        self._context = tls_context() if self._https else None
        self.deadline = deadline
        self._watchdog = _Watchdog(deadline)

    # -- reads --------------------------------------------------------------------------------
    def get(self, table: str, pk: str, rk: str) -> tuple[dict[str, Any], str | None] | None:
        """(properties, etag) of one entity, None when it (or the table) does not exist."""
        found = self.get_json(table, pk, rk)
        if found is None:
            return None
        _, _, data, etag = decode_entity(found[0])
        return data, etag or found[1]

    def get_json(self, table: str, pk: str, rk: str) -> tuple[dict[str, Any], str | None] | None:
        """(the entity's JSON with its type annotations, the answer's etag header), None when
        it (or the table) does not exist."""
        answer = self._get(
            key_path(table, pk, rk), {}, "TableClient.get_entity", _shown_key_path(table)
        )
        if answer.status == 404:
            return None
        return answer.data, answer.headers.get("etag")

    def query(
        self,
        table: str,
        filter: str | None,
        *,
        top: int | None = None,
        select: list[str] | None = None,
        next_keys: tuple[str, str | None] | None = None,
    ) -> tuple[list[tuple[str, str, dict[str, Any], str | None]], tuple[str, str | None] | None]:
        """One page: the entities and the keys to continue from (None at the end)."""
        query: dict[str, str] = {}
        if filter:
            query["$filter"] = filter
        if top is not None:
            query["$top"] = str(top)
        if select:
            query["$select"] = ",".join(select)
        if next_keys is not None:
            query["NextPartitionKey"] = next_keys[0]
            if next_keys[1] is not None:
                query["NextRowKey"] = next_keys[1]
        path = f"/{quoted(table)}()"
        answer = self._get(path, query, "TableClient.query_entities", path)
        if answer.status == 404:
            raise _error(answer)
        rows = [decode_entity(e) for e in answer.data.get("value", [])]
        npk = answer.headers.get(CONTINUATION_PK.lower())
        nrk = answer.headers.get(CONTINUATION_RK.lower())
        return rows, ((npk, nrk) if npk else None)

    # -- one GET, retried as the SDK's policy retries it -----------------------------------------
    def _get(self, path: str, query: Mapping[str, str], operation: str, shown: str) -> _Answer:
        """``shown``: the path as logs and spans show it (keys can hold a debtor's name or
        an e-mail address: a point read's are left out)."""
        full = self._prefix + path
        text = query_text(query) if query else ""
        sas = self._auth.query()
        if sas:
            text = f"{text}&{sas}" if text else sas
        target = f"{full}?{text}" if text else full
        if not telemetry.tracing_enabled():
            return self._attempts(full, query, target, shown, None)
        url = self._origin + self._prefix + shown + target[len(full) :]
        with lean_trace.read_span(operation, url, self._host, self._named_port) as span:
            return self._attempts(full, query, target, shown, span)

    def _attempts(
        self,
        full: str,
        query: Mapping[str, str],
        target: str,
        shown: str,
        span: lean_trace.ReadSpan | None,
    ) -> _Answer:
        failures = {"status": 0, "connect": 0, "read": 0}
        errors = 0
        due = time.monotonic() + self.deadline
        while True:
            date = formatdate(usegmt=True)
            headers = {
                "x-ms-version": API_VERSION,
                "x-ms-date": date,
                "Accept": ACCEPT,
                "DataServiceVersion": "3.0",
                "MaxDataServiceVersion": "3.0;NetFx",
                # what Azure's storage logs and support find a request by; echoed back
                lean_trace.REQUEST_ID: lean_trace.request_id(),
                lean_trace.RETURN_REQUEST_ID: "true",
                **self._auth.headers("GET", full, query, date),
            }
            if span is not None:
                span.attempt(headers)
            wait: float | None = None
            failed: Exception
            answer: _Answer | None = None
            final = False
            try:
                answer = self._exchange(target, headers, due)
            except ServiceRequestError as exc:
                failures["connect"] += 1
                failed, final = exc, failures["connect"] > self.retries
            except ServiceResponseError as exc:
                failures["read"] += 1
                failed, final = exc, failures["read"] > self.retries
            else:
                if span is not None:
                    span.answered(answer.status, answer.headers)
                if answer.status == 404:
                    return answer
                if answer.status < 300:
                    try:
                        answer.data = json.loads(answer.body)
                        return answer
                    except ValueError as exc:
                        # a proxy's or a gateway's page, a cut-off body: transient, as a read
                        # that broke; then the SDK's error for it (an HttpResponseError)
                        failures["read"] += 1
                        failed = _undecodable(answer, exc)
                        failed.__cause__ = exc
                        final = failures["read"] > self.retries
                elif answer.status not in RETRY_STATUSES:
                    failed, final = _error(answer), True
                else:
                    failures["status"] += 1
                    failed = _error(answer)
                    final = failures["status"] > self.retries
                    wait = _retry_after(answer.headers)
            if not final:
                errors += 1
                if wait is None:
                    # azure-core: no wait before the first retry, then factor × 2^(n-1), jittered
                    wait = 0.0 if errors <= 1 else BACKOFF_FACTOR * 2 ** (errors - 1)
                    wait *= random.uniform(0.8, 1.2)
                wait = min(wait, BACKOFF_MAX)
                final = time.monotonic() + wait >= due  # no time left for another attempt
            _log_failure(
                self._prefix + shown, headers[lean_trace.REQUEST_ID], answer, failed, wait, final
            )
            if final:
                raise failed
            self._sleep(wait or 0.0)

    # -- one entity-group transaction, retried as the SDK's policy retries a POST --------------
    def post_batch(self, body: bytes, content_type: str) -> tuple[int, dict[str, str], bytes, int]:
        """``POST /$batch`` with ``body`` (:func:`batch_wire.changeset`'s): the last attempt's
        (status, headers with lower-cased names, body, its retry number: 0 for the first
        attempt), whatever its status. Retried as
        azure-core's ``RetryPolicy`` retries a POST: an answer of 500, 503 or 504, or any
        status >= 400 with a ``Retry-After`` header, at most :attr:`retries` times, waiting
        as for a read; a refused connection, a reset or a timeout is raised at once
        (``ServiceRequestError`` before anything was sent, else ``ServiceResponseError``):
        a batch whose answer was lost may have been applied, and sent again it would be
        refused (an insert's row exists) or applied twice."""
        full = self._prefix + "/$batch"
        sas = self._auth.query()
        target = f"{full}?{sas}" if sas else full
        if not telemetry.tracing_enabled():
            return self._post_attempts(full, target, body, content_type, None)
        url = self._origin + target
        with lean_trace.read_span(
            "TableClient.submit_transaction", url, self._host, self._named_port, method="POST"
        ) as span:
            return self._post_attempts(full, target, body, content_type, span)

    def _post_attempts(
        self,
        full: str,
        target: str,
        body: bytes,
        content_type: str,
        span: lean_trace.ReadSpan | None,
    ) -> tuple[int, dict[str, str], bytes, int]:
        failures = 0
        due = time.monotonic() + self.deadline
        while True:
            date = formatdate(usegmt=True)
            headers = {
                "x-ms-version": API_VERSION,
                "DataServiceVersion": "3.0",
                "MaxDataServiceVersion": "3.0;NetFx",
                "Content-Type": content_type,
                "Accept": "application/json",
                "x-ms-date": date,
                lean_trace.REQUEST_ID: lean_trace.request_id(),
                lean_trace.RETURN_REQUEST_ID: "true",
                **self._auth.headers("POST", full, {}, date, content_type),
            }
            if span is not None:
                span.attempt(headers)
            try:
                answer = self._exchange(target, headers, due, "POST", body)
            except (ServiceRequestError, ServiceResponseError) as exc:
                _log_failure(full, headers[lean_trace.REQUEST_ID], None, exc, None, True, BATCH)
                raise
            if span is not None:
                span.answered(answer.status, answer.headers)
            kept = (answer.status, answer.headers, answer.body, failures)
            if answer.status < 400:
                return kept
            asked = bool(answer.headers.get("retry-after"))
            if not asked and answer.status not in POST_RETRY_STATUSES:
                return kept
            failures += 1
            wait: float | None = None
            final = failures > self.retries
            if not final:
                # the service's wait when it asked for one (none, or 0: the backoff, as the
                # SDK's ``sleep``), else none before the first retry, then factor × 2^(n-1)
                wait = _retry_after(answer.headers)
                if not wait:
                    wait = 0.0 if failures <= 1 else BACKOFF_FACTOR * 2 ** (failures - 1)
                    wait *= random.uniform(0.8, 1.2)
                wait = min(wait, BACKOFF_MAX)
                final = time.monotonic() + wait >= due  # no time left for another attempt
            error = _error(_Answer(*kept[:3]))
            request_id = headers[lean_trace.REQUEST_ID]
            _log_failure(full, request_id, answer, error, wait, final, BATCH)
            if final:
                return kept  # the SDK's policy hands the last answer back to be raised
            self._sleep(wait or 0.0)

    def _exchange(
        self,
        target: str,
        headers: dict[str, str],
        due: float,
        method: str = "GET",
        body: bytes | None = None,
    ) -> _Answer:
        """One HTTP request on a pooled keep-alive connection (counted once, as the SDK's
        ``raw_request_hook`` counts an attempt). A GET on a reused connection the server had
        already closed is replaced once without counting as a failure (nothing was received).
        A POST is sent once: a reused connection is first checked for the server's close (as
        urllib3 checks it before reuse), and a failure once it is sent is the caller's (a batch
        whose answer was lost may have been applied), a ``ServiceResponseError`` as azure-core
        raises it. No socket operation waits past ``due`` (monotonic), and the watchdog cuts a
        connection still busy then (a server sending a byte at a time)."""
        if self._on_request is not None:
            self._on_request(target)
        idempotent = method == "GET"
        for fresh_only in (False, True):
            remaining = due - time.monotonic()
            if remaining <= 0:
                raise ServiceResponseError(f"table storage: no answer within {self.deadline} s")
            conn, reused = self._take(fresh_only)
            if reused and not idempotent and _dropped(conn):
                conn.close()
                conn, reused = self._connection(), False
            conn.timeout = min(self._timeout, remaining)
            if not reused:
                try:
                    conn.connect()
                except OSError as exc:  # refused, unreachable, connect timeout: nothing sent
                    conn.close()
                    raise ServiceRequestError(f"table storage: {exc!r}") from exc
            elif conn.sock is not None:
                conn.sock.settimeout(conn.timeout)
            self._watchdog.watch(conn, due)
            try:
                if self._absolute:  # through an http proxy: it needs the whole URL
                    assert self._proxy is not None
                    conn.request(method, self._absolute + target, body,
                                 headers={**headers, **self._proxy.headers()})  # fmt: skip
                else:
                    conn.request(method, target, body, headers=headers)
                response = conn.getresponse()
                answered = response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                if time.monotonic() >= due:  # cut by the watchdog, or timed out at the end
                    raise ServiceResponseError(
                        f"table storage: no answer within {self.deadline} s"
                    ) from exc
                if not idempotent:  # sent, or perhaps sent: never again
                    raise ServiceResponseError(f"table storage: {exc!r}") from exc
                if isinstance(
                    exc, http.client.RemoteDisconnected | BrokenPipeError | ConnectionResetError
                ):
                    if reused and not fresh_only:
                        continue
                    raise ServiceRequestError(f"table storage: {exc!r}") from exc
                if isinstance(exc, TimeoutError):
                    raise ServiceResponseError(f"table storage: read timed out ({exc})") from exc
                # sent, the answer broke
                raise ServiceResponseError(f"table storage: {exc!r}") from exc
            finally:
                self._watchdog.release(conn)
            if time.monotonic() >= due:  # perhaps cut short: http.client takes an EOF in the
                conn.close()  # headers for their end, and reads an unsized body to the EOF
                raise ServiceResponseError(f"table storage: no answer within {self.deadline} s")
            answer = _Answer(
                response.status, {k.lower(): v for k, v in response.getheaders()}, answered
            )
            if response.will_close:
                conn.close()
            else:
                self._give(conn)
            return answer
        raise AssertionError("unreachable")

    def _take(self, fresh_only: bool) -> tuple[http.client.HTTPConnection, bool]:
        if not fresh_only:
            with self._lock:
                # left in time order (the clock is read under this lock): the oldest first
                cutoff = self._clock() - IDLE_SECONDS
                expired = 0
                while expired < len(self._idle) and self._idle[expired][1] < cutoff:
                    expired += 1
                stale = [conn for conn, _ in self._idle[:expired]]
                del self._idle[:expired]
                found = self._idle.pop()[0] if self._idle else None
            for conn in stale:
                conn.close()
            if found is not None:
                return found, True
        return self._connection(), False

    def _connection(self) -> http.client.HTTPConnection:
        """A new connection to the endpoint: directly, or through the proxy (a CONNECT tunnel
        for https, so TLS still runs end to end with the storage account's name)."""
        proxy = self._proxy
        host, port = (self._host, self._port) if proxy is None else (proxy.host, proxy.port)
        conn: http.client.HTTPConnection
        if self._context is None:
            conn = http.client.HTTPConnection(host, port, timeout=self._timeout)
            conn.response_class = LeanResponse
            return conn
        conn = http.client.HTTPSConnection(host, port, timeout=self._timeout, context=self._context)
        conn.response_class = LeanResponse
        if proxy is not None:
            conn.set_tunnel(self._host, self._port, headers=proxy.headers())
        return conn

    def _give(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if len(self._idle) < IDLE_CONNECTIONS:
                self._idle.append((conn, self._clock()))
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn, _ in idle:
            conn.close()


def _dropped(conn: http.client.HTTPConnection) -> bool:
    """Whether the server closed (or wrote on) an idle connection: readable with nothing asked
    is an EOF, a reset or a stray answer. What urllib3 checks before it reuses a connection."""
    sock = conn.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _shown_key_path(table: str) -> str:
    """A point read's path with its keys replaced, as azure-core's placeholder replaces what a
    recorded URL must not show."""
    hidden = lean_trace.REDACTED
    return f"/{quote(table, safe='')}(PartitionKey='{hidden}',RowKey='{hidden}')"


def _log_failure(
    path: str,
    request_id: str,
    answer: _Answer | None,
    failed: Exception,
    wait: float | None,
    final: bool,
    what: str = "read",
) -> None:
    """One failed attempt, with the ids Azure's logs and support find it by: a warning when
    the read gives up, info when it is retried. The path, never the query (a SAS, filter
    values)."""
    status = answer.status if answer is not None else None
    service_id = answer.headers.get(lean_trace.SERVICE_REQUEST_ID) if answer is not None else None
    fields = {
        "client_request_id": request_id,
        "service_request_id": service_id,
        "status_code": status,
        "error_code": getattr(failed, "error_code", None),
        "storage_path": path,
    }
    if final:
        log.warning(
            "table storage %s failed: %s %s (client request id %s)",
            what,
            status or type(failed).__name__,
            path,
            request_id,
            extra=log_extra(fields),
        )
    else:
        log.info(
            "table storage %s failed, retrying in %.1f s: %s %s (client request id %s)",
            what,
            wait or 0.0,
            status or type(failed).__name__,
            path,
            request_id,
            extra=log_extra(fields),
        )


class _Watchdog:
    """Cuts connections still busy at their request's deadline: socket timeouts bound each
    operation, not a response that trickles in. One daemon thread per store, started with the
    first request, sleeping until the nearest deadline. A request's deadline is its start +
    ``span``, so one registered later is never due sooner than the thread's wake-up: no
    request needs to wake it (nothing added to a read's CPU but a dict entry)."""

    def __init__(self, span: float) -> None:
        self._span = span
        self._lock = threading.Lock()
        self._wake = threading.Event()  # never set: a sleep that close() could cut short
        self._due: dict[int, tuple[float, http.client.HTTPConnection]] = {}
        self._thread: threading.Thread | None = None

    def watch(self, conn: http.client.HTTPConnection, due: float) -> None:
        with self._lock:
            self._due[id(conn)] = (due, conn)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="table-read-deadlines", daemon=True
                )
                self._thread.start()

    def release(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            self._due.pop(id(conn), None)

    def _run(self) -> None:
        while True:
            now = time.monotonic()
            with self._lock:
                late = [k for k, (due, _) in self._due.items() if due <= now]
                cut = [self._due.pop(k)[1] for k in late]
                nearest = min((due for due, _ in self._due.values()), default=now + self._span)
            for conn in cut:
                sock = conn.sock
                if sock is not None:
                    try:  # the plain socket's shutdown, under TLS too: the blocked read sees EOF
                        socket.socket.shutdown(sock, socket.SHUT_RDWR)
                    except OSError:
                        pass
            self._wake.wait(max(0.01, nearest - time.monotonic()))


def _seconds(value: str) -> float | None:
    """A Retry-After value: delay-seconds or an HTTP-date (RFC 9110 10.2.3), as azure-core's
    ``parse_retry_after`` reads it; None when it is neither."""
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": UTC as far as anyone can tell
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """How long the service asked to wait, as azure-core's ``get_retry_after``: ``Retry-After``
    (seconds or a date), else ``retry-after-ms`` / ``x-ms-retry-after-ms``; capped by the
    caller at :data:`BACKOFF_MAX`."""
    value = headers.get("retry-after")
    if value:
        return _seconds(value)
    for name in ("retry-after-ms", "x-ms-retry-after-ms"):
        value = headers.get(name)
        if value:
            ms = _seconds(value)
            return None if ms is None else ms / 1000.0
    return None
