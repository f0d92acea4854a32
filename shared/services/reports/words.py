"""The words and the spelling of a console download, in the language of the person who asked
for it.

The tables (:mod:`shared.services.reports.tables`) and a job's stored parts keep codes
(``message``, ``email``) and the services' English summaries: language-neutral, so a part
written before a deploy still reads. The words come in from the console, built from the same
tables its pages translate with (``shared/api/console/report_words.py``); this package does
not import the console. :data:`CODES` is the table as stored, for a caller that passes none.

Two spellings of the values: :data:`POWER_BI` (the CSV the page promises as "CSV (Power BI)":
comma, ISO dates, a decimal point, ``true``/``false``, whatever the language; Power BI types a
column by its values) and a language's own in :attr:`ReportWords.spelling` for the file a
person opens in Excel: Dutch Excel splits a .csv on ``;`` and reads ``1.234,56`` and
``31-12-2025``, and reads UTF-8 only behind a byte-order mark.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from shared.services.reports.tables import Table

Translate = Callable[[str], str]


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Spelling:
    """How values are written: a CSV's separator, money, dates and yes/no, and the number
    formats of an Excel workbook's cells."""

    delimiter: str
    decimal: str
    thousands: str
    date_format: str  # strftime
    yes: str
    no: str
    bom: bool
    excel_date: str = "yyyy-mm-dd"
    excel_money: str = "0.00"

    def money(self, value: Decimal) -> str:
        # half-up on purpose (a unit price of 0.125 is 0.13), as every amount Inning writes
        cents = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        grouped = f"{cents:,.2f}" if self.thousands else f"{cents:.2f}"
        return grouped.replace(",", "\0").replace(".", self.decimal).replace("\0", self.thousands)

    def day(self, value: date) -> str:
        return value.strftime(self.date_format)

    def flag(self, value: bool) -> str:
        return self.yes if value else self.no


POWER_BI = Spelling(",", ".", "", "%Y-%m-%d", "true", "false", bom=False)


@dataclass(frozen=True)
class ReportWords:
    """A download's words in one language. Each mapping takes a code to its word; a code it
    does not know is written as it is (a new kind shows up rather than vanishing)."""

    lang: str
    columns: Mapping[str, str] = field(default_factory=dict)  # column code -> header
    file_names: Mapping[str, str] = field(default_factory=dict)  # report kind -> file name
    contact_kinds: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)
    usage_items: Mapping[str, str] = field(default_factory=dict)
    summary: Translate = _same  # a contact-log summary (the services write English)
    reason: Translate = _same  # why an upload row was refused (the API's English)
    rejected_columns: tuple[str, str, str] = ("line", "field", "reason")
    spelling: Spelling = POWER_BI  # the language's own, for a file opened in Excel

    def header(self, columns: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self.columns.get(c, c) for c in columns)

    def file_name(self, kind: str) -> str:
        return self.file_names.get(kind, kind)

    def localise(self, table: Table) -> Table:
        """``table`` with its header and its coded cells in this language; dates, money and
        numbers stay typed (the writer spells them)."""
        by_column: dict[str, Translate] = {
            "kind": lambda code: self.contact_kinds.get(code, code),
            "channel": lambda code: self.channels.get(code, code),
            "item": lambda code: self.usage_items.get(code, code),
            "summary": self.summary,
        }
        say = [by_column.get(c) for c in table.columns]
        rows = [
            tuple(
                s(v) if s is not None and isinstance(v, str) and v else v
                for s, v in zip(say, row, strict=True)
            )
            for row in table.rows
        ]
        return Table(table.kind, self.header(table.columns), rows)


CODES = ReportWords("en")  # the codes and English summaries as the records hold them
