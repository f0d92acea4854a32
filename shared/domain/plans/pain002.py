"""Reading a bank's payment status report (pain.002, any version 001.03 to 001.14) about a
direct-debit file we sent (pain.008): which collections the bank rejected and why.

A report answers on three levels: the whole file (``OrgnlGrpInfAndSts/GrpSts``), a payment
information block (``OrgnlPmtInfAndSts/PmtInfSts``) and single collections
(``TxInfAndSts/TxSts``). ``RJCT`` on a collection rejects it; ``RJCT`` on the file or a block
without the collections listed rejects every collection in it (the caller knows which those
are). Positive statuses (ACCP, ACSC, ACTC, ACWC, PART, PDNG, RCVD) reject nothing.

The report is the bank's, not ours to trust: no DTD or entities (refused before parsing),
a size limit, and namespaces ignored (versions differ only in the namespace for what is read).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError, iterparse

MAX_BYTES = 20 * 1024 * 1024
REJECTED = "RJCT"


class Pain002Error(ValueError):
    """Not a pain.002 status report we can read; the message says what is wrong."""


@dataclass(frozen=True)
class CollectionStatus:
    end_to_end_id: str
    status: str
    reason: str | None  # the ISO reason code (AC04, AM04, MD01, MS02 ...)

    @property
    def rejected(self) -> bool:
        return self.status == REJECTED


@dataclass(frozen=True)
class StatusReport:
    message_id: str
    original_message_id: str  # the pain.008 file's MsgId
    group_status: str | None
    group_reason: str | None
    rejected_blocks: tuple[tuple[str, str | None], ...]  # (PmtInfId, reason) rejected whole
    collections: tuple[CollectionStatus, ...]

    @property
    def whole_file_rejected(self) -> bool:
        return self.group_status == REJECTED


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(el: Element, *path: str) -> Element | None:
    node: Element | None = el
    for name in path:
        if node is None:
            return None
        node = next((c for c in node if _local(c.tag) == name), None)
    return node


def _text(el: Element, *path: str) -> str | None:
    node = _child(el, *path)
    return node.text.strip() if node is not None and node.text and node.text.strip() else None


def _reason(el: Element) -> str | None:
    """The first reason code (``StsRsnInf/Rsn/Cd``); a proprietary one (``Prtry``) as is."""
    for info in (c for c in el if _local(c.tag) == "StsRsnInf"):
        code = _text(info, "Rsn", "Cd") or _text(info, "Rsn", "Prtry")
        if code:
            return code
    return None


def parse_pain002(data: bytes) -> StatusReport:
    """The status report in ``data``, or :class:`Pain002Error`."""
    if len(data) > MAX_BYTES:
        raise Pain002Error("the status report is over 20 MiB")
    # what defusedxml would refuse, refused before the parser sees it: a DTD or entity
    # anywhere, and encodings in which those bytes could hide (UTF-16/32)
    # a NUL is no XML character in UTF-8; UTF-16 and UTF-32 write one beside every ASCII
    # character, byte-order mark or not: '<\0?\0' is UTF-16LE to expat, whose DTD the ASCII
    # search below never saw (attack24 F9: an 8.6 MB report grew to 774 MB in the request)
    if data[:4].startswith((b"\xff\xfe", b"\xfe\xff", b"\x4c\x6f\xa7\x94")) or b"\x00" in data:
        raise Pain002Error("a status report must be UTF-8 encoded")
    declared = re.match(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*encoding=[\"']([A-Za-z0-9_-]+)", data[:200])
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii", b"ascii"):
        raise Pain002Error("a status report must be UTF-8 encoded")
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        raise Pain002Error("a status report with a DTD or entities is refused")
    try:
        root: Element | None = None
        for _, el in iterparse(io.BytesIO(data), events=("end",)):  # noqa: S314 - checked above
            root = el
    except ParseError as e:
        raise Pain002Error(f"not well-formed XML: {e}") from None
    assert root is not None
    report = _child(root, "CstmrPmtStsRpt")
    if _local(root.tag) != "Document" or report is None:
        raise Pain002Error("not a pain.002 payment status report (no CstmrPmtStsRpt)")
    group = _child(report, "OrgnlGrpInfAndSts")
    if group is None or not _text(group, "OrgnlMsgId"):
        raise Pain002Error("the report names no original message (OrgnlGrpInfAndSts/OrgnlMsgId)")
    blocks: list[tuple[str, str | None]] = []
    collections: list[CollectionStatus] = []
    # v3 puts TxInfAndSts in OrgnlPmtInfAndSts; a few banks put them at the top level
    holders = [b for b in report if _local(b.tag) == "OrgnlPmtInfAndSts"] + [report]
    for block in holders:
        if block is not report and _text(block, "PmtInfSts") == REJECTED:
            blocks.append((_text(block, "OrgnlPmtInfId") or "", _reason(block)))
        for tx in (c for c in block if _local(c.tag) == "TxInfAndSts"):
            e2e = _text(tx, "OrgnlEndToEndId")
            status = _text(tx, "TxSts")
            if not e2e or not status:
                raise Pain002Error("a transaction status without OrgnlEndToEndId or TxSts")
            collections.append(CollectionStatus(e2e, status, _reason(tx)))
    return StatusReport(
        message_id=_text(report, "GrpHdr", "MsgId") or "",
        original_message_id=_text(group, "OrgnlMsgId") or "",
        group_status=_text(group, "GrpSts"),
        group_reason=_reason(group),
        rejected_blocks=tuple(blocks),
        collections=tuple(collections),
    )
