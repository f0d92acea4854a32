"""A Twilio Programmable Voice stand-in: create a call, end it, and the reports Twilio posts
back, as documented (https://www.twilio.com/docs/voice/api/call-resource,
https://www.twilio.com/docs/voice/answering-machine-detection). It insists on what a client
must send and answers what Twilio answers:

- HTTP basic auth with the account SID and auth token (401, code 20003);
- a call needs ``To``, ``From`` and ``Twiml`` (or ``Url``); an invalid ``To`` is 400, 21211;
  a ``Twiml`` of more than 4000 characters is 400, 32018;
- ``MachineDetection`` is ``Enable`` or ``DetectMessageEnd`` (anything else 400, 21263 here);
  ``AsyncAmd=true`` needs ``AsyncAmdStatusCallback`` (Twilio warns 21262 and the verdict is
  lost: refused here, so a client cannot rely on it); ``MachineDetectionTimeout`` 3..59;
- ``POST .../Calls/{CallSid}.json`` with ``Status=completed`` ends a call in progress; a call
  that is not in progress answers 400, 21220;
- :meth:`TwilioStandIn.answer` plays the callee: a call with detection gets its verdict
  (``AnsweredBy``) posted to the AMD callback, and every status callback of a call with
  detection carries ``AnsweredBy`` too; a call without detection gets no verdict at all;
  :meth:`TwilioStandIn.ring_out` ends a call nobody answered (busy, no-answer). The
  reports come back as (url, form, X-Twilio-Signature) for the test to hand to the app.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import threading
from dataclasses import dataclass, field

from tests.support.stand_in import Received, Reply

ACCOUNT = "AC123"
TOKEN = "auth-token"
TWIML_LIMIT = 4000  # characters of the Twiml parameter (error 32018)
VERDICTS = frozenset({
    "human", "machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other",
    "fax", "unknown",
})  # fmt: skip
Report = tuple[str, dict[str, str], str]


@dataclass
class Call:
    sid: str
    form: dict[str, str]
    status: str = "queued"
    answered_by: str | None = None
    ended_by_client: bool = False
    end_requests: int = 0  # the client's requests to end it (each costs an API call)
    reports: list[Report] = field(default_factory=list)

    @property
    def detects(self) -> bool:
        return self.form.get("MachineDetection") in ("Enable", "DetectMessageEnd")


def signature(url: str, form: dict[str, str], token: str = TOKEN) -> str:
    """``X-Twilio-Signature``: base64 HMAC-SHA1 of the URL and the sorted form fields."""
    data = url + "".join(f"{k}{form[k]}" for k in sorted(form))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


class TwilioStandIn:
    def __init__(self) -> None:
        self.calls: dict[str, Call] = {}
        self.seq = itertools.count(1)
        self.lock = threading.RLock()

    def __call__(self, r: Received) -> Reply:
        with self.lock:
            return self._answer(r)

    def _answer(self, r: Received) -> Reply:
        try:
            user, _, password = (
                base64.b64decode(r.headers["authorization"].split()[1]).decode().partition(":")
            )
        except (KeyError, IndexError, ValueError):
            user, password = "", ""
        if (user, password) != (ACCOUNT, TOKEN):
            return _error(401, 20003, "Authenticate")
        calls = f"/2010-04-01/Accounts/{ACCOUNT}/Calls"
        if r.method == "POST" and r.path == f"{calls}.json":
            return self._create(r.form())
        if r.method == "POST" and r.path.startswith(f"{calls}/") and r.path.endswith(".json"):
            return self._update(r.path[len(calls) + 1 : -len(".json")], r.form())
        return _error(404, 20404, f"The requested resource {r.path} was not found")

    def _create(self, form: dict[str, str]) -> Reply:
        for name in ("To", "From"):
            if not form.get(name):
                return _error(
                    400, 21201 if name == "To" else 21603, f"No '{name}' number is specified"
                )
        if not form.get("Twiml") and not form.get("Url"):
            return _error(400, 21205, "Url or Twiml parameter is required")
        if len(form.get("Twiml", "")) > TWIML_LIMIT:
            return _error(
                400, 32018, "Twiml size exceeded maximum allowed value of 4000 characters"
            )
        if form["To"] == "+31600000000":
            return _error(400, 21211, f"The 'To' number {form['To']} is not a valid phone number.")
        detection = form.get("MachineDetection")
        if detection is not None and detection not in ("Enable", "DetectMessageEnd"):
            return _error(
                400, 21263, f"MachineDetection must be Enable or DetectMessageEnd, not {detection}"
            )
        if form.get("AsyncAmd") == "true" and not form.get("AsyncAmdStatusCallback"):
            return _error(400, 21262, "No AMD status callback URL provided")
        timeout = form.get("MachineDetectionTimeout")
        if timeout is not None and not (timeout.isdigit() and 3 <= int(timeout) <= 59):
            return _error(400, 21263, "MachineDetectionTimeout must be 3 to 59 seconds")
        sid = f"CA{next(self.seq):032x}"
        self.calls[sid] = Call(sid, form)
        return Reply(201, {"sid": sid, "status": "queued", "to": form["To"], "from": form["From"]})

    def _update(self, sid: str, form: dict[str, str]) -> Reply:
        found = self.calls.get(sid)
        if found is None:
            return _error(404, 20404, f"The requested resource Calls/{sid} was not found")
        found.end_requests += 1
        if form.get("Status") not in ("completed", "canceled"):
            return _error(400, 21218, "Status must be completed or canceled")
        if found.status != "in-progress":
            return _error(400, 21220, "Call is not in-progress. Cannot redirect.")
        found.status, found.ended_by_client = "completed", True
        return Reply(200, {"sid": sid, "status": "completed"})

    # -- what a test does -------------------------------------------------------------------
    def answer(self, sid: str, answered_by: str) -> list[Report]:
        """The callee picks up: the call is in progress; with detection its verdict is posted
        to the AMD callback (the reports it made, to hand to the app)."""
        assert answered_by in VERDICTS, answered_by
        with self.lock:
            found = self.calls[sid]
            found.status, found.answered_by = "in-progress", answered_by
            if not found.detects:
                return []
            form = {"AccountSid": ACCOUNT, "CallSid": sid, "AnsweredBy": answered_by,
                    "MachineDetectionDuration": "2100"}  # fmt: skip
            return [self._report(found, found.form["AsyncAmdStatusCallback"], form)]

    def hang_up(self, sid: str) -> list[Report]:
        """The call ends (the message played to its end, or we ended it): the ``completed``
        status callback, with ``AnsweredBy`` when detection was asked for."""
        with self.lock:
            found = self.calls[sid]
            found.status = "completed"
            url = found.form.get("StatusCallback")
            if not url:
                return []
            form = {"AccountSid": ACCOUNT, "CallSid": sid, "CallStatus": "completed",
                    "To": found.form["To"], "From": found.form["From"], "Direction": "outbound-api"}  # fmt: skip
            if found.detects and found.answered_by:
                form["AnsweredBy"] = found.answered_by
            return [self._report(found, url, form)]

    def ring_out(self, sid: str, status: str) -> list[Report]:
        """Nobody picks up: the call ends ``busy``, ``no-answer``, ``failed`` or
        ``canceled`` (no verdict: detection starts only when the call is answered)."""
        assert status in ("busy", "no-answer", "failed", "canceled"), status
        with self.lock:
            found = self.calls[sid]
            found.status = status
            url = found.form.get("StatusCallback")
            if not url:
                return []
            form = {"AccountSid": ACCOUNT, "CallSid": sid, "CallStatus": status,
                    "To": found.form["To"], "From": found.form["From"], "Direction": "outbound-api"}  # fmt: skip
            return [self._report(found, url, form)]

    def _report(self, found: Call, url: str, form: dict[str, str]) -> Report:
        report = (url, form, signature(url, form))
        found.reports.append(report)
        return report


def _error(status: int, code: int, message: str) -> Reply:
    return Reply(status, {"code": code, "message": message, "status": status,
                          "more_info": f"https://www.twilio.com/docs/errors/{code}"})  # fmt: skip
