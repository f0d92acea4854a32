"""Messages from the platform or an agency to all of its users, shown after sign-in until
dismissed, between two dates, in Dutch and English."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

PLATFORM = "platform"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True)
class Broadcast:
    scope: str  # PLATFORM or an agency id
    broadcast_id: str
    text_nl: str
    text_en: str
    starts: date
    ends: date
    severity: Severity
    created_by: str

    def shown_on(self, day: date) -> bool:
        return self.starts <= day <= self.ends

    def text(self, language: str) -> str:
        return self.text_en if language == "en" else self.text_nl
