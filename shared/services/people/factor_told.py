"""The telling of a second-factor change: its FACTOR_ENROLLED audit event and its "factor
changed" mail, made only for a change that was saved.

The change is saved first with a note on the user (``extra[TO_TELL]``: the factor, the time
the confirmation was accepted and the new epoch), under the user's ETag; then the event and
the mail, both keyed by that change (the person, the epoch *and* the confirmation's time);
then the note is cleared. A cut before the save tells nothing (the person's retry confirms
again); a cut after it leaves the note, which the retry of the confirmation or the person's
next sign-in finishes (the event written once, the mail queued once). Told before the save, a
cut-off change mailed "factor changed" for a factor that never changed, and its mail's key
(person and epoch only) swallowed the mail of the next real change (failure15c #2).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from shared.domain.people.accounts import User
from shared.domain.people.audit import Event
from shared.ports.tables import PreconditionFailed
from shared.services.people import texts
from shared.services.people.kit import Kit

# a factor change saved and not yet told (in ``extra``): {"what", "at", "epoch", "source"}
TO_TELL = "factor_to_tell"


def noted(user: User, what: str, at: datetime, source: str) -> dict[str, str]:
    """``user.extra`` with the note of the change ``user`` (its new epoch) is to be told."""
    note = {"what": what, "at": at.isoformat(), "epoch": str(user.epoch), "source": source}
    return {**user.extra, TO_TELL: json.dumps(note)}


def tell_left(kit: Kit, user: User, etag: str) -> tuple[User, str]:
    """Tells the change noted on ``user`` (if any) and clears the note: the user and its ETag
    as saved."""
    raw = user.extra.get(TO_TELL)
    if raw is None:
        return user, etag
    note = json.loads(raw)
    what, at, epoch = str(note["what"]), datetime.fromisoformat(note["at"]), str(note["epoch"])
    change = f"{user.user_id}|{epoch}|{at.isoformat()}"
    kit.audit_once(
        Event.FACTOR_ENROLLED, agency_id=user.agency_id, client_id=user.client_id,
        actor=user.user_id, subject=user.user_id, source=str(note.get("source", "")),
        factor=what, event_id=kit.keyed_event_id(at, "factor", user.user_id, epoch),
    )  # fmt: skip
    subject, text = texts.mail(
        "factor", user.language, what=texts.what(what, user.language), when=f"{at:%Y-%m-%d %H:%M}"
    )
    kit.mail(user, subject, text, key=f"acct-factor-{kit.hashed('factor', change)[:24]}")
    while True:  # the note cleared under the ETag; a save meanwhile: read again
        extra = {k: v for k, v in user.extra.items() if k != TO_TELL}
        cleared = replace(user, extra=extra)
        try:
            return cleared, kit.people.users.save(cleared, etag)
        except PreconditionFailed:
            found = kit.people.users.get(user.user_id)
            if found is None or found[0].extra.get(TO_TELL) != raw:
                return found if found is not None else (user, etag)  # another note: its own
            user, etag = found
