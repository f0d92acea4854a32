"""The refusals of a settlement run's approval, in Dutch and English (merged into
refusal_text.REFUSALS; the same blanks in both sentences)."""

from __future__ import annotations

# code -> (Dutch, English); {names} are the refusal's params
SETTLEMENT_REFUSALS: dict[str, tuple[str, str]] = {
    # shared/services/settlement/service.py approve: the restore's money hold (people27 F6)
    "restore_hold": (
        "Afrekening {run} wordt niet goedgekeurd: na het terugzetten van een back-up staan "
        "uitbetalingen stil tot de beheerder de bank heeft afgestemd en `inning restore-hold "
        "confirm` heeft gegeven (docs/operations.md, sectie 7).",
        "Settlement {run} is not approved: after the restore of a backup, payouts are held "
        "until the operator has reconciled with the bank and given `inning restore-hold "
        "confirm` (docs/operations.md, section 7).",
    ),
}
