"""A statement that is fine but wrapped: inside an ISO 20022 business-message envelope
(``BizMsgEnvlp`` with ``AppHdr``), read from its Document; a bank's ZIP download, unpacked in
memory within limits and each file read; what cannot be read says what to upload instead, in
English and on the console in Dutch (review newcomer11, finding 4)."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from shared.api.console.action_text import title
from shared.domain.statements import archive
from shared.domain.statements.camt053 import ENVELOPE_WITHOUT_DOCUMENT
from shared.domain.statements.model import StatementError
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS

REVIEW = STATEMENTS / "camt053" / "review11"
CREDIT = (STATEMENTS / "camt053" / "review10" / "charged_xbct.xml").read_bytes()


def _zip(*members: tuple[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, data in members:
            z.writestr(name, data)
    return out.getvalue()


def _refusal(data: bytes) -> str:
    with pytest.raises(StatementError) as info:
        parse_statement_file(data)
    return str(info.value)


def test_the_document_in_an_envelope_is_read_as_the_file_itself():
    (wrapped,) = parse_statement_file((REVIEW / "envelope.xml").read_bytes())
    (bare,) = parse_statement_file(CREDIT)
    assert wrapped == bare


def test_an_envelope_without_a_statement_says_what_to_upload():
    empty = b'<BizMsgEnvlp><AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02">'
    empty += b"<MsgDefIdr>camt.053.001.08</MsgDefIdr></AppHdr></BizMsgEnvlp>"
    assert _refusal(empty) == ENVELOPE_WITHOUT_DOCUMENT
    # a camt.052 inside is no statement, as on its own
    report = CREDIT.replace(b"camt.053.001.08", b"camt.052.001.08").split(b"\n", 1)[1]
    assert "camt.052 is not a bank statement" in _refusal(
        b"<BizMsgEnvlp>" + report + b"</BizMsgEnvlp>"
    )
    # any other root is still not a camt document
    assert "root 'Other'" in _refusal(b"<Other><x>camt.053</x></Other>")


def test_a_zip_is_read_file_by_file_in_its_order():
    statements = parse_statement_file((REVIEW / "statements.zip").read_bytes())
    assert [x.lines[0].amount for x in statements] == [25000, -23750]


def test_member_names_are_labels_never_paths():
    # nothing is written anywhere: a name climbing out of a folder only labels a message
    data = _zip(("../../etc/passwd.xml", b"<x>no statement</x>"))
    assert _refusal(data) == (
        "passwd.xml in the ZIP archive: XML, but not an ISO 20022 camt.053 statement"
    )
    assert parse_statement_file(_zip(("/abs/../day.xml", CREDIT)))[0].lines[0].amount == 25000


def test_what_a_zip_cannot_hold():
    assert _refusal(_zip()) == archive.NOT_A_STATEMENT_ZIP
    assert _refusal(_zip(("folder/", b""), ("__MACOSX/._a.xml", b"fork"))) == (
        archive.NOT_A_STATEMENT_ZIP
    )
    nested = _zip(("inner.zip", _zip(("day.xml", CREDIT))))
    assert "inner.zip in the ZIP archive is itself an archive" in _refusal(nested)
    many = _zip(*((f"{k}.xml", CREDIT) for k in range(archive.MAX_MEMBERS + 1)))
    assert f"at most {archive.MAX_MEMBERS} are read at once" in _refusal(many)
    assert "a damaged ZIP archive" in _refusal(b"PK\x03\x04" + b"\x00" * 40)
    assert _refusal(gzip.compress(CREDIT)) == archive.GZIP


def test_a_decompression_bomb_stops_at_the_limit():
    bomb = _zip(("bomb.xml", b"<" + b" " * (8 * 1024 * 1024)))  # 8 MiB inflating from ~8 KiB
    assert len(bomb) < 64 * 1024
    assert "bomb.xml in the ZIP archive inflates more than" in _refusal(bomb)
    # stored (not compressed) data larger than the limit in all is refused as it is read
    big = b"<" + b" " * (archive.MAX_TOTAL_BYTES // 2)
    stored = _zip(("a.xml", big), ("b.xml", big), ("c.xml", big), method=zipfile.ZIP_STORED)
    assert "unpacking to more than 50 MiB" in _refusal(stored)


def test_a_password_protected_member_is_refused_with_what_to_do():
    data = bytearray(_zip(("day.xml", CREDIT), method=zipfile.ZIP_STORED))
    # the encryption flag in the local and the central header (general purpose bit 0)
    data[6] |= 1
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 1
    assert "day.xml in the ZIP archive is password-protected" in _refusal(bytes(data))


def test_a_refused_file_in_a_zip_is_named_and_nothing_is_booked():
    data = _zip(("good.xml", CREDIT), ("bad.sta", b"hello"))
    assert _refusal(data) == (
        "bad.sta in the ZIP archive: not a bank statement: neither MT940 nor CAMT.053"
    )


@pytest.mark.parametrize(
    ("reason", "dutch"),
    [
        (
            "bad.sta in the ZIP archive: not a bank statement: neither MT940 nor CAMT.053",
            "bad.sta in het ZIP-archief: geen bankafschrift: MT940 noch CAMT.053",
        ),
        (
            archive.GZIP,
            "een met gzip ingepakt bestand: pak het uit en upload het afschriftbestand zelf",
        ),
        (
            "a business-message envelope without a camt.053 Document: upload the bank's "
            "statement (the Document element) itself",
            "een berichtenvelop zonder camt.053-Document: upload het afschrift van de bank "
            "(het Document-element) zelf",
        ),
        (
            "line 3: day.sta in the ZIP archive: not a bank statement: neither MT940 nor CAMT.053",
            "regel 3: day.sta in het ZIP-archief: geen bankafschrift: MT940 noch CAMT.053",
        ),
    ],
)
def test_refusals_read_in_dutch_on_the_console(reason, dutch):
    text = f"Statement file day.zip refused: {reason}"
    assert title(text, "nl") == f"Afschriftbestand day.zip geweigerd: {dutch}"
    assert title(text, "en") == text
    # the payments page shows a refused file's reason on its own
    assert title(reason, "nl") == dutch
    assert title(reason, "en") == reason


def test_a_reason_of_a_shape_not_known_stays_as_it_is():
    for text in ("line 4: something new", "something new"):
        assert title(text, "nl") == text
