"""A ZIP archive of statement files, as banks deliver a download of several days or accounts
(ING and Rabobank zip their camt.053 exports): its files read in memory, each then parsed as
the statement file it is.

Unpacked safely: nothing is written to disk, so a member's name (``../x``, an absolute path)
is only ever a label in a message; what is read is bounded as it is decompressed (a member
declaring 1 KiB that inflates to gigabytes stops at the limit), the number of members is
bounded, and a member that inflates far beyond any text file's ratio, an encrypted one or an
archive inside the archive is refused with what to do. A macOS archive's resource forks
(``__MACOSX/``, ``._name``), the folder-view files Finder and Explorer leave in a folder they
showed (``.DS_Store``, ``Thumbs.db``, ``desktop.ini``) and folders are no statements and are
passed over."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import replace

from shared.domain.statements.model import Statement, StatementError

MAX_MEMBERS = 100
MAX_TOTAL_BYTES = 50 * 1024 * 1024  # what is unpacked in all: the camt.053 limit of one file
# a member inflating more than this from more than a MiB is a decompression bomb: bank
# statements (XML, MT940 text) compress some 5 to 30 times
MAX_RATIO = 200
_RATIO_FROM = 1024 * 1024
_READ = 1024 * 1024

NOT_A_STATEMENT_ZIP = "a ZIP archive without a statement file in it"
GZIP = "a gzip-compressed file: unpack it and upload the statement file itself"


def is_zip(data: bytes) -> bool:
    return data.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def is_gzip(data: bytes) -> bool:
    return data.startswith(b"\x1f\x8b")


def parse_zip(data: bytes, parse: Callable[[bytes], list[Statement]]) -> list[Statement]:
    """The statements of every statement file in the archive, in the archive's order, each
    knowing its file; a file that is refused refuses the archive, each such file named (none
    is booked, so uploading the archive again once mended books each once)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise StatementError(f"a damaged ZIP archive ({str(exc)[:120]})") from exc
    members = [m for m in archive.infolist() if _is_file(m)]
    if not members:
        raise StatementError(NOT_A_STATEMENT_ZIP)
    if len(members) > MAX_MEMBERS:
        raise StatementError(
            f"a ZIP archive of {len(members)} files; at most {MAX_MEMBERS} are read at once: "
            "upload it in parts"
        )
    files: list[tuple[str, bytes]] = []
    left = MAX_TOTAL_BYTES
    for member in members:  # all read (bounded) before any is parsed: a bomb costs no parse
        label = _label(member.filename)
        inner = _read(archive, member, label, left)
        left -= len(inner)
        if is_zip(inner) or is_gzip(inner):
            raise StatementError(
                f"{label} in the ZIP archive is itself an archive: unpack it and upload its files"
            )
        files.append((label, inner))
    out: list[Statement] = []
    refused: list[StatementError] = []
    for label, inner in files:
        try:
            out += [replace(s, member=label) for s in parse(inner)]
        except StatementError as exc:
            refused.append(
                StatementError(
                    f"{label} in the ZIP archive: {exc.reason}", line=exc.line, field=exc.field
                )
            )
    if refused:
        # every broken file named at once: mended one by one, each upload found the next
        # (newcomer27 F7)
        raise each_refused(refused)
    return out


EACH_REFUSED = "{count} statements refused, each for its own reason: {reasons}"
REASONS_JOINED = " | "
MAX_REASONS_NAMED = 10


def in_archive(statement: Statement, error: StatementError) -> StatementError:
    """A statement's refusal naming the file of the ZIP archive it came from, if any."""
    if statement.member is None:
        return error
    return StatementError(
        f"{statement.member} in the ZIP archive: {error.reason}", line=error.line, field=error.field
    )


def each_refused(refused: list[StatementError]) -> StatementError:
    """One refusal saying each of ``refused`` (one: itself, its line and field kept), so the
    person mending them mends all before uploading again."""
    reasons = list(dict.fromkeys(str(e) for e in refused))
    if len(reasons) == 1:
        return refused[0]
    named = reasons[:MAX_REASONS_NAMED]
    if len(reasons) > MAX_REASONS_NAMED:
        named.append(f"{len(reasons) - MAX_REASONS_NAMED} more")
    return StatementError(
        EACH_REFUSED.format(count=len(refused), reasons=REASONS_JOINED.join(named))
    )


# what macOS Finder and Windows Explorer write into a folder they showed: "Compress" of a folder
# of statements zips them along, unseen by the person who made the archive (banks27 F1)
_FOLDER_VIEW_FILES = frozenset({".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r"})


def _is_file(member: zipfile.ZipInfo) -> bool:
    name = member.filename.replace("\\", "/")
    base = name.rsplit("/", 1)[-1]
    return not (
        member.is_dir()
        or name.startswith("__MACOSX/")
        or base.startswith("._")
        or base.lower() in _FOLDER_VIEW_FILES
    )


def _label(name: str) -> str:
    """A member's name for a message: its last part, printable, clipped."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c if c.isprintable() else "_" for c in base)[:100] or "(no name)"


def _read(archive: zipfile.ZipFile, member: zipfile.ZipInfo, label: str, left: int) -> bytes:
    if member.flag_bits & 0x1:
        raise StatementError(
            f"{label} in the ZIP archive is password-protected: unpack it and upload the file"
        )
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_READ):
                size += len(chunk)
                if size > left:
                    raise StatementError(
                        f"a ZIP archive unpacking to more than {MAX_TOTAL_BYTES // (1024 * 1024)} "
                        "MiB: upload its files one by one"
                    )
                if size > _RATIO_FROM and size > MAX_RATIO * max(member.compress_size, 1):
                    raise StatementError(
                        f"{label} in the ZIP archive inflates more than {MAX_RATIO} times: "
                        "no statement file does; refused as a decompression bomb"
                    )
                chunks.append(chunk)
    except (
        zipfile.BadZipFile,
        zlib.error,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
    ) as exc:
        raise StatementError(f"{label} in the ZIP archive cannot be read ({exc})") from exc
    return b"".join(chunks)
