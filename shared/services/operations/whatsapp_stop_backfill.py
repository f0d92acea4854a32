"""One-off after the upgrade that keeps a debtor's WhatsApp STOP over a CRM's consent
(attack7 #3; letters8): ``inning backfill whatsapp-stop``.

Since that upgrade a STOP is remembered on the debtor (``whatsapp_stopped_on``) and a client's
push of ``whatsapp_consent`` cannot undo it: only the debtor's own START does. A debtor who
sent STOP before it has no such date: the next push that says "consent" gives it back once
(or gave it back already). What he wrote is on his contact log, as the code of the time wrote
it: "WhatsApp opt-out received (STOP): …" when his consent was withdrawn, and "WhatsApp
received: STOP" when the message could be filed to him. This backfill reads the log of every
debtor with a mobile number and no STOP date; where his last word on WhatsApp was a STOP
(afmelden, stoppen, …) and not a later START, it records the day of that STOP and withdraws
the consent (a push may have given it back), with a line on his log saying so.

Idempotent: a debtor whose STOP is recorded is not read again; a second run changes nothing.
Until it has run, a push that would give consent back to a debtor without it and without a
STOP day reads his log first (``stop_day``, from the debtor import): the STOP found stays.
A debtor's mobile may have changed since his STOP (the log does not say on which number):
the STOP is recorded all the same, erring on his side; his START, or a person, lifts it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from shared.clock import Clock, amsterdam_date
from shared.domain.records import ContactEntry, ContactKind
from shared.ports.tables import Conflict, PreconditionFailed
from shared.services.messaging import START_WORDS, STOP_WORDS
from shared.services.repositories import Repositories

STOP_NOTE = "WhatsApp opt-out received (STOP)"
START_NOTE = "WhatsApp opt-in received (START)"
RECEIVED = "WhatsApp received: "
WITHDRAWN_AGAIN = "WhatsApp consent withdrawn again"


@dataclass
class StopBackfill:
    """What the backfill did for one client: debtors whose log it read, the debtors whose
    STOP it recorded, and those of them whose consent it withdrew again."""

    client_id: str
    read: int = 0
    recorded: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"client_id": self.client_id, "read": self.read, "recorded": self.recorded,
                "withdrawn": self.withdrawn}  # fmt: skip


def last_word(entries: Iterable[ContactEntry]) -> tuple[str, datetime] | None:
    """The debtor's last STOP or START on WhatsApp in his log (``"stop"``/``"start"``, when),
    or None when he sent neither."""
    found: tuple[str, datetime] | None = None
    for entry in entries:
        if entry.channel != "whatsapp":
            continue
        text = entry.summary.strip()
        word = None
        if text.startswith(STOP_NOTE):
            word = "stop"
        elif text.startswith(START_NOTE):
            word = "start"
        elif text.startswith(RECEIVED):
            said = text[len(RECEIVED) :].strip().lower()
            word = "stop" if said in STOP_WORDS else "start" if said in START_WORDS else None
        if word is not None and (found is None or entry.at > found[1]):
            found = (word, entry.at)
    return found


def stop_day(repos: Repositories, client_id: str, number: str) -> date | None:
    """The day of the debtor's STOP on his contact log when it is his last word on WhatsApp
    (no START after it), or None."""
    said = last_word(_log(repos, client_id, number))
    return amsterdam_date(said[1]) if said is not None and said[0] == "stop" else None


def stop_withdrew(repos: Repositories, client_id: str, number: str, stopped_on: date) -> bool:
    """Whether the STOP kept since ``stopped_on`` took consent away, for a STOP kept before
    that was recorded on the debtor: the code of the time wrote "WhatsApp opt-out received
    (STOP)" only when it withdrew consent, and this backfill its own line when a push had given
    it back. No such line: there was none to give back (attack8 #6)."""
    since = stopped_on - timedelta(days=1)  # the line is written a moment after the STOP
    return any(
        entry.channel == "whatsapp"
        and entry.summary.startswith((STOP_NOTE, WITHDRAWN_AGAIN))
        and amsterdam_date(entry.at) >= since
        for entry in _log(repos, client_id, number)
    )


def _log(repos: Repositories, client_id: str, number: str) -> list[ContactEntry]:
    entries: list[ContactEntry] = []
    continuation: str | None = None
    while True:
        page, continuation = repos.contacts.for_debtor(
            client_id, number, page_size=500, continuation=continuation
        )
        entries += page
        if not continuation:
            return entries


class WhatsappStopBackfill:
    def __init__(self, repos: Repositories, clock: Clock) -> None:
        self.repos = repos
        self.clock = clock

    def run(self, client_id: str) -> StopBackfill:
        done = StopBackfill(client_id)
        continuation: str | None = None
        while True:
            debtors, continuation = self.repos.debtors.list(
                client_id, page_size=200, continuation=continuation
            )
            for debtor in debtors:
                if debtor.mobile and debtor.whatsapp_stopped_on is None:
                    done.read += 1
                    self._one(client_id, debtor.number, done)
            if not continuation:
                return done

    def _one(self, client_id: str, number: str, done: StopBackfill) -> None:
        stopped_on = stop_day(self.repos, client_id, number)
        if stopped_on is None:
            return
        for _ in range(5):
            found = self.repos.debtors.get(client_id, number)
            if found is None or found[0].whatsapp_stopped_on is not None:
                return  # gone, or his STOP recorded meanwhile (a new STOP, another run)
            debtor, etag = found
            kept = replace(debtor, whatsapp_consent=False, whatsapp_stopped_on=stopped_on,
                           whatsapp_stop_withdrew=debtor.whatsapp_consent)  # fmt: skip
            try:
                self.repos.debtors.save(kept, etag)
            except PreconditionFailed:
                continue
            done.recorded.append(number)
            if debtor.whatsapp_consent:
                done.withdrawn.append(number)
                self._note(client_id, number, stopped_on)
            return

    def _note(self, client_id: str, number: str, stopped_on: date) -> None:
        now = self.clock.now()
        digest = hashlib.sha256(f"{number}|{stopped_on}".encode()).hexdigest()[:12]
        try:
            self.repos.contacts.add(ContactEntry(
                client_id, number, f"{int(now.timestamp() * 1000):012x}stop{digest}", now,
                ContactKind.NOTE,
                f"{WITHDRAWN_AGAIN}: the debtor sent STOP on {stopped_on:%d-%m-%Y}; "
                "it stays withdrawn until he sends START",
                channel="whatsapp", system=True,
            ))  # fmt: skip
        except Conflict:
            pass
