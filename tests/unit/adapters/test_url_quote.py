"""Keys and query values percent-encoded as ``quote(value, safe="")`` writes them, without
``quote``'s byte-by-byte list for the ASCII keys nearly every request carries (perf20)."""

from __future__ import annotations

import random
import urllib.parse
from urllib.parse import quote, urlencode

import pytest

from shared.adapters.tables import batch_wire, lean
from shared.adapters.tables.url_quote import query_text, quoted
from shared.ports.tables import Op, OpKind, Row


def test_every_character_as_quote_writes_it() -> None:
    for code in range(0x3000):
        if 0xD800 <= code < 0xE000:
            continue
        text = chr(code)
        assert quoted(text) == quote(text, safe=""), hex(code)


def test_mixed_strings_as_quote_writes_them() -> None:
    rng = random.Random(20)
    alphabet = [chr(c) for c in range(128)] + ["é", "€", "ß", "\u2028", "😀", "\U0010ffff"]
    for _ in range(2_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        assert quoted(text) == quote(text, safe="")
    for key in ("scale-small|i|K!2f001|2026-11-30", "O''Brien & Zn.", "a+b=c%d", "~_.-"):
        assert quoted(key) == quote(key, safe="")


def test_a_lone_surrogate_refused_as_quote_refuses_it() -> None:
    with pytest.raises(UnicodeEncodeError):
        quote("a\ud800", safe="")
    with pytest.raises(UnicodeEncodeError):
        quoted("a\ud800")


def test_a_query_as_urlencode_writes_it() -> None:
    query = {
        "$filter": "PartitionKey eq 'K!2f1|x' and RowKey ge 'a|1200|' and RowKey lt 'a|1200}'",
        "$top": "1000",
        "NextPartitionKey": "1!21!2d",
        "NextRowKey": "é&=?+ ",
    }
    assert query_text(query) == urlencode(query, quote_via=quote, safe="")


def test_keys_and_filters_never_go_through_quote(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []
    real = urllib.parse.quote_from_bytes

    def counted(bs: bytes, safe: str = "/") -> str:
        calls.append(bs)
        return real(bs, safe)

    monkeypatch.setattr(urllib.parse, "quote_from_bytes", counted)
    ops = [Op(OpKind.UPSERT, Row("c|K!2f1", f"i|{n:04d}", {"cents": n})) for n in range(60)]
    batch_wire.changeset(ops, "http://127.0.0.1:10002/devstoreaccount1/Ledger", "now")
    lean.key_path("Ledger", "c|K!2f1", "i|O''Brien 0001")
    query_text({"$filter": "RowKey ge 'a|1200|' and RowKey lt 'a|1200|\U0010ffff'"})
    assert calls == []
