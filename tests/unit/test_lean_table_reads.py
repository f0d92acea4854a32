"""The lean Table Storage reads (shared/adapters/tables/lean.py) against what the service
documents and what the SDK did: Shared Key signing, typed properties, filters and keys in the
URL, continuation, errors and retries (a local HTTP server plays the Table service)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import pytest
from azure.core.credentials import (
    AccessToken,
    AccessTokenInfo,
    AzureNamedKeyCredential,
    AzureSasCredential,
)
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure.core.pipeline import PipelineContext, PipelineRequest
from azure.core.rest import HttpRequest
from azure.data.tables._authentication import SharedKeyCredentialPolicy
from azure.data.tables._serialize import _parameter_filter_substitution

from shared.adapters.tables import lean
from shared.adapters.tables.lean import (
    BearerToken,
    LeanTableReader,
    SharedKey,
    authorizer_for,
    decode_entity,
    key_path,
    literal,
    string_to_sign,
)
from tests.support.stand_in import Received, Reply, serve

# Azurite's well-known development account (public, documented by Microsoft)
ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
DATE = "Mon, 30 Nov 2026 13:00:00 GMT"


# -- Shared Key -----------------------------------------------------------------------------------
def test_string_to_sign_is_the_documented_table_service_form():
    # VERB, Content-MD5, Content-Type, Date, CanonicalizedResource ("Authorize with Shared Key")
    text = string_to_sign("GET", "myaccount", "/mytable()", DATE)
    assert text == f"GET\n\n\n{DATE}\n/myaccount/mytable()"
    # a comp parameter is the only part of the query that is signed
    text = string_to_sign("GET", "myaccount", "/", DATE, {"comp": "properties", "x": "1"})
    assert text.endswith("\n/myaccount/?comp=properties")
    # the emulator's path-style URL carries the account name twice
    text = string_to_sign("GET", ACCOUNT, f"/{ACCOUNT}/Invoices()", DATE)
    assert text.endswith(f"\n/{ACCOUNT}/{ACCOUNT}/Invoices()")


def test_signature_is_hmac_sha256_of_the_string_under_the_decoded_key():
    text = string_to_sign("GET", ACCOUNT, f"/{ACCOUNT}/Invoices()", DATE)
    expected = base64.b64encode(
        hmac.new(base64.b64decode(KEY), text.encode(), hashlib.sha256).digest()
    ).decode()
    headers = SharedKey(ACCOUNT, KEY).headers("GET", f"/{ACCOUNT}/Invoices()", {}, DATE)
    assert headers == {"Authorization": f"SharedKey {ACCOUNT}:{expected}"}


@pytest.mark.parametrize(
    "path",
    [
        "/Invoices()",
        "/Invoices(PartitionKey='c1',RowKey='i%7CD00001%7CF!2f01')",
        "/Tables",
    ],
)
def test_signature_matches_the_sdk_policy_for_the_same_request(path):
    url = f"http://127.0.0.1:10002/{ACCOUNT}{path}?%24filter=PartitionKey%20eq%20%27a%27&%24top=5"
    request = HttpRequest("GET", url, headers={"x-ms-date": DATE, "x-ms-version": "2019-02-02"})
    policy = SharedKeyCredentialPolicy(AzureNamedKeyCredential(ACCOUNT, KEY))
    policy.on_request(PipelineRequest(request, PipelineContext(None)))
    ours = SharedKey(ACCOUNT, KEY).headers("GET", f"/{ACCOUNT}{path}", {"$top": "5"}, DATE)
    assert ours["Authorization"] == request.headers["Authorization"]


def test_authorizer_follows_the_sdk_clients_credential():
    assert isinstance(authorizer_for(AzureNamedKeyCredential(ACCOUNT, KEY)), SharedKey)
    assert (
        authorizer_for(AzureSasCredential("?sv=2019-02-02&sig=x")).query() == "sv=2019-02-02&sig=x"
    )
    assert isinstance(authorizer_for(_Credential()), BearerToken)
    with pytest.raises(TypeError):
        authorizer_for(object())


# -- bearer tokens -------------------------------------------------------------------------------
class _Credential:
    def __init__(self) -> None:
        self.scopes: list[tuple[str, ...]] = []
        self.now = 1_000_000.0

    def get_token(self, *scopes: str) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken(f"token-{len(self.scopes)}", int(self.now) + 3600)


def test_bearer_token_is_asked_for_storage_and_kept_until_near_expiry():
    credential = _Credential()
    bearer = BearerToken(credential, clock=lambda: credential.now)
    assert bearer.headers("GET", "/t()", {}, DATE) == {"Authorization": "Bearer token-1"}
    assert credential.scopes == [("https://storage.azure.com/.default",)]
    credential_start = credential.now
    credential.now = credential_start + 3600 - 301  # still more than five minutes left
    assert bearer.current() == "token-1"
    credential.now = credential_start + 3600 - 299  # within five minutes of expiry: renewed
    assert bearer.current() == "token-2"
    assert len(credential.scopes) == 2


class _FlakyCredential:
    """A managed identity as azure-identity presents it: get_token_info with refresh_on
    (halfway through an hour's token); ``fail`` plays an IMDS outage, ``gate`` a slow one."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.calls = 0
        self.fail = False
        self.gate: threading.Event | None = None
        self.entered = threading.Event()

    def get_token_info(self, *scopes: str, options: Any = None) -> AccessTokenInfo:
        self.calls += 1
        self.entered.set()
        if self.gate is not None:
            assert self.gate.wait(10)
        if self.fail:
            raise ClientAuthenticationError("IMDS unavailable")
        return AccessTokenInfo(
            f"token-{self.calls}", int(self.now) + 3600, refresh_on=int(self.now) + 1800
        )


def test_bearer_token_is_renewed_at_refresh_on_and_a_failed_renewal_keeps_the_valid_one():
    credential = _FlakyCredential()
    bearer = BearerToken(credential, clock=lambda: credential.now)
    assert bearer.current() == "token-1"
    credential.now += 1799
    assert bearer.current() == "token-1"
    credential.now += 1  # refresh_on, long before the five-minute margin
    assert bearer.current() == "token-2"
    start = credential.now
    credential.now = start + 3600 - 200  # 200 s left, and IMDS is down
    credential.fail = True
    assert bearer.current() == "token-2"  # kept: it still works for 200 s
    calls = credential.calls
    assert bearer.current() == "token-2"
    assert credential.calls == calls  # not asked again on every read while it is down
    credential.now += 31
    assert bearer.current() == "token-2" and credential.calls == calls + 1
    credential.now = start + 3600  # expired, and still no new one: now it is an error
    with pytest.raises(ClientAuthenticationError):
        bearer.current()
    credential.fail = False
    assert bearer.current() == f"token-{credential.calls}"


def test_one_thread_renews_while_the_others_use_the_still_valid_token():
    credential = _FlakyCredential()
    bearer = BearerToken(credential, clock=lambda: credential.now)
    assert bearer.current() == "token-1"
    credential.now += 1800
    credential.gate = threading.Event()  # the renewal hangs until released
    renewed: list[str] = []
    renewer = threading.Thread(target=lambda: renewed.append(bearer.current()))
    renewer.start()
    assert credential.entered.wait(10)
    # the others neither wait for it nor ask the credential themselves
    assert [bearer.current() for _ in range(5)] == ["token-1"] * 5
    assert credential.calls == 2
    credential.gate.set()
    renewer.join(10)
    assert renewed == ["token-2"] and bearer.current() == "token-2"


# -- types ---------------------------------------------------------------------------------------
def test_typed_properties_come_back_as_the_sdk_returned_them():
    entity = {
        "odata.etag": "W/\"datetime'2026-11-30T13%3A00%3A00.1234567Z'\"",
        "PartitionKey": "c1",
        "RowKey": "r1",
        "Timestamp": "2026-11-30T13:00:00.1234567Z",
        "Cents": "12100",
        "Cents@odata.type": "Edm.Int64",
        "Big": "9007199254740993",
        "Big@odata.type": "Edm.Int64",
        "Small": 7,
        "Digits": "12100",  # a string that looks like a number stays a string
        "Paid": True,
        "At": "2026-11-30T13:00:00.1234567Z",
        "At@odata.type": "Edm.DateTime",
        "Blob": base64.b64encode(b"\x00\x01pdf").decode(),
        "Blob@odata.type": "Edm.Binary",
        "Id": "c9da6455-213d-42c9-9a79-3e9149a57833",
        "Id@odata.type": "Edm.Guid",
        "Rate": 1.5,
        "NotANumber": "NaN",
        "NotANumber@odata.type": "Edm.Double",
    }
    pk, rk, data, etag = decode_entity(entity)
    assert (pk, rk, etag) == ("c1", "r1", entity["odata.etag"])
    assert data["Cents"] == 12100 and isinstance(data["Cents"], int)
    assert data["Big"] == 9007199254740993
    assert data["Small"] == 7
    assert data["Digits"] == "12100"
    assert data["Paid"] is True
    assert data["At"] == datetime(2026, 11, 30, 13, 0, 0, 123456, tzinfo=UTC)
    assert data["Blob"] == b"\x00\x01pdf"
    assert data["Id"] == UUID("c9da6455-213d-42c9-9a79-3e9149a57833")
    assert data["Rate"] == 1.5
    assert data["NotANumber"] != data["NotANumber"]  # NaN
    assert set(data) == {
        "Cents", "Big", "Small", "Digits", "Paid", "At", "Blob", "Id", "Rate", "NotANumber"
    }  # fmt: skip


def test_datetimes_without_fraction_and_the_etag_from_the_timestamp():
    _, _, data, etag = decode_entity({
        "PartitionKey": "p", "RowKey": "r", "Timestamp": "2026-11-30T13:00:00Z",
        "At": "2026-11-30T13:00:00Z", "At@odata.type": "Edm.DateTime",
    })  # fmt: skip
    assert data["At"] == datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
    assert etag == "W/\"datetime'2026-11-30T13%3A00%3A00Z'\""


# -- filters and keys ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value", ["plain", "O'Brien", "", 0, 1, 5, -(2**31), 2**40, True, False, 1.5]
)
def test_literals_are_what_the_sdk_substituted(value):
    assert literal(value) == _parameter_filter_substitution({"v": value}, "@v")


def test_the_store_compares_ints_as_int64_as_it_writes_them():
    assert (literal(4, int64=True), literal(True, int64=True)) == ("4L", "true")


def test_key_path_is_the_sdks_url_for_the_same_keys():
    from azure.data.tables._generated.operations._operations import (
        build_table_query_entity_with_partition_and_row_key_request as build,
    )
    from azure.data.tables._serialize import _prepare_key

    for pk, rk in [("c1", "r1"), ("O'Brien", "a|b c"), ("€uro", "100%&+=;$,:@!2f")]:
        sdk = build("Invoices", _prepare_key(pk), _prepare_key(rk)).url
        assert key_path("Invoices", pk, rk) == sdk


# -- the client against a local Table service ----------------------------------------------------
def _service(handler: Any) -> Any:
    return serve(handler)


def _signed(received: Received) -> bool:
    date = received.headers["x-ms-date"]
    expected = SharedKey(ACCOUNT, KEY).headers("GET", received.path, {}, date)["Authorization"]
    return received.headers.get("authorization") == expected


def _reader(url: str, **kw: Any) -> LeanTableReader:
    sleeps: list[float] = []
    reader = LeanTableReader(f"{url}/{ACCOUNT}", SharedKey(ACCOUNT, KEY), sleep=sleeps.append, **kw)
    reader.sleeps = sleeps  # type: ignore[attr-defined]
    return reader


def test_point_read_sends_the_documented_request_and_decodes_it():
    def handler(r: Received) -> Reply:
        if not _signed(r):
            return Reply(403, {"odata.error": {"code": "AuthenticationFailed"}})
        assert r.headers["accept"] == "application/json;odata=minimalmetadata"
        assert r.headers["x-ms-version"] == "2019-02-02"
        if "RowKey='missing'" in r.path:
            return Reply(404, {"odata.error": {"code": "ResourceNotFound",
                                               "message": {"value": "gone"}}})  # fmt: skip
        return Reply(200, {"PartitionKey": "c1", "RowKey": "r1", "odata.etag": "W/\"1\"",
                           "Cents": "5", "Cents@odata.type": "Edm.Int64"},
                     headers={"ETag": "W/\"1\""})  # fmt: skip

    with _service(handler) as table:
        reader = _reader(table.url)
        assert reader.get("Invoices", "c1", "r1") == ({"Cents": 5}, 'W/"1"')
        assert reader.get("Invoices", "c1", "missing") is None
        assert table.received[0].path == f"/{ACCOUNT}/Invoices(PartitionKey='c1',RowKey='r1')"


def test_queries_follow_the_continuation_headers():
    rows = [{"PartitionKey": "p", "RowKey": f"r{i}", "odata.etag": f"e{i}"} for i in range(5)]

    def handler(r: Received) -> Reply:
        assert _signed(r)
        assert r.query["$filter"] == ["PartitionKey eq 'p'"]
        start = int(r.query.get("NextRowKey", ["r0"])[0][1:])
        page = rows[start : start + 2]
        headers = {}
        if start + 2 < len(rows):
            headers = {
                "x-ms-continuation-NextPartitionKey": "p",
                "x-ms-continuation-NextRowKey": f"r{start + 2}",
            }
        return Reply(200, {"value": page}, headers=headers)

    with _service(handler) as table:
        reader = _reader(table.url)
        seen, keys = [], None
        while True:
            page, keys = reader.query("T", "PartitionKey eq 'p'", top=2, next_keys=keys)
            seen += [rk for _, rk, _, _ in page]
            if keys is None:
                break
        assert seen == [f"r{i}" for i in range(5)]
        assert [r.query["$top"] for r in table.received] == [["2"]] * 3
        assert len(table.received) == 3


def test_busy_answers_are_retried_with_backoff_then_raised():
    answers = [Reply(503), Reply(429, headers={"Retry-After": "2"}), Reply(200, {"value": []})]

    def handler(r: Received) -> Reply:
        return answers.pop(0) if answers else Reply(503, {"odata.error": {"code": "ServerBusy"}})

    counted: list[Any] = []
    with _service(handler) as table:
        reader = _reader(table.url, on_request=counted.append)
        assert reader.query("T", None) == ([], None)
        assert reader.sleeps[1] == 2.0  # type: ignore[attr-defined]  # Retry-After honoured
        assert len(counted) == 3  # every attempt is a storage request
        with pytest.raises(HttpResponseError) as raised:
            reader.query("T", None)
        assert raised.value.status_code == 503
        assert len(counted) == 3 + 4  # the first try and three retries, as the SDK's policy


def test_client_errors_are_not_retried_and_keep_their_code():
    def handler(r: Received) -> Reply:
        return Reply(400, {"odata.error": {"code": "InvalidInput", "message": {"value": "bad"}}})

    with _service(handler) as table:
        reader = _reader(table.url)
        with pytest.raises(HttpResponseError) as raised:
            reader.query("T", "x eq")
        assert raised.value.status_code == 400
        assert raised.value.error_code == "InvalidInput"  # type: ignore[attr-defined]
        assert len(table.received) == 1


def test_a_missing_table_is_not_found_on_a_query():
    missing = Reply(404, {"odata.error": {"code": "TableNotFound"}})
    with _service(lambda r: missing) as table, pytest.raises(ResourceNotFoundError):
        _reader(table.url).query("Nope", None)


def test_connections_are_kept_alive_and_a_refused_one_is_retried_then_raised():
    with _service(lambda r: Reply(200, {"value": []})) as table:
        reader = _reader(table.url)
        for _ in range(5):
            reader.query("T", None)
        assert len(reader._idle) == 1  # one connection served all five
        url = table.url
    reader = _reader(url, retries=2)  # the server is gone: connection refused
    with pytest.raises(ServiceRequestError):
        reader.query("T", None)
    assert len(reader.sleeps) == 2  # type: ignore[attr-defined]


def test_the_store_builds_its_reader_from_the_sdk_client(monkeypatch):
    from shared.adapters.tables.azure import AzureTableStore

    service = SimpleNamespace(url="http://127.0.0.1:1/devstoreaccount1",
                              credential=AzureNamedKeyCredential(ACCOUNT, KEY))  # fmt: skip
    store = AzureTableStore(lambda **kw: service, read_retries=0)  # type: ignore[arg-type,return-value]
    assert store.reader.retries == 0
    assert isinstance(store.reader._auth, SharedKey)
    assert lean.API_VERSION == "2019-02-02"


# -- TLS ------------------------------------------------------------------------------------------
def test_https_builds_one_context_per_store_from_the_sdks_ca_settings(tmp_path, monkeypatch):
    import ssl

    from tests.support.tls import self_signed

    cert, key = self_signed(tmp_path)
    built: list[Any] = []
    make, make_https = ssl.create_default_context, ssl._create_default_https_context

    def counted(*a: Any, **kw: Any) -> Any:
        built.append(kw)
        return make(*a, **kw)

    def counted_https(*a: Any, **kw: Any) -> Any:
        built.append(kw)
        return make_https(*a, **kw)

    monkeypatch.setattr(ssl, "create_default_context", counted)
    monkeypatch.setattr(ssl, "_create_default_https_context", counted_https)
    # requests (the SDK's writes) trusts REQUESTS_CA_BUNDLE and ignores SSL_CERT_FILE
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    closing = Reply(200, {"value": []}, headers={"Connection": "close"})
    with serve(lambda r: closing, tls=(cert, key)) as table:
        reader = _reader(table.url.replace("127.0.0.1", "localhost"), retries=0)
        for _ in range(3):  # a new connection each time (the server closes it)
            assert reader.query("T", None) == ([], None)
        assert len(table.received) == 3
    assert len(built) == 1  # not one per connection (about 19 ms of CPU each)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    with serve(lambda r: closing, tls=(cert, key)) as table:
        reader = _reader(table.url, retries=0)  # certifi's roots: the self-signed one is not
        with pytest.raises(ServiceRequestError):
            reader.query("T", None)


def test_a_connection_idle_longer_than_the_load_balancer_keeps_flows_is_not_reused():
    # Azure's load balancer drops an idle flow without a FIN or RST: reusing that socket would
    # cost a whole timeout, so one idle for more than IDLE_SECONDS is closed and replaced
    now = [100.0]
    with _service(lambda r: Reply(200, {"value": []})) as table:
        reader = _reader(table.url, clock=lambda: now[0])
        reader.query("T", None)
        first = reader._idle[-1][0]
        now[0] += lean.IDLE_SECONDS - 1
        reader.query("T", None)
        assert reader._idle[-1][0] is first  # still fresh enough: reused
        now[0] += lean.IDLE_SECONDS + 1
        reader.query("T", None)
        assert first.sock is None  # closed, not reused
        assert [conn for conn, _ in reader._idle] != [first] and len(reader._idle) == 1
        assert len(table.received) == 3


@pytest.mark.parametrize(
    ("headers", "low", "high"),
    [
        ({"Retry-After": "HTTP-DATE+30"}, 28.0, 30.0),  # an HTTP-date, 30 s ahead
        ({"Retry-After": "Mon, 30 Nov 2020 13:00:00 GMT"}, 0.0, 0.0),  # a date gone by
        ({"x-ms-retry-after-ms": "1500"}, 1.5, 1.5),
        ({"retry-after-ms": "250"}, 0.25, 0.25),
        ({"Retry-After": "2", "retry-after-ms": "9000"}, 2.0, 2.0),  # Retry-After first
        ({"Retry-After": "86400"}, lean.BACKOFF_MAX, lean.BACKOFF_MAX),  # capped
    ],
)
def test_every_form_of_retry_after_is_honoured_as_azure_core_reads_it(headers, low, high):
    from email.utils import formatdate

    headers = {
        k: formatdate(time.time() + 30, usegmt=True) if v == "HTTP-DATE+30" else v
        for k, v in headers.items()
    }
    answers = [Reply(503, headers=headers), Reply(200, {"value": []})]
    with _service(lambda r: answers.pop(0)) as table:
        reader = _reader(table.url, deadline=lean.BACKOFF_MAX * 2)  # room for the longest
        assert reader.query("T", None) == ([], None)
        assert len(reader.sleeps) == 1  # type: ignore[attr-defined]
        assert low <= reader.sleeps[0] <= high  # type: ignore[attr-defined]


def test_a_success_whose_body_is_not_json_is_retried_then_raised_as_the_sdks_decode_error():
    from azure.core.exceptions import DecodeError

    html = Reply(200, b"<html>gateway</html>", headers={"Content-Type": "text/html"})
    answers = [html, Reply(200, {"value": []})]
    with _service(lambda r: answers.pop(0) if answers else html) as table:
        reader = _reader(table.url)
        assert reader.query("T", None) == ([], None)  # transient: the retry read it
        assert len(table.received) == 2
        with pytest.raises(DecodeError) as raised:  # an HttpResponseError, as from the SDK
            reader.get("T", "p", "r")
        assert raised.value.status_code == 200
        assert "JSON is invalid" in str(raised.value)
        assert len(table.received) == 2 + 4  # the first try and three retries


def test_a_naive_datetime_is_local_time_as_the_sdk_writes_and_filters_it(monkeypatch):
    from azure.data.tables._serialize import _to_entity_datetime

    naive = datetime(2026, 11, 30, 13, 0, 0)
    monkeypatch.setenv("TZ", "Europe/Amsterdam")  # a developer's machine, not UTC
    time.tzset()
    try:
        written = _to_entity_datetime(naive)[1]  # what the SDK stores for it
        assert written == "2026-11-30T12:00:00.000000Z"
        assert literal(naive) == f"datetime'{written}'"
        params: dict[str, Any] = {"d": naive}  # the SDK takes any value, typed str
        assert literal(naive) == _parameter_filter_substitution(params, "@d")
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_server_dripping_its_answer_cannot_hold_a_read_past_the_deadline():
    # each byte resets the socket timeout; only the overall deadline stops the read
    import socket

    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200:
                if stop.wait(0.05):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        reader = _reader(url, timeout=0.5, deadline=1.0)
        started = time.monotonic()
        with pytest.raises(ServiceResponseError, match="no answer within"):
            reader.get("T", "p", "r")
        assert time.monotonic() - started < 2.5  # not the ~10 s the drip would take
    finally:
        stop.set()
        listener.close()
