"""The EPC QR code for a SEPA credit transfer (EPC069-12, version 002).

Lines: BCD / 002 / 1 (UTF-8) / SCT / BIC (optional in 002) / name (<=70) / IBAN /
EUR amount (0.01-999999999.99) / purpose (<=4) / structured reference (<=35) /
unstructured text (<=140) / information (<=70). Structured and unstructured remittance are
mutually exclusive. The whole payload is at most 331 bytes; error correction level M.

Only ISO 11649 RF references go in the structured field: the standard names them, and whether
Dutch banking apps accept a betalingskenmerk there is not established, so a kenmerk travels in
the unstructured field, where every app shows it to the payer.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass

from shared.domain.money import Cents, format_cents
from shared.domain.references import iban as iban_check
from shared.domain.references import iso11649
from shared.domain.references.bic import is_bic

MAX_PAYLOAD_BYTES = 331
MAX_AMOUNT: Cents = 99_999_999_999


class EpcQrError(ValueError):
    pass


@dataclass(frozen=True)
class CreditTransfer:
    name: str
    iban: str
    amount: Cents | None = None
    bic: str | None = None
    reference: str | None = None  # ISO 11649 RF creditor reference
    text: str | None = None  # unstructured remittance, e.g. "betalingskenmerk 5000 0567 ..."
    purpose: str | None = None
    information: str | None = None


def payload(transfer: CreditTransfer) -> str:
    name = transfer.name.strip()
    if not 1 <= len(name) <= 70:
        raise EpcQrError("beneficiary name must be 1-70 characters")
    if (err := iban_check.iban_error(transfer.iban)) is not None:
        raise EpcQrError(err)
    bic = (transfer.bic or "").strip().upper()
    if bic and not is_bic(bic):
        raise EpcQrError("BIC must have 8 or 11 characters")
    amount = ""
    if transfer.amount is not None:
        if not 1 <= transfer.amount <= MAX_AMOUNT:
            raise EpcQrError("amount must be between 0.01 and 999999999.99")
        amount = "EUR" + format_cents(transfer.amount)
    if transfer.reference and transfer.text:
        raise EpcQrError("a structured reference and free text are mutually exclusive")
    reference = ""
    if transfer.reference:
        reference = iso11649.normalise(transfer.reference)
        if not iso11649.is_valid(reference):
            raise EpcQrError("the structured reference must be a valid ISO 11649 RF reference")
    text = (transfer.text or "").strip()
    if len(text) > 140:
        raise EpcQrError("remittance text must be at most 140 characters")
    purpose = (transfer.purpose or "").strip().upper()
    if purpose and not re.match(r"^[A-Z]{4}$", purpose):
        raise EpcQrError("purpose must be a 4-letter code")
    info = (transfer.information or "").strip()
    if len(info) > 70:
        raise EpcQrError("information must be at most 70 characters")
    lines = ["BCD", "002", "1", "SCT", bic, name, iban_check.normalise(transfer.iban), amount,
             purpose, reference, text, info]  # fmt: skip
    while lines and lines[-1] == "":
        lines.pop()
    data = "\n".join(lines)
    if len(data.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise EpcQrError(f"EPC payload exceeds {MAX_PAYLOAD_BYTES} bytes")
    return data


def qr_png(transfer: CreditTransfer, scale: int = 4) -> bytes:
    import segno  # imported here: only letters and the portal draw the picture

    qr = segno.make_qr(payload(transfer), error="m", encoding="utf-8")
    if qr.version > 13:  # type: ignore[operator]
        raise EpcQrError("EPC QR code would exceed version 13")
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


@functools.lru_cache(maxsize=512)
def qr_svg(transfer: CreditTransfer, scale: int = 4) -> str:
    """The QR code as inline SVG. Kept for the last 512 transfers: the portal draws the same
    debtor's code on every view (the amount moves only when interest does, once a day), and
    drawing one costs several milliseconds of CPU (masking and scoring by segno)."""
    import segno

    qr = segno.make_qr(payload(transfer), error="m", encoding="utf-8")
    buf = io.BytesIO()
    qr.save(buf, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True)
    return buf.getvalue().decode("utf-8")
