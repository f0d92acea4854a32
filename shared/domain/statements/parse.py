"""One entry point for every statement format: detect, parse, or refuse with a clear error."""

from __future__ import annotations

from shared.domain.statements.archive import GZIP, is_gzip, is_zip, parse_zip
from shared.domain.statements.camt053 import looks_like_camt, parse_camt053
from shared.domain.statements.model import Statement, StatementError
from shared.domain.statements.mt940_format import decode, looks_like_mt940, parse_mt940


def parse_statement_file(data: bytes) -> list[Statement]:
    """The file's statements, or a :class:`StatementError` saying why not: whatever a broken
    or hostile file provokes deeper down (a value error in a library, a date that does not
    exist, a recursion) is a refusal with a reason, never another exception."""
    try:
        return _parse(data)
    except StatementError:
        raise
    except (ValueError, ArithmeticError, RecursionError, LookupError, TypeError) as exc:
        raise StatementError(
            f"the file could not be read ({type(exc).__name__}: {str(exc)[:200]})"
        ) from exc


def _parse(data: bytes) -> list[Statement]:
    if not data.strip():
        raise StatementError("the file is empty")
    if is_zip(data):  # a bank's download of several statement files
        return parse_zip(data, _one_file)
    return _one_file(data)


# a DOS end-of-file mark (Ctrl-Z, SUB) after the last line, as old banking and accounting
# software still writes it: no part of the statement. Read as a stray byte it was a warning on
# every such file, refused an MT940 day closed by its end line alone, and a camt.053 as
# "not well-formed XML" (banks27 F3)
_DOS_EOF = b"\x1a"
_TAIL = b"\x1a \t\r\n\x0b\x0c"


def _without_dos_eof(data: bytes) -> bytes:
    """``data`` without the end-of-file marks among its trailing blanks (rstrip, not a regular
    expression: a run of marks followed by text costs one pass, not one per mark)."""
    body = len(data.rstrip(_TAIL))
    tail = data[body:]
    return data[:body] + tail.replace(_DOS_EOF, b"") if _DOS_EOF in tail else data


def _one_file(data: bytes) -> list[Statement]:
    data = _without_dos_eof(data)
    if not data.strip():
        raise StatementError("the file is empty")
    if is_gzip(data):
        raise StatementError(GZIP)
    if looks_like_camt(data):
        return parse_camt053(data)
    if data.lstrip().startswith(b"<"):
        raise StatementError("XML, but not an ISO 20022 camt.053 statement")
    if looks_like_mt940(decode(data)):
        return parse_mt940(data)
    raise StatementError("not a bank statement: neither MT940 nor CAMT.053")
