"""What staff decided about a claim's prescription (law4 finding 5): interruptions Inning did
not send itself (a demand of the client's own, an acknowledgement by the debtor, art. 3:317
and 3:318 BW), each with its date, the debtor's messages staff marked as his acknowledgement,
and a release of a claim dunning holds as prescribed.

Kept in the dunning schedule's table under keys that sort after every date
(``~law|<debtor>|<invoice>``, as ``mark_once`` keeps its marks), so the daily run's read of
due rows never meets them and a debtor's decisions are one range read."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime

from shared.adapters.tables.dunning_repo import SCHEDULE
from shared.adapters.tables.keys import decode, encode
from shared.ports.tables import Conflict, PreconditionFailed, Row, TableStore, prefix_range


@dataclass(frozen=True)
class PrescriptionDecision:
    invoice_number: str
    interruptions: tuple[date, ...] = ()  # the days demands or acknowledgements reached him
    released_on: date | None = None  # a person let dunning go on past the date
    by: str = ""
    at: datetime | None = None
    # the days the debtor acknowledged the claim in writing in the portal (a plan proposal,
    # kept when the draft is refused and deleted; a request to move an installment): his
    # own act, 3:318 BW (law10 F4); not staff's decision, so ``by`` and ``at`` stay theirs
    acknowledged: tuple[date, ...] = ()
    # the debtor's messages staff marked as his acknowledgement of this claim: (the message's
    # contact-log entry id, the day it was received); kept per message so unmarking one takes
    # away its day and no other act's of the same day (ack11 #1)
    messages: tuple[tuple[str, date], ...] = ()


class PrescriptionDecisions:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    @staticmethod
    def _prefix(debtor_number: str) -> str:
        return f"~law|{encode(debtor_number)}|"

    def for_debtor(self, client_id: str, debtor_number: str) -> dict[str, PrescriptionDecision]:
        out: dict[str, PrescriptionDecision] = {}
        token = None
        while True:
            page = self.store.query(
                SCHEDULE,
                pk=encode(client_id),
                rk_range=prefix_range(self._prefix(debtor_number)),
                continuation=token,
            )
            for row in page.rows:
                decision = _decision(row)
                out[decision.invoice_number] = decision
            token = page.continuation
            if not token:
                return out

    def record(
        self,
        client_id: str,
        debtor_number: str,
        invoice_number: str,
        *,
        interrupted_on: date | None,
        release_on: date | None,
        by: str,
        at: datetime,
    ) -> PrescriptionDecision:
        """Adds an interruption and/or a release; the same again changes nothing. ETag-guarded:
        two people recording at once both land."""
        rk = self._prefix(debtor_number) + encode(invoice_number)
        for _ in range(5):
            row = self.store.get(SCHEDULE, encode(client_id), rk)
            old = _decision(row) if row else PrescriptionDecision(invoice_number)
            days = set(old.interruptions) | ({interrupted_on} if interrupted_on else set())
            new = PrescriptionDecision(
                # the newest release: each is for the prescription date it was given after
                invoice_number,
                tuple(sorted(days)),
                release_on or old.released_on,
                by,
                at,
                old.acknowledged,
                old.messages,
            )
            if self._write(client_id, rk, row, new):
                return new
        raise PreconditionFailed(f"prescription decision on {invoice_number} keeps changing")

    def acknowledge(
        self, client_id: str, debtor_number: str, invoice_numbers: tuple[str, ...], on: date
    ) -> None:
        """The debtor acknowledged these claims in writing on ``on`` (the portal): kept per
        claim with the decisions, which the watch reads anyway. The same again changes
        nothing."""
        for invoice_number in invoice_numbers:
            rk = self._prefix(debtor_number) + encode(invoice_number)
            for _ in range(5):
                row = self.store.get(SCHEDULE, encode(client_id), rk)
                old = _decision(row) if row else PrescriptionDecision(invoice_number)
                if on in old.acknowledged:
                    break
                new = replace(old, acknowledged=tuple(sorted({*old.acknowledged, on})))
                if self._write(client_id, rk, row, new):
                    break
            else:
                raise PreconditionFailed(
                    f"prescription decision on {invoice_number} keeps changing"
                )

    def mark_message(
        self,
        client_id: str,
        debtor_number: str,
        invoice_number: str,
        message: str,
        received_on: date | None,
    ) -> bool:
        """The debtor's ``message`` acknowledges this claim on ``received_on`` (None: no more).
        False when that was so already (the same again changes nothing). ETag-guarded."""
        rk = self._prefix(debtor_number) + encode(invoice_number)
        for _ in range(5):
            row = self.store.get(SCHEDULE, encode(client_id), rk)
            old = _decision(row) if row else PrescriptionDecision(invoice_number)
            kept = dict(old.messages)
            if kept.get(message) == received_on:
                return False
            kept.pop(message, None)
            if received_on is not None:
                kept[message] = received_on
            new = replace(old, messages=tuple(sorted(kept.items())))
            if self._write(client_id, rk, row, new):
                return True
        raise PreconditionFailed(f"prescription decision on {invoice_number} keeps changing")

    def change_of_mark(
        self,
        client_id: str,
        debtor_number: str,
        message: str,
        what: str,
        note: tuple[str, datetime],
    ) -> tuple[str, datetime]:
        """The note (its contact-log id and time) that says the change ``what`` of
        ``message``'s mark: ``note`` when this change is new, else the one chosen by whoever
        began it first. One row per message, ETag-guarded: two tabs giving the same mark at
        once, or a retry of one cut off, say it with one note and one audit entry, never two
        (misc13). Beside the decisions, under keys their range read never meets."""
        rk = f"~ackmark|{encode(debtor_number)}|{encode(message)}"
        for _ in range(5):
            row = self.store.get(SCHEDULE, encode(client_id), rk)
            if row is not None and row.data.get("What") == what:
                return str(row.data["Note"]), datetime.fromisoformat(str(row.data["At"]))
            data = {"What": what, "Note": note[0], "At": note[1].isoformat()}
            try:
                if row is None:
                    self.store.insert(SCHEDULE, Row(encode(client_id), rk, data))
                else:
                    self.store.replace(SCHEDULE, Row(encode(client_id), rk, data, row.etag))
                return note
            except (Conflict, PreconditionFailed):
                continue  # another request changed it first: read what it chose
        raise PreconditionFailed(f"the mark of message {message} keeps changing")

    def _write(self, client_id: str, rk: str, row: Row | None, new: PrescriptionDecision) -> bool:
        """False when another writer changed the row since it was read (read it again)."""
        data = {
            "Invoice": new.invoice_number,
            "Interruptions": json.dumps([d.isoformat() for d in new.interruptions]),
            "ReleasedOn": new.released_on.isoformat() if new.released_on else "",
            "By": new.by,
            "At": new.at.isoformat() if new.at else "",
            "Acknowledged": json.dumps([d.isoformat() for d in new.acknowledged]),
            "Messages": json.dumps({m: d.isoformat() for m, d in new.messages}),
        }
        try:
            if row is None:
                self.store.insert(SCHEDULE, Row(encode(client_id), rk, data))
            else:
                self.store.replace(SCHEDULE, Row(encode(client_id), rk, data, row.etag))
            return True
        except (Conflict, PreconditionFailed):
            return False


def _decision(row: Row) -> PrescriptionDecision:
    d = row.data
    released = str(d.get("ReleasedOn") or "")
    at = str(d.get("At") or "")
    return PrescriptionDecision(
        str(d.get("Invoice") or decode(row.rk.rsplit("|", 1)[1])),
        tuple(date.fromisoformat(x) for x in json.loads(str(d.get("Interruptions") or "[]"))),
        date.fromisoformat(released) if released else None,
        str(d.get("By") or ""),
        datetime.fromisoformat(at) if at else None,
        tuple(date.fromisoformat(x) for x in json.loads(str(d.get("Acknowledged") or "[]"))),
        tuple(
            (m, date.fromisoformat(x))
            for m, x in sorted(json.loads(str(d.get("Messages") or "{}")).items())
        ),
    )
