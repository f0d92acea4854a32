"""Why an uploaded statutory rate table is refused (shared/domain/law/interest_rates.py,
shared/services/rates.py), in Dutch and English: the file's line and field at fault, or the
published rows the new table must keep."""

from __future__ import annotations

# code -> (Dutch, English)
RATE_REFUSALS: dict[str, tuple[str, str]] = {
    "rate_table_size": (
        "Een rentetabel is hoogstens {limit} KiB groot.",
        "A rate table is at most {limit} KiB.",
    ),
    "rate_table_encoding": (
        "De rentetabel is geen UTF-8-tekst: sla haar op als 'CSV UTF-8'.",
        "The rate table is not UTF-8 text: save it as 'CSV UTF-8'.",
    ),
    "rate_table_header": (
        "De eerste regel van de rentetabel moet de kolomnamen {header} geven.",
        "The rate table's first line must give the columns {header}.",
    ),
    "rate_table_bad_date": (
        "Regel {line}: effective_from '{value}' is geen datum (jjjj-mm-dd, zoals 2026-07-01).",
        "Line {line}: effective_from '{value}' is not a date (YYYY-MM-DD, such as 2026-07-01).",
    ),
    "rate_table_bad_consumer": (
        "Regel {line}: consumer (de wettelijke rente) '{value}' is geen percentage (zoals 4.00).",
        "Line {line}: consumer (the statutory rate) '{value}' is not a percentage (such as 4.00).",
    ),
    "rate_table_bad_commercial": (
        "Regel {line}: commercial (de wettelijke handelsrente) '{value}' is geen percentage "
        "(zoals 10.15).",
        "Line {line}: commercial (the commercial rate) '{value}' is not a percentage (such as "
        "10.15).",
    ),
    "rate_table_extra_cells": (
        "Regel {line} heeft meer cellen dan kolommen (een decimale komma? schrijf 9.65, met een "
        "punt).",
        "Line {line} has more cells than columns (a decimal comma? write 9.65, with a point).",
    ),
    "rate_table_empty": ("De rentetabel heeft geen enkele regel.", "The rate table has no rows."),
    "rate_table_order": (
        "De datums van de rentetabel moeten oplopen, elke datum één keer.",
        "The rate table's dates must increase, each date once.",
    ),
    "rate_table_refused": (
        "De rentetabel kan de tabel in gebruik niet vervangen: {problems}.",
        "The rate table cannot replace the one in force: {problems}.",
    ),
    "rate_table_row_missing": (
        "de regel van {day} ontbreekt",
        "the row of {day} is missing",
    ),
    "rate_table_row_changed": (
        "de regel van {day} wijzigt een gepubliceerd tarief ({consumer}, {commercial})",
        "the row of {day} changes a published rate ({consumer}, {commercial})",
    ),
    "rate_table_implausible_consumer": (
        "{day}: een wettelijke rente van {rate}% is niet aannemelijk",
        "{day}: a statutory rate of {rate}% is not plausible",
    ),
    "rate_table_implausible_commercial": (
        "{day}: een wettelijke handelsrente van {rate}% is niet aannemelijk",
        "{day}: a commercial rate of {rate}% is not plausible",
    ),
    "rate_table_day": (
        "{day}: de wettelijke rente wijzigt alleen op 1 januari of 1 juli",
        "{day}: rates change on 1 January or 1 July only",
    ),
}
