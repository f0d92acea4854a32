"""Conversations in Table Storage: quick texts, the client's approved WhatsApp templates and
each debtor's last inbound WhatsApp message (the start of the 24-hour window).

Table          PartitionKey  RowKey                     serves
Conversations  client_id     "qt|" quick text id        a client's quick texts (one range)
                             "wt|" template name        its approved WhatsApp templates
                             "in|" debtor number        the debtor's last WhatsApp message
                             "set|link_domains"         the domains its texts may link to

One partition per client, like every tenant table: a client's request names its own
partition and can reach nothing else.
"""

from __future__ import annotations

from datetime import datetime

from shared.adapters.tables.codec import get_json, put_json
from shared.adapters.tables.keys import encode
from shared.domain.conversations.quick_texts import QuickText
from shared.domain.conversations.whatsapp import WhatsappTemplate
from shared.domain.messaging import Channel
from shared.ports.tables import (
    Conflict,
    PreconditionFailed,
    Row,
    TableStore,
    all_rows,
    prefix_range,
)

CONVERSATIONS = "Conversations"
TABLES = (CONVERSATIONS,)
QUICK = "qt|"
WA_TEMPLATE = "wt|"
INBOUND = "in|"
LINK_DOMAINS = "set|link_domains"


def _quick_row(client_id: str, qt: QuickText) -> Row:
    return Row(
        encode(client_id),
        QUICK + encode(qt.quick_text_id),
        {
            "Id": qt.quick_text_id, "Channel": qt.channel.value, "Name": qt.name, "Text": qt.text,
            "Language": qt.language, "Subject": qt.subject, "WhatsappTemplate": qt.whatsapp_template,
        },
    )  # fmt: skip


def _quick(row: Row) -> QuickText:
    d = row.data
    return QuickText(
        str(d["Id"]), Channel(str(d["Channel"])), str(d["Name"]), str(d["Text"]),
        str(d.get("Language") or "nl"), str(d.get("Subject") or ""), d.get("WhatsappTemplate") or None,
    )  # fmt: skip


class ConversationsRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    # -- quick texts -----------------------------------------------------------------------
    def quick_texts(self, client_id: str, channel: Channel | None = None) -> list[QuickText]:
        rows = all_rows(
            self.store, CONVERSATIONS, pk=encode(client_id), rk_range=prefix_range(QUICK)
        )
        found = [_quick(r) for r in rows]
        return [q for q in found if channel is None or q.channel is channel]

    def quick_text(self, client_id: str, quick_text_id: str) -> QuickText | None:
        row = self.store.get(CONVERSATIONS, encode(client_id), QUICK + encode(quick_text_id))
        return _quick(row) if row else None

    def add_quick_text(self, client_id: str, qt: QuickText) -> bool:
        """False when the id is taken."""
        try:
            self.store.insert(CONVERSATIONS, _quick_row(client_id, qt))
            return True
        except Conflict:
            return False

    def replace_quick_text(self, client_id: str, qt: QuickText) -> bool:
        """False when there is no such quick text."""
        row = self.store.get(CONVERSATIONS, encode(client_id), QUICK + encode(qt.quick_text_id))
        if row is None:
            return False
        new = _quick_row(client_id, qt)
        new.etag = row.etag
        try:
            self.store.replace(CONVERSATIONS, new)
        except PreconditionFailed:
            return self.replace_quick_text(client_id, qt)  # changed meanwhile: last write wins
        return True

    def delete_quick_text(self, client_id: str, quick_text_id: str) -> bool:
        rk = QUICK + encode(quick_text_id)
        if self.store.get(CONVERSATIONS, encode(client_id), rk) is None:
            return False
        self.store.delete(CONVERSATIONS, encode(client_id), rk)
        return True

    # -- approved WhatsApp templates -------------------------------------------------------
    def save_whatsapp_template(self, client_id: str, t: WhatsappTemplate) -> None:
        self.store.upsert(
            CONVERSATIONS,
            Row(
                encode(client_id),
                WA_TEMPLATE + encode(t.name),
                {
                    "Name": t.name, "Languages": put_json(list(t.languages)),
                    "BodyParams": put_json(list(t.body_params)), "UrlButtonBase": t.url_button_base,
                    "UrlButtonIndex": t.url_button_index,
                },
            ),
        )  # fmt: skip

    def whatsapp_template(self, client_id: str, name: str) -> WhatsappTemplate | None:
        row = self.store.get(CONVERSATIONS, encode(client_id), WA_TEMPLATE + encode(name))
        return _wa_template(row) if row else None

    def whatsapp_templates(self, client_id: str) -> list[WhatsappTemplate]:
        rows = all_rows(
            self.store, CONVERSATIONS, pk=encode(client_id), rk_range=prefix_range(WA_TEMPLATE)
        )
        return [_wa_template(r) for r in rows]

    # -- the domains the client's texts may link to (people27 F8) ------------------------------
    def link_domains(self, client_id: str) -> tuple[str, ...]:
        """The client's registered domains; none for a client that never registered one."""
        row = self.store.get(CONVERSATIONS, encode(client_id), LINK_DOMAINS)
        return tuple(get_json(row.data.get("Domains"), [])) if row else ()

    def save_link_domains(self, client_id: str, domains: tuple[str, ...]) -> None:
        row = Row(encode(client_id), LINK_DOMAINS, {"Domains": put_json(list(domains))})
        self.store.upsert(CONVERSATIONS, row)

    # -- the debtor's last WhatsApp message ------------------------------------------------
    def record_inbound(self, client_id: str, debtor_number: str, at: datetime) -> datetime:
        """Keep the latest time (webhooks arrive late, twice and out of order); the time kept."""
        rk = INBOUND + encode(debtor_number)
        for _ in range(10):
            row = self.store.get(CONVERSATIONS, encode(client_id), rk)
            known = row.data.get("At") if row else None
            if isinstance(known, datetime) and known >= at:
                return known
            new = Row(encode(client_id), rk, {"Debtor": debtor_number, "At": at})
            try:
                if row is None:
                    self.store.insert(CONVERSATIONS, new)
                else:
                    new.etag = row.etag
                    self.store.replace(CONVERSATIONS, new)
                return at
            except (Conflict, PreconditionFailed):
                continue
        raise PreconditionFailed(f"last inbound of a debtor of {client_id} is too contended")

    def last_inbound(self, client_id: str, debtor_number: str) -> datetime | None:
        row = self.store.get(CONVERSATIONS, encode(client_id), INBOUND + encode(debtor_number))
        value = row.data.get("At") if row else None
        return value if isinstance(value, datetime) else None


def _wa_template(row: Row) -> WhatsappTemplate:
    d = row.data
    return WhatsappTemplate(
        str(d["Name"]),
        tuple(get_json(d.get("Languages"), [])),
        tuple(get_json(d.get("BodyParams"), [])),
        d.get("UrlButtonBase") or None,
        int(d.get("UrlButtonIndex") or 0),
    )
