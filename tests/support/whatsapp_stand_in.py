"""A stand-in for Meta's WhatsApp Cloud API that enforces its documented rules, not one that
accepts anything:

- ``Authorization: Bearer <token>`` (else 401, code 190) and ``messaging_product: whatsapp``;
- free text (``type: text``) only inside the 24-hour customer-service window of the
  recipient's last message, else 400 with code 131047 (re-engagement message);
- a template must exist, approved, in the language named (else 132001), not paused (132015)
  or disabled (132016); its body parameters must be as many as the approved text's ``{{n}}``
  and a URL button with a variable needs exactly one parameter (else 132000); a parameter's
  text may hold no newline, tab or more than 4 spaces in a row (answered here with 132012,
  "parameter format does not match");
- 429 with code 130429 when told to throttle;
- a lost answer when told to (``lose_answers``): the message is taken and delivered, but the
  connection closes without a response; ``gateway_errors`` are taken and answered by a
  gateway's bare 502 (no Graph error body).

Errors are shaped as the Graph API documents: ``{"error": {"message", "type", "code",
"error_data": {"messaging_product", "details"}, "fbtrace_id"}}``. Accepted sends answer
``{"messaging_product", "contacts": [{"input", "wa_id"}], "messages": [{"id": "wamid..."}]}``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.stand_in import Received, Reply

WINDOW = timedelta(hours=24)


@dataclass
class ApprovedTemplate:
    name: str
    language: str
    body: str  # with {{1}} ... placeholders
    url_button: str | None = None  # e.g. "https://inning.example/api/p/{{1}}"
    status: str = "APPROVED"  # or PAUSED, DISABLED

    @property
    def body_params(self) -> int:
        return len(set(re.findall(r"\{\{(\d+)\}\}", self.body)))


@dataclass
class WhatsappCloud:
    token: str = "wa-token"
    templates: list[ApprovedTemplate] = field(default_factory=list)
    last_inbound: dict[str, datetime] = field(default_factory=dict)  # wa_id -> when
    now: datetime | None = None  # the stand-in's clock (None: the real one)
    throttle: int = 0  # answer this many sends with 429 first
    lose_answers: int = 0  # sends taken whose answer is lost
    gateway_errors: int = 0  # sends taken and answered 502 by a gateway
    delivered: list[dict[str, Any]] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def clock(self) -> datetime:
        return self.now or datetime.now(UTC)

    def _error(self, status: int, code: int, message: str, details: str) -> Reply:
        return Reply(
            status,
            {
                "error": {
                    "message": f"(#{code}) {message}",
                    "type": "OAuthException",
                    "code": code,
                    "error_data": {"messaging_product": "whatsapp", "details": details},
                    "fbtrace_id": "A" + str(next(self._ids)),
                }
            },
        )

    def __call__(self, r: Received) -> Reply:
        if r.method != "POST" or not r.path.endswith("/messages"):
            return self._error(400, 100, "Unsupported post request", "unknown path")
        if r.headers.get("authorization") != f"Bearer {self.token}":
            return self._error(401, 190, "Access token has expired", "invalid OAuth token")
        if self.throttle > 0:
            self.throttle -= 1
            return self._error(429, 130429, "Rate limit hit", "throughput reached")
        body = r.json()
        if body.get("messaging_product") != "whatsapp" or not str(body.get("to", "")).isdigit():
            return self._error(400, 100, "Invalid parameter", "messaging_product or to")
        to = body["to"]
        kind = body.get("type")
        if kind == "text":
            last = self.last_inbound.get(to)
            if last is None or self.clock() - last > WINDOW:
                return self._error(
                    400,
                    131047,
                    "Re-engagement message",
                    "Message failed to send because more than 24 hours have passed since the "
                    "customer last replied to this number.",
                )
            text = body.get("text", {}).get("body", "")
            if not text or len(text) > 4096:
                return self._error(400, 100, "Invalid parameter", "text.body 1 to 4096 characters")
        elif kind == "template":
            problem = self._check_template(body.get("template") or {})
            if problem is not None:
                return problem
        else:
            return self._error(400, 131051, "Unsupported message type", f"type {kind!r}")
        wamid = f"wamid.HBgL{next(self._ids):08d}"
        self.delivered.append({**body, "id": wamid})
        if self.lose_answers > 0:
            self.lose_answers -= 1
            return Reply(lost=True)
        if self.gateway_errors > 0:
            self.gateway_errors -= 1
            return Reply(502, b"<html>502 Bad Gateway</html>", {"Content-Type": "text/html"})
        return Reply(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": wamid}],
            },
        )

    def _check_template(self, template: dict[str, Any]) -> Reply | None:
        name = template.get("name")
        code = (template.get("language") or {}).get("code")
        if not name or not code:
            return self._error(
                400, 131008, "Required parameter is missing", "name and language.code"
            )
        found = next((t for t in self.templates if t.name == name and t.language == code), None)
        if found is None:
            return self._error(
                404,
                132001,
                "Template name does not exist in the translation",
                f"template name ({name}) does not exist in {code}",
            )
        if found.status == "PAUSED":
            return self._error(400, 132015, "Template is Paused", f"{name} is paused")
        if found.status == "DISABLED":
            return self._error(400, 132016, "Template is Disabled", f"{name} is disabled")
        body: list[dict[str, Any]] = []
        buttons: list[dict[str, Any]] = []
        for component in template.get("components") or []:
            if component.get("type") == "body":
                body.extend(component.get("parameters") or [])
            elif component.get("type") == "button":
                buttons.append(component)
        if len(body) != found.body_params:
            return self._error(
                400,
                132000,
                "Number of parameters does not match the expected number of params",
                f"body: number of localizable_params ({len(body)}) does not match the "
                f"expected number of params ({found.body_params})",
            )
        wants_button = found.url_button is not None and "{{1}}" in found.url_button
        url_buttons = [b for b in buttons if b.get("sub_type") == "url"]
        if wants_button != bool(url_buttons) or any(
            len(b.get("parameters") or []) != 1 for b in url_buttons
        ):
            return self._error(
                400,
                132000,
                "Number of parameters does not match the expected number of params",
                "button: the URL button's variable needs exactly one parameter",
            )
        for p in [*body, *(b["parameters"][0] for b in url_buttons)]:
            text = p.get("text")
            if p.get("type") != "text" or not isinstance(text, str) or not text:
                return self._error(400, 131009, "Parameter value is not valid", "text parameters")
            if re.search(r"[\n\t]| {5,}", text):
                return self._error(
                    400,
                    132012,
                    "Parameter format does not match format in the created template",
                    "a parameter holds a newline, a tab or more than 4 spaces in a row",
                )
        return None

    def link_of(self, sent: dict[str, Any]) -> str | None:
        """The URL the debtor's button opens: the approved URL with the variable filled."""
        template = sent.get("template") or {}
        found = next(
            t
            for t in self.templates
            if t.name == template.get("name") and t.language == template["language"]["code"]
        )
        for component in template.get("components") or []:
            if component.get("type") == "button" and found.url_button:
                return found.url_button.replace("{{1}}", component["parameters"][0]["text"])
        return None
