"""A dispute ended with the collection going on (the API's resolve-dispute, the dossier's "keep
chasing", the dispute item's "end dispute"): the debtor hears of it before collection presses on
(lawyer20 L2; docs/law.md "Ending a dispute").

The Bki asks whoever collects to inform the debtor completely and of its own accord, and the
Kigid expects an answer to a serious question on the debt before the next step. So:

- told (the default for a consumer): one notice in the debtor's language by the channel the
  item's decision would offer first (e-mail, SMS, WhatsApp inside its window, letter), naming
  the invoice, what is open, the client's reason, the portal link and the day collection
  resumes; the invoice is paused until that day (:data:`ANSWER_DAYS` ahead), so the notice
  is read before any step of the workflow follows it. Written under a key of the dispute
  (its contact entry), so a retry never sends a second one.
- a consumer not told (the caller said so, or no channel reaches him): the invoice is paused
  until a person resumes it, and an action item says why; the resume (API or console) is the
  person's confirmation that the debtor knows. The simplest honest rule: no step at all, not
  only the escalating ones, goes before that.
- a business (not told unless asked): the workflow goes on at once (6:96 lid 6 BW's letter and
  the Bki's care are for consumers; the client's own dealing with its customer)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from shared.clock import Clock, amsterdam_date
from shared.domain.conversations.quick_texts import SMS_PARTS_WARNING, WITH_SUBJECT
from shared.domain.day_shown import day_shown
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.messaging import Channel
from shared.domain.parties import NO_DISPUTES_COMMITTEE, Client, Debtor
from shared.domain.records import ActionItem, ActionStatus, ContactKind
from shared.domain.sms import fold_to_gsm, is_gsm7, longest_start, sms_parts
from shared.services.conversations.by_hand import ByHandService, HandMessage
from shared.services.dispute_costs_told import hold_until_told
from shared.services.dunning import DunningService
from shared.services.ended_items import UNTOLD
from shared.services.errors import Invalid, NotFound
from shared.services.invoice_status import InvoiceStatusService
from shared.services.repositories import Repositories
from shared.services.statements_redo import day_keyed_id

ANSWER_DAYS = 14  # the notice's day to resume: read (a letter too) and time to pay or answer
MAX_MESSAGE = 1000
# the channels the item's decision offers, in its order (console action_decisions.TELLING)
TELLING = (Channel.EMAIL, Channel.SMS, Channel.WHATSAPP, Channel.LETTER)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

WORDS = {
    "nl": ("Uw bezwaar tegen factuur {{{{ dispute_invoice }}}}",
           "Wij hebben uw bezwaar tegen factuur {{{{ dispute_invoice }}}} behandeld. "
           "Wij houden de factuur staande; de betwisting is afgesloten.\n{reason}"
           "Open op deze factuur op dit moment: {{{{ total | money }}}}.\n{pay}{resumes}\n"
           "Uw factuur en wat u betaalde ziet u op {{{{ portal_link }}}}",
           "Onze toelichting: {{{{ dispute_answer }}}}\n"),
    "en": ("Your objection to invoice {{{{ dispute_invoice }}}}",
           "We have looked into your objection to invoice {{{{ dispute_invoice }}}}. "
           "We maintain the invoice; the dispute is closed.\n{reason}"
           "Open on this invoice today: {{{{ total | money }}}}.\n{pay}{resumes}\n"
           "Your invoice and what you paid are on {{{{ portal_link }}}}",
           "Our explanation: {{{{ dispute_answer }}}}\n"),
}  # fmt: skip
# whom to pay and what to quote, as the portal and the starter letters say it (texts26: the
# notice named what was open but no account to pay it to), and who writes (it was signed by
# nobody); template code of our own, the invoice number a value
PAYS = {
    "nl": ("{% if client.iban %}Maak het over naar {{ client.iban }} ten name van {{ client.name }} "
           "onder vermelding van {% if betalingskenmerk %}betalingskenmerk {{ betalingskenmerk }}"
           "{% else %}{{ debtor.number }} {{ dispute_invoice }}{% endif %}.\n{% endif %}",
           "\nMet vriendelijke groet,\n{{ client.name }}"),
    "en": ("{% if client.iban %}Transfer it to {{ client.iban }} in the name of {{ client.name }} "
           "quoting {% if betalingskenmerk %}payment reference {{ betalingskenmerk }}"
           "{% else %}{{ debtor.number }} {{ dispute_invoice }}{% endif %}.\n{% endif %}",
           "\nKind regards,\n{{ client.name }}"),
}  # fmt: skip
# the day collection goes on, said the same way by the notice and by a person's message on the
# dispute item's decision (both pause the invoice until then); second, its shorter SMS form
RESUMES = {
    "nl": ("Wij hervatten de invordering op {day}. Betaalt u voor die dag wat openstaat, dan gaat "
           "de invordering niet verder. Hebt u vragen of bent u het er niet mee eens, laat het "
           "ons voor die dag weten.",
           "Wij hervatten de invordering op {day}; betaal of reageer voor die dag."),
    "en": ("We resume collection on {day}. If you pay what is open before that day, collection "
           "goes no further. If you have questions or disagree, let us know before that day.",
           "We resume collection on {day}; pay or answer before that day."),
}  # fmt: skip
# what he can do if he still disagrees (lawyer26 F5: "let us know" was all): keep disputing,
# complain to the client (its complaint procedure where recorded, else its contact), its
# geschillencommissie (wki27: named where the client recorded one, nothing said where it has
# none, said conditionally where not recorded), the court, the kantonrechter up to 25,000
# (art. 93 Rv; no lawyer needed there); and that a disputed claim is enforced only through the
# court (no seizure without a judgment, art. 430 Rv). Our own template code, the client's name,
# procedure and committee values (:func:`route_values`); not by SMS (its 3 parts keep the
# facts: the portal link is its pointer, and the portal's dispute page says the route)
ROUTE = {
    "nl": ("Bent u het niet met ons eens? U mag de factuur blijven betwisten; laat ons weten "
           "waarom. Een klacht kunt u indienen bij {{ client.name }}{% if route_complaints %} "
           "volgens haar klachtenregeling: {{ route_complaints }}{% elif client.contact %} "
           "({{ client.contact }}){% endif %}. {% if route_committee %}{{ client.name }} is "
           "aangesloten bij {{ route_committee }}; daar kunt u het geschil voorleggen. "
           "{% elif not route_no_committee %}Is {{ client.name }} aangesloten bij een "
           "geschillencommissie, dan kunt u het geschil daar voorleggen. {% endif %}U kunt het "
           "ook aan de rechter voorleggen: bij een vordering tot € 25.000 is dat de "
           "kantonrechter, waar u geen advocaat nodig hebt. Zolang u de factuur betwist, kan "
           "{{ client.name }} betaling alleen via de rechter afdwingen.\n"),
    "en": ("Do you disagree? You may go on disputing the invoice; tell us why. You can file a "
           "complaint with {{ client.name }}{% if route_complaints %} under its complaint "
           "procedure: {{ route_complaints }}{% elif client.contact %} ({{ client.contact }})"
           "{% endif %}. {% if route_committee %}{{ client.name }} is affiliated with "
           "{{ route_committee }} (geschillencommissie); you can put the dispute to it. "
           "{% elif not route_no_committee %}If {{ client.name }} is affiliated with a disputes "
           "committee (geschillencommissie), you can put the dispute to it. {% endif %}You can "
           "also take it to court: for a claim up to € 25,000 that is the subdistrict court "
           "(kantonrechter), where you need no lawyer. As long as you dispute the invoice, "
           "{{ client.name }} can only enforce payment through the court.\n"),
}  # fmt: skip


def route_values(client: Client) -> tuple[tuple[str, str], ...]:
    """What :data:`ROUTE` names of ``client``, as values (its own words, never template code)."""
    committee = client.disputes_committee
    return (("route_complaints", client.complaint_procedure or ""),
            ("route_committee", committee or ""),
            ("route_no_committee", "1" if committee == NO_DISPUTES_COMMITTEE else ""))  # fmt: skip


# By SMS the notice is at most SMS_PARTS parts (the point where a message by hand is warned of
# as costly; one message on the phone): its own short words, and the client's reason as far as
# it fits, cut at a word and marked; the facts (invoice, open amount, the day, the portal link)
# always go whole. Counted as the SMS client bills them (GSM-7 or UCS-2 parts), after quotes,
# dashes and accents GSM-7 lacks were written in their GSM-7 look-alike.
SMS_PARTS = SMS_PARTS_WARNING
SMS_WORDS = {
    "nl": ("Uw bezwaar tegen factuur {{{{ dispute_invoice }}}} is behandeld: wij houden de factuur "
           "staande. Open: {{{{ total | money }}}}. {resumes} {{% if dispute_answer %}}Toelichting: "
           "{{{{ dispute_answer }}}} {{% endif %}}Meer op {{{{ portal_link }}}}", "... (ingekort)"),
    "en": ("Your objection to invoice {{{{ dispute_invoice }}}} was looked into: we maintain the "
           "invoice. Open: {{{{ total | money }}}}. {resumes} {{% if dispute_answer %}}Explanation: "
           "{{{{ dispute_answer }}}} {{% endif %}}More on {{{{ portal_link }}}}", "... (shortened)"),
}  # fmt: skip

# on an invoice handed over to the agency the client's dunning skips it (the agency collects
# it outside Inning), so the client promises no resumption of its own: the notice says who goes
# on and whom to pay, and is signed by the client that sends it (newcomer24 F6: "Wij hervatten
# de invordering op ...", signed by nobody); names and the account are values, never template
# code; second, the shorter SMS form
CASE_GOES_ON = {
    "nl": ("{{ case_agency }} int deze factuur nu voor {{ case_client }} en zet de invordering "
           "voort. Betaal haar niet aan {{ case_client }}, maar aan {{ case_agency }}{% if "
           "case_iban %}: maak over naar {{ case_iban }} onder vermelding van "
           "{{ case_reference }}{% endif %}. Hebt u vragen of bent u het er niet mee eens, neem "
           "dan contact op met {{ case_agency }}{% if case_email %} ({{ case_email }}){% endif %}.",
           "{{ case_agency }} int deze factuur nu; betaal aan {{ case_agency }}{% if case_iban %} "
           "({{ case_iban }}, o.v.v. {{ case_reference }}){% endif %}."),
    "en": ("{{ case_agency }} now collects this invoice for {{ case_client }} and goes on "
           "collecting it. Do not pay it to {{ case_client }}, but to {{ case_agency }}{% if "
           "case_iban %}: transfer to {{ case_iban }} quoting {{ case_reference }}{% endif %}. "
           "If you have questions or disagree, contact {{ case_agency }}{% if case_email %} "
           "({{ case_email }}){% endif %}.",
           "{{ case_agency }} now collects this invoice; pay {{ case_agency }}{% if case_iban %} "
           "({{ case_iban }}, quoting {{ case_reference }}){% endif %}."),
}  # fmt: skip
SIGNED = {"nl": "\nMet vriendelijke groet,\n{{ case_client }}",
          "en": "\nKind regards,\n{{ case_client }}"}  # fmt: skip


@dataclass(frozen=True)
class CaseHolder:
    """The agency collecting a handed-over invoice, as the notice names it."""

    agency: str
    client: str
    iban: str | None
    email: str | None
    reference: str  # what a transfer to the agency quotes (the portal's quote)

    def values(self) -> tuple[tuple[str, str], ...]:
        return (("case_agency", self.agency), ("case_client", self.client),
                ("case_iban", self.iban or ""), ("case_email", self.email or ""),
                ("case_reference", self.reference))  # fmt: skip


def resumes_words(language: str, day: date, *, sms: bool = False) -> str:
    """The notice's sentence naming the day collection resumes, in ``language`` (else Dutch)."""
    lang = language if language in RESUMES else "nl"
    return RESUMES[lang][1 if sms else 0].format(day=day_shown(day, lang))


@dataclass(frozen=True)
class NoticeSent:
    """What the debtor's notice carried, for the caller to see (texts26: an SMS cut the
    client's reason and nobody knew): its channel; by SMS its parts and encoding ("gsm7",
    "ucs2"); ``reason``: "whole", "shortened" (cut at a word, marked), "left_out" (none of it
    fitted) or "none" (no reason given)."""

    channel: Channel
    reason: str
    sms_parts: int | None = None
    sms_encoding: str | None = None


@dataclass(frozen=True)
class DisputeEnded:
    """The invoice open again; ``notice``: the outbox key of the debtor's notice (None: not
    told); ``resumes_on``: the day the workflow may go on (None: at once; date.max: when a
    person resumes the invoice); ``sent``: what the notice carried (None: not told)."""

    invoice: Invoice
    notice: str | None
    resumes_on: date | None
    sent: NoticeSent | None = None


def clean_message(text: str) -> str:
    """The client's reason as a debtor may read it: no control characters (a line break
    stays), no surrounding blanks, at most :data:`MAX_MESSAGE` characters."""
    cleaned = _CONTROL.sub(" ", text.replace("\r\n", "\n")).strip()
    if len(cleaned) > MAX_MESSAGE:
        raise Invalid(
            f"the message is at most {MAX_MESSAGE} characters",
            field="message",
            code="dispute_message_too_long",
            params={"limit": MAX_MESSAGE},
        )
    return cleaned


class DisputeEndingService:
    def __init__(
        self,
        repos: Repositories,
        invoice_status: InvoiceStatusService,
        dunning: DunningService,
        by_hand: ByHandService,
        clock: Clock,
    ) -> None:
        self.repos = repos
        self.invoice_status = invoice_status
        self.dunning = dunning
        self.by_hand = by_hand
        self.clock = clock

    def end(
        self,
        client: Client,
        number: str,
        author: str,
        *,
        message: str = "",
        notify: bool | None = None,
        told_otherwise: bool = False,
    ) -> DisputeEnded:
        """End invoice ``number``'s dispute. ``notify`` None: a consumer is told, a business
        not. ``told_otherwise``: the caller tells the debtor itself (the item's decision with
        its message, made by :meth:`told_by_hand`): nothing is sent here, the invoice is
        paused until the day that message names."""
        reason = clean_message(message)
        stored = self.repos.invoices.get(client.client_id, number)
        if stored is None:
            raise NotFound(f"invoice {number} not found")
        debtor = self._debtor(client, stored.invoice.debtor_number)
        wanted = debtor.is_consumer if notify is None else notify
        today = amsterdam_date(self.clock.now())
        resumes_on = today + timedelta(days=ANSWER_DAYS)
        key = self._key(client, debtor, number)
        notice = None
        if wanted and not told_otherwise:
            notice = self._notice(client, debtor, number, reason, resumes_on, key)
        if notice is not None:
            self.by_hand.check(client.client_id, debtor.number, notice)  # refused before a change
        try:
            invoice = self.invoice_status.resolve_dispute(client, number, author)
        except Invalid as exc:
            # a first attempt cut off after the dispute ended: what it left is finished, once
            if exc.code == "invoice_not_disputed" and self._ended_today(client, debtor, number):
                self._after(client, debtor, number, author, notice, told_otherwise)
            raise
        return self._after(client, debtor, number, author, notice, told_otherwise, invoice)

    def _after(
        self,
        client: Client,
        debtor: Debtor,
        number: str,
        author: str,
        notice: HandMessage | None,
        told_otherwise: bool,
        invoice: Invoice | None = None,
    ) -> DisputeEnded:
        today = amsterdam_date(self.clock.now())
        resumes_on: date | None = None
        sent: tuple[str, NoticeSent] | None = None
        # paid in full while disputed: nothing resumes, so nothing to tell or hold; a debtor
        # told (the notice, or a person's message that names the day: :meth:`told_by_hand`)
        # has until that day
        told = notice is not None or told_otherwise
        if told and self._open(client, number) and self._case_holder(client, debtor, number):
            # the agency goes on: no pause of the client's workflow, which skips the invoice
            if notice is not None:
                sent = self._send(client, debtor, notice, author)
        elif self._open(client, number) and (notice is not None or told_otherwise):
            resumes_on = today + timedelta(days=ANSWER_DAYS)
            # paused through the day before: the workflow's next step may come on the day
            # the notice names (a longer pause already set stands)
            invoice = self.dunning.change_invoice(
                client,
                number,
                paused_until=resumes_on - timedelta(days=1),
                postponement=True,
                author=author,
            )
            if notice is not None:
                sent = self._send(client, debtor, notice, author)
        elif self._open(client, number) and debtor.is_consumer and not told_otherwise:
            resumes_on = date.max
            # the item first: a cut after it leaves it open and the retry pauses; an item a
            # person resolved already (told and resumed) is not undone by a late retry
            if self._hold_item(client, debtor, number, today):
                # the costs the dispute held stay held until he is told (the resume), not 14
                # days from today's end he never heard of (lawyer26 F6)
                if self.invoice_status.ledger is not None:
                    hold_until_told(self.invoice_status.ledger, client.client_id, debtor.number,
                                    number, today)  # fmt: skip
                invoice = self.dunning.change_invoice(client, number, author=author)
        if invoice is None:
            found = self.repos.invoices.get(client.client_id, number)
            assert found is not None
            invoice = found.invoice
        if sent is None:
            return DisputeEnded(invoice, None, resumes_on)
        return DisputeEnded(invoice, sent[0], resumes_on, sent[1])

    def _send(
        self, client: Client, debtor: Debtor, notice: HandMessage, author: str
    ) -> tuple[str, NoticeSent]:
        """The notice queued (once: a retry finds it) and what it carried; a retry measures
        the same notice again rather than sending it."""
        key = notice.idempotency_key
        assert key is not None
        reason = "whole" if dict(notice.values).get("dispute_answer") else "none"
        what = NoticeSent(notice.channel, reason)
        if notice.channel is Channel.SMS:
            notice, what = self._fitted_sms(client, debtor, notice)
        sent = self.by_hand.sent_under(client.client_id, debtor.number, key)
        if sent is None:
            sent = self.by_hand.send_by_hand(client.client_id, debtor.number, notice, author).key
        return sent, what

    def told_by_hand(self, client: Client, debtor_number: str, tell: HandMessage) -> HandMessage:
        """A person's message ending the dispute (the item's decision), closed by the notice's
        own sentence naming the day collection resumes, in the debtor's language: the
        invoice is paused until then as after the notice (``end(told_otherwise=True)``).

        A quick text goes as its words with that sentence after them (it went as written,
        naming no day, while the invoice paused 14 days: review24 N4); what cannot carry the
        sentence (a workflow template, WhatsApp's approved template outside the window) is
        refused, so no pause is taken that the debtor was not told of."""
        if tell.quick_text:
            quick = self.by_hand.quick_text(client.client_id, tell.quick_text)
            if quick.channel is not tell.channel:  # by_hand's own refusal, said as it says it
                self.by_hand.check(client.client_id, debtor_number, tell)
            tell = replace(tell, quick_text=None, subject=quick.subject, body=quick.text,
                           whatsapp_template=tell.whatsapp_template or quick.whatsapp_template)  # fmt: skip
        if not tell.body or not self._free_text(client, debtor_number, tell.channel):
            raise Invalid(
                "a message ending a dispute names the day collection resumes: write it or "
                "pick a quick text (a workflow template or a WhatsApp template cannot say it)",
                field="template" if tell.template else "channel",
                code="dispute_end_names_the_day",
            )
        debtor = self._debtor(client, debtor_number)
        lang = debtor.language.value if debtor.language.value in CASE_GOES_ON else "nl"
        cases = [c for n in tell.invoices if (c := self._case_holder(client, debtor, n))]
        if cases:  # the agency goes on, not the client (newcomer24 F6)
            said = CASE_GOES_ON[lang][1 if tell.channel is Channel.SMS else 0]
            return replace(tell, body=f"{tell.body.rstrip()}\n{said}",
                           values=(*tell.values, *cases[0].values()))  # fmt: skip
        day = amsterdam_date(self.clock.now()) + timedelta(days=ANSWER_DAYS)
        said = resumes_words(debtor.language.value, day)
        return replace(tell, body=f"{tell.body.rstrip()}\n{said}")

    def _free_text(self, client: Client, debtor_number: str, channel: Channel) -> bool:
        """Not refused for want of words of our own: WhatsApp outside the debtor's window
        sends only an approved template (a channel not reached at all is by_hand's refusal)."""
        if channel is not Channel.WHATSAPP:
            return True
        reach = self.by_hand.channels_for(client.client_id, debtor_number)
        return not any(a.channel is channel and a.available and not a.free_text for a in reach)

    def resume_held(self, item: ActionItem, author: str) -> None:
        """A person closes the item that holds a consumer's invoice after his dispute ended
        untold: his word that the debtor knows, so its invoices the hold still pauses resume
        (the item is closed by the caller, with the person's words)."""
        found = self.repos.clients.get(item.client_id)
        if found is None:
            return
        stored = self.repos.invoices.get_many(item.client_id, list(item.invoice_numbers))
        for number, s in sorted(stored.items()):
            if s.invoice.debtor_number == item.debtor_number and s.invoice.paused_until == date.max:
                self.dunning.change_invoice(
                    found[0], number, resume=True, author=author, closes_held=False
                )

    def _notice(
        self, client: Client, debtor: Debtor, number: str, reason: str, day: date, key: str
    ) -> HandMessage | None:
        """The notice by the first channel that reaches the debtor now, None when none does."""
        reach = {
            a.channel
            for a in self.by_hand.channels_for(client.client_id, debtor.number)
            if a.available and a.free_text
        }
        channel = next((c for c in TELLING if c in reach), None)
        if channel is None:
            return None
        lang = debtor.language.value if debtor.language.value in WORDS else "nl"
        case = self._case_holder(client, debtor, number)
        extra = case.values() if case else ()
        if channel is Channel.SMS:  # fitted to its parts when it goes (_fitted_sms)
            goes_on = CASE_GOES_ON[lang][1] if case else resumes_words(lang, day, sms=True)
            body = SMS_WORDS[lang][0].format(resumes=goes_on)
            return HandMessage(channel, body=body, invoices=(number,), idempotency_key=key,
                               values=(("dispute_answer", fold_to_gsm(reason)),
                                       ("dispute_invoice", number), *extra))  # fmt: skip
        subject, body, said = WORDS[lang]
        goes_on = CASE_GOES_ON[lang][0] if case else resumes_words(lang, day)
        pay, signed = PAYS[lang]
        # the route after the day collection goes on (a value of format: never re-read by it)
        goes_on += "\n" + ROUTE[lang].rstrip("\n")
        text = body.format(resumes=goes_on, reason=said.format() if reason else "",
                           pay="" if case else pay)  # fmt: skip
        text += SIGNED[lang] if case else signed
        return HandMessage(
            channel,
            # a subject only where the channel has one (WhatsApp's was refused: notice24)
            subject=subject.format() if channel in WITH_SUBJECT else "",
            body=text,
            invoices=(number,),
            idempotency_key=key,
            # the invoice number is the client's text too: a value, never template code
            values=(("dispute_answer", reason), ("dispute_invoice", number), *extra,
                    *route_values(client)),
        )  # fmt: skip

    def _case_holder(self, client: Client, debtor: Debtor, number: str) -> CaseHolder | None:
        """The agency that collects invoice ``number`` (handed over, its case open), None when
        the client does."""
        found = self.repos.invoices.get(client.client_id, number)
        if found is None or found.invoice.handed_over_to is None:
            return None
        agency_id = found.invoice.handed_over_to
        agency = self.repos.agencies.get(agency_id)
        from shared.services.portal import agency_transfer_text  # (the portal's quote)

        return CaseHolder(
            agency.name if agency is not None and agency.name else agency_id,
            client.name,
            agency.third_party_iban if agency is not None else None,
            agency.contact_email if agency is not None else None,
            agency_transfer_text(client.client_id, debtor.number, [number]),
        )

    def _fitted_sms(
        self, client: Client, debtor: Debtor, draft: HandMessage
    ) -> tuple[HandMessage, NoticeSent]:
        """The SMS notice in at most :data:`SMS_PARTS` parts (see there), measured as it is
        sent: after the dispute ended (while disputed, the open amount leaves it out); and
        what it carries.

        A reason GSM-7 cannot carry (an emoji, Cyrillic, Arabic) makes the whole SMS UCS-2,
        67 characters a part: the facts alone (the portal link is some 110 of them) are then
        more than 3 parts, so such a reason goes as far as its GSM-7 start reaches and the
        caller is told it was shortened or left out (texts26: to send it whole another way)."""
        lang = debtor.language.value if debtor.language.value in SMS_WORDS else "nl"
        values = dict(draft.values)
        answer = values.get("dispute_answer", "")

        def said(words: str) -> HandMessage:
            return replace(draft, values=tuple({**values, "dispute_answer": words}.items()))

        def text(message: HandMessage) -> str:
            return self.by_hand.text_of(client.client_id, debtor.number, message)

        def sent(message: HandMessage, reason: str) -> tuple[HandMessage, NoticeSent]:
            shown = text(message)
            encoding = "gsm7" if is_gsm7(shown) else "ucs2"
            return message, NoticeSent(Channel.SMS, reason, sms_parts(shown), encoding)

        if not answer:
            return sent(draft, "none")
        # a blank stands for the reason: its words' room measured, one character to spare
        start = longest_start(text(said(" ")), answer, SMS_PARTS, SMS_WORDS[lang][1])
        fitted = said(start)
        # should the rendering have changed a length, the reason is left out rather than the
        # SMS going longer
        if start and sms_parts(text(fitted)) <= SMS_PARTS:
            return sent(fitted, "whole" if start == answer else "shortened")
        return sent(said(""), "left_out")

    def _key(self, client: Client, debtor: Debtor, number: str) -> str:
        """One key per dispute ended: the dispute's own contact entry (a later dispute of the
        same invoice has its own)."""
        entry = self.repos.contacts.latest(
            client.client_id, debtor.number, ContactKind.DISPUTE, number
        )
        return f"dispute-end|{number}|{entry.entry_id if entry else 'none'}"

    def _ended_today(self, client: Client, debtor: Debtor, number: str) -> bool:
        """The invoice's last status change is its dispute ending, today: a retry of the call
        that ended it (not a repeat weeks later, nor after a newer change)."""
        ended = self.repos.contacts.latest(client.client_id, debtor.number, ContactKind.STATUS, number)  # fmt: skip
        return (
            ended is not None
            and ended.summary == f"Dispute on invoice {number} resolved"
            and amsterdam_date(ended.at) == amsterdam_date(self.clock.now())
        )

    def _open(self, client: Client, number: str) -> bool:
        found = self.repos.invoices.get(client.client_id, number)
        return found is not None and found.invoice.status in (
            InvoiceStatus.OPEN,
            InvoiceStatus.PARTIALLY_PAID,
        )

    def _hold_item(self, client: Client, debtor: Debtor, number: str, today: date) -> bool:
        """The item that holds the invoice written (or found waiting): True; found resolved
        (a person told the debtor and resumed): False."""
        item = ActionItem(
            client_id=client.client_id,
            action_id=day_keyed_id(today, UNTOLD, number),
            kind=UNTOLD,
            title=f"Tell debtor {debtor.number} the dispute on invoice {number} ended",
            created_at=self.clock.now(),
            debtor_number=debtor.number,
            invoice_numbers=(number,),
            detail={
                "note": "the debtor was not told the dispute ended; the invoice is paused until "
                "a person tells him (a message by hand) and resumes it"
            },
        )
        if not self.repos.actions.add_once(item):  # written by the attempt this one repeats
            found = self.repos.actions.get(client.client_id, item.action_id)
            return found is not None and found[0].status is not ActionStatus.RESOLVED
        return True

    def _debtor(self, client: Client, number: str) -> Debtor:
        found = self.repos.debtors.get(client.client_id, number)
        if found is None:
            raise NotFound(f"debtor {number} not found")
        return found[0]
