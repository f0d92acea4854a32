"""banks27: bank files as a customer's computer hands them over, each refused before.

- F1: a folder of statements zipped by macOS Finder or Windows Explorer carries the files those
  programs keep in a folder they showed (``.DS_Store``, ``Thumbs.db``, ``desktop.ini``): the
  archive was refused whole (".DS_Store in the ZIP archive: not a bank statement").
- F2: a camt.053 with blank lines before its XML declaration (written by a web export or a
  script) was refused as "not well-formed XML: XML or text declaration not at start of entity".
- F3: a DOS end-of-file mark (Ctrl-Z) after the last line: an MT940 day ended by its end line
  alone was refused as truncated, every other MT940 got a warning for staff, a camt.053 was
  refused as not well-formed XML.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from shared.domain.statements.model import StatementError, statements_as_dict
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS


def _read(path: str) -> bytes:
    return (STATEMENTS / path).read_bytes()


def _as_dict(data: bytes) -> object:
    return statements_as_dict(parse_statement_file(data))


@pytest.mark.parametrize(
    ("archive", "members"),
    [
        (
            "mt940/banks27/finder_compressed_folder.zip",
            ["mt940/oca-nl/test-ing.940", "mt940/oca-nl/test-rabo.swi"],
        ),
        ("mt940/banks27/explorer_compressed_folder.zip", ["mt940/oca-nl/test-sns.940"]),
    ],
)
def test_a_zipped_folder_books_its_statements_past_the_folder_view_files(
    archive: str, members: list[str]
) -> None:
    expected = [s for m in members for s in parse_statement_file(_read(m))]
    assert statements_as_dict(parse_statement_file(_read(archive))) == statements_as_dict(expected)


def test_a_zip_with_another_file_beside_the_statements_is_still_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("afschriften/test-ing.940", _read("mt940/oca-nl/test-ing.940"))
        archive.writestr("afschriften/afschrift.pdf", b"%PDF-1.4\n")
    with pytest.raises(StatementError, match=r"afschrift\.pdf in the ZIP archive: not a bank"):
        parse_statement_file(buffer.getvalue())


def test_blank_lines_before_the_xml_declaration_read_as_the_file_without_them() -> None:
    shifted = _read("camt053/banks27/blank_lines_before_declaration.xml")
    original = _read("camt053/bankfiles24/rabo_export_2016-10-20.xml")
    assert shifted == b"\r\n\r\n" + original
    assert _as_dict(shifted) == _as_dict(original)
    assert _as_dict(b"\xef\xbb\xbf\n" + original) == _as_dict(original)


def test_a_broken_file_after_blank_lines_names_its_own_line() -> None:
    original = _read("camt053/bankfiles24/rabo_export_2016-10-20.xml")
    broken = original.replace(b"</Ntry>", b"</Ntryx>", 1)
    line = broken[: broken.index(b"</Ntryx>")].count(b"\n") + 1
    with pytest.raises(StatementError) as info:
        parse_statement_file(b"\r\n\r\n" + broken)
    assert info.value.line == line + 2  # the two blank lines are the file's first
    assert "mismatched tag" in info.value.reason


@pytest.mark.parametrize(
    ("marked", "original"),
    [
        ("mt940/banks27/abn_no62f_dos_eof.sta", "mt940/review12/abn_sct_credit_no62f.sta"),
        ("mt940/banks27/ing_dos_eof.940", "mt940/oca-nl/test-ing.940"),
        ("camt053/banks27/dos_eof.xml", "camt053/bankfiles24/rabo_export_2016-10-27.xml"),
    ],
)
def test_a_dos_end_of_file_mark_is_no_part_of_the_statement(marked: str, original: str) -> None:
    data = _read(marked)
    assert data == _read(original) + b"\x1a"
    for variant in (data, data + b"\r\n\x1a\x1a"):
        assert _as_dict(variant) == _as_dict(_read(original))
        # no warning added: each would be an item on the agency's action list
        assert [s.warnings for s in parse_statement_file(variant)] == [
            s.warnings for s in parse_statement_file(_read(original))
        ]


def test_a_control_character_inside_the_file_is_still_reported() -> None:
    data = _read("mt940/oca-nl/test-ing.940").replace(b":28C:", b"\x1a\n:28C:", 1)
    [statement] = parse_statement_file(data)
    assert any("U+001A replaced" in w for w in statement.warnings)


def test_a_camt053_saved_as_latin1_is_refused_saying_so_in_english_and_dutch() -> None:
    """F5: a camt.053 re-saved as Latin-1 (no encoding declared, so read as UTF-8) was refused
    as "not well-formed XML: not well-formed (invalid token)", nothing a person can act on."""
    from shared.api.console.statement_refusal_text import refusal

    original = _read("camt053/bankfiles24/rabo_export_2016-10-20.xml")
    text = original.decode("utf-8").replace("<Nm>", "<Nm>Café ", 1)
    line = text[: text.index("Café")].count("\n") + 1
    latin1 = text.encode("latin-1")
    with pytest.raises(StatementError) as info:
        parse_statement_file(latin1)
    assert info.value.line == line
    assert info.value.reason.startswith("not UTF-8: byte 0xE9 is no UTF-8 character")
    assert refusal(str(info.value), "nl").startswith(
        f"regel {line}: geen UTF-8: byte 0xE9 is geen UTF-8-teken"
    )
    # declared, the same bytes are read (expat knows ISO-8859-1)
    declared = latin1.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"', 1)
    names = [x.counterparty_name for s in parse_statement_file(declared) for x in s.lines]
    assert any(n and n.startswith("Café ") for n in names)
