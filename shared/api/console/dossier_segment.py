"""The dossier's "Debiteurgroep" moved by hand: the Workflows page's rules choose by a debtor's
segment, and a stored debtor could be put in another only through the API (newcomer20 F2; an
upload never changes a stored debtor). Written through the API's own debtor import, so the
search index, known payers and the next run's workflow follow as for a pushed debtor."""

from __future__ import annotations

from dataclasses import replace

from shared.api.console.shell import Desk
from shared.domain.parties import Debtor
from shared.services.errors import Invalid

DEFAULT = "default"  # the segment every debtor starts in (``Debtor.segment``)
LIMIT = 50  # as the API's schema (``DebtorIn.segment``)


def act(desk: Desk, debtor: Debtor) -> None:
    """Put ``debtor`` in the segment the form names (blank: the default one)."""
    segment = " ".join(desk.field("segment").split()) or DEFAULT
    if len(segment) > LIMIT:
        raise Invalid(f"a segment has at most {LIMIT} characters", field="segment",
                      code="segment_too_long", params={"limit": LIMIT})  # fmt: skip
    if segment == debtor.segment:
        return
    result = desk.services.imports.upsert_debtors(
        desk.client, [(0, replace(debtor, segment=segment))]
    )
    if result.errors:
        raise Invalid(result.errors[0].message, field="segment")
