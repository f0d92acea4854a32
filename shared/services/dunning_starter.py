"""The dunning set-up a new agency starts with: three templates in Dutch and in English (a
reminder, an SMS, a 14-day letter with the parts activation asks for, the VAT sentence for a
client that cannot deduct VAT included) and the workflow "standaard" (e-mail, SMS, 14-day letter, a call, the hand-over)
for every debtor. ``inning agency create`` puts them in the agency's defaults, which
``POST /v1/onboarding/clients`` copies to each client it makes; the demo's clients use them
too. Before, a new agency had none: its clients' debtors waited `without_workflow` and the
newcomer had to write a 14-day letter from nothing (newcomer18 F2)."""

from __future__ import annotations

from shared.adapters.tables.people_repo import defaults_scope
from shared.domain.dunning.templates import MessageTemplate
from shared.domain.dunning.workflow import OffsetFrom, SegmentRule, Step, StepChannel, Workflow
from shared.services.repositories import Repositories

STARTER_ID = "standaard"  # the starter workflow's id, which its one segment rule names
# what a transfer quotes: the betalingskenmerk, else the text the portal, the letter and the
# EPC QR code give for several invoices (portal.transfer_text), so a typed transfer is matched
# as a scanned one (debtor24 D3: the reminder named nothing to quote)
_DESCRIPTION = (
    "{% set quote %}{{ debtor.number }}{% for i in invoices %} {{ i.number }}{% endfor %}{% endset %}"
    "{{ quote[:140] }}"
)
_QUOTE_NL = (
    "{% if betalingskenmerk %}betalingskenmerk {{ betalingskenmerk }}"
    "{% else %}de omschrijving " + _DESCRIPTION + "{% endif %}"
)
_QUOTE_EN = (
    "{% if betalingskenmerk %}payment reference {{ betalingskenmerk }}"
    "{% else %}the description " + _DESCRIPTION + "{% endif %}"
)
# the starter SMS names the invoices (lawyer26: it named none, so a debtor could not tell what
# the amount was for): the first always, the next while the list stays within
# _SMS_NUMBERS_ROOM characters, the rest counted ("en 3 andere"), so that many invoices keep
# the SMS within its parts (quick_texts.SMS_PARTS_WARNING)
_SMS_NUMBERS_ROOM = 60
_SMS_NUMBERS = (
    "{% set ns = namespace(shown=[], left=0) %}{% for i in invoices %}"
    "{% if not ns.left and (loop.first or (ns.shown|join(', ')|length) + 2 + (i.number|length) <= "
    + str(_SMS_NUMBERS_ROOM)
    + ") %}{% set ns.shown = ns.shown + [i.number] %}{% else %}{% set ns.left = ns.left + 1 %}"
    "{% endif %}{% endfor %}"
)
# the 14-day letter says whom to pay and what to quote in its text too: by e-mail (a debtor
# without an address) it has no PDF with a payment block, and said neither (texts26)
# the templates render with trim_blocks: the line break right after a block tag ({% endif %},
# {% endfor %}) is dropped, so a paragraph break there is written three times (debtor24 D11:
# the links and the greeting ran into the text)
STARTER_TEMPLATES: dict[str, MessageTemplate] = {
    "herinnering": MessageTemplate(
        "nl",
        "Herinnering: {% for i in invoices %}{{ i.number }} {% endfor %}",
        "Beste {{ debtor.name }},\n\nVolgens onze administratie staat nog {{ total|money }} open"
        "{% if invoice_amount_paid %}. U heeft het factuurbedrag na de vervaldatum betaald; de wet (art. 6:44 BW) "
        "boekt een betaling eerst af op {% if costs %}de incassokosten en {% endif %}de rente ({{ paid_to_interest|money }}). "
        "Wat nog openstaat is dus de rente{% if costs %} en de kosten{% endif %} van de te late betaling"
        "{% elif costs or interest %} (hoofdsom {{ principal|money }}{% if costs %}, incassokosten {{ costs|money }}{% endif %}"
        "{% if interest %}, rente {{ interest|money }}{% endif %}){% endif %}:\n"
        "{% for i in invoices %}- {{ i.number }} van {{ i.invoice_date|date }}, vervallen {{ i.due_date|date }}: {{ i.open_amount|money }}\n{% endfor %}"
        "\n\nWilt u dit overmaken naar {{ client.iban }} onder vermelding van " + _QUOTE_NL + "?"
        "{% if payment_link %}\n\n\nDirect betalen met iDEAL: {{ payment_link }}\nUw overzicht, uitstel vragen of bezwaar maken: {{ portal_link }}{% endif %}"
        "\n\n\nMet vriendelijke groet,\n{{ client.name }}",
    ),
    "sms": MessageTemplate(
        "nl",
        "",
        _SMS_NUMBERS + "{{ client.name }}: er staat nog {{ total|money }} open voor "
        "{% if invoices|length > 1 %}de facturen{% else %}factuur{% endif %} {{ ns.shown|join(', ') }}"
        "{% if ns.left %} en {{ ns.left }} andere{% endif %}. Betaal via {{ payment_link or client.iban }}",
    ),
    "veertiendagenbrief": MessageTemplate(
        "nl",
        "Veertiendagenbrief",
        "Beste {{ debtor.name }},\n\nOndanks onze herinneringen staat nog {{ principal|money }} open"
        "{% if interest %}, met de {{ interest_name }} tot en met de laatste dag van de termijn {{ total|money }}{% endif %}."
        "\n\nWij verzoeken u {{ total|money }} binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd te betalen."
        "{% if costs %}\n\n\nIndien u niet binnen deze termijn betaalt, bent u incassokosten van {{ costs|money }} verschuldigd"
        "{% if charges_interest %}, vermeerderd met de {{ interest_name }}{% endif %}."
        "{% elif charges_interest %}\n\n\nIndien u niet binnen deze termijn betaalt, loopt de {{ interest_name }} door.{% endif %}"
        "{% if costs_vat %} Dit bedrag is inclusief {{ costs_vat|money }} btw (21 % over {{ costs_excl_vat|money }}): "
        "{{ client.name }} kan de btw niet verrekenen en brengt haar daarom bij u in rekening.{% endif %}"
        "\n\n\nWilt u {{ total|money }} overmaken naar {{ client.iban }} ten name van {{ client.name }} onder vermelding van "
        + _QUOTE_NL
        + "?"
        "{% if portal_link %}\n\n\nUw overzicht, betalen met iDEAL, uitstel vragen of bezwaar maken: {{ portal_link }}{% endif %}"
        "\n\n\nMet vriendelijke groet,\n{{ client.name }}",
        fourteen_day_letter=True,
    ),
    # the same three in English, for a debtor whose language is English: before, the step
    # fell back to its Dutch text and an English-reading debtor got even his 14-day letter in
    # Dutch while his portal page spoke English (debtor24 D1)
    "reminder": MessageTemplate(
        "en",
        "Reminder: {% for i in invoices %}{{ i.number }} {% endfor %}",
        "Dear {{ debtor.name }},\n\nAccording to our records {{ total|money }} is still open"
        "{% if invoice_amount_paid %}. You paid the invoice amount after its due date; the law (art. 6:44 of the Dutch "
        "Civil Code) applies a payment first to {% if costs %}the collection costs and {% endif %}the interest "
        "({{ paid_to_interest|money }}). What is still open is therefore the interest{% if costs %} and the costs{% endif %} "
        "of paying late"
        "{% elif costs or interest %} (principal {{ principal|money }}{% if costs %}, collection costs {{ costs|money }}{% endif %}"
        "{% if interest %}, {{ interest_name }} {{ interest|money }}{% endif %}){% endif %}:\n"
        "{% for i in invoices %}- {{ i.number }} of {{ i.invoice_date|date }}, due {{ i.due_date|date }}: {{ i.open_amount|money }}\n{% endfor %}"
        "\n\nPlease transfer this amount to {{ client.iban }} quoting " + _QUOTE_EN + "."
        "{% if payment_link %}\n\n\nPay at once with iDEAL: {{ payment_link }}\nYour overview, ask for postponement or dispute an invoice: {{ portal_link }}{% endif %}"
        "\n\n\nKind regards,\n{{ client.name }}",
    ),
    "sms_en": MessageTemplate(
        "en",
        "",
        _SMS_NUMBERS + "{{ client.name }}: {{ total|money }} is still open on "
        "{% if invoices|length > 1 %}invoices{% else %}invoice{% endif %} {{ ns.shown|join(', ') }}"
        "{% if ns.left %} and {{ ns.left }} more{% endif %}. Pay via {{ payment_link or client.iban }}",
    ),
    "fourteen_day_letter": MessageTemplate(
        "en",
        "Final reminder: fourteen days to pay",
        "Dear {{ debtor.name }},\n\nDespite our reminders {{ principal|money }} is still open"
        "{% if interest %}; with the {{ interest_name }} up to the last day of the term that is {{ total|money }}{% endif %}."
        "\n\nPlease pay {{ total|money }} within fourteen days from the day after you receive this letter."
        "{% if costs %}\n\n\nIf you do not pay within this term, you owe collection costs of {{ costs|money }}"
        "{% if charges_interest %}, plus the {{ interest_name }}{% endif %}."
        "{% elif charges_interest %}\n\n\nIf you do not pay within this term, the {{ interest_name }} goes on running.{% endif %}"
        "{% if costs_vat %} This amount includes {{ costs_vat|money }} VAT (21 % of {{ costs_excl_vat|money }}): "
        "{{ client.name }} cannot deduct the VAT and therefore charges it to you.{% endif %}"
        "\n\n\nPlease transfer {{ total|money }} to {{ client.iban }} in the name of {{ client.name }} quoting "
        + _QUOTE_EN
        + "."
        "{% if portal_link %}\n\n\nYour overview, pay with iDEAL, ask for postponement or dispute an invoice: {{ portal_link }}{% endif %}"
        "\n\n\nKind regards,\n{{ client.name }}",
        fourteen_day_letter=True,
    ),
}


def starter_workflow() -> Workflow:
    steps = (
        Step("Herinnering", StepChannel.EMAIL, 7, templates={"nl": "herinnering", "en": "reminder"},
             fallback=StepChannel.LETTER),
        Step("SMS", StepChannel.SMS, 7, OffsetFrom.PREVIOUS_STEP, templates={"nl": "sms", "en": "sms_en"},
             min_open_amount=2_500),
        # a debtor without a postal address gets it by e-mail: no source requires his consent
        # to e-mail for a 14-day letter (docs/law.md, "A 14-day letter by e-mail"), and
        # without a letter nothing after it may go (newcomer18 F3)
        Step("Veertiendagenbrief", StepChannel.FOURTEEN_DAY_LETTER, 7, OffsetFrom.PREVIOUS_STEP,
             templates={"nl": "veertiendagenbrief", "en": "fourteen_day_letter"},
             fallback=StepChannel.EMAIL),
        Step("Bellen", StepChannel.STAFF_TASK, 16, OffsetFrom.PREVIOUS_STEP),
        Step("Overdracht", StepChannel.HANDOVER, 14, OffsetFrom.PREVIOUS_STEP),
    )  # fmt: skip
    return Workflow(STARTER_ID, "Standaard", steps, active=True)


def save_starter(repos: Repositories, scope: str) -> None:
    """The starter set under ``scope`` (a client, or an agency's defaults). The workflow last:
    it is what says the set is there (:func:`seed_agency_defaults`), so a write cut off before
    it is written whole again by the next attempt; written before the rule, a cut between them
    left defaults without a rule that the command's repeat called the agency's own, and every
    client onboarded from them waited without a workflow (failure19 S1)."""
    for template_id, template in STARTER_TEMPLATES.items():
        repos.dunning.save_template(scope, template_id, template)
    repos.dunning.save_rules(scope, [SegmentRule(STARTER_ID)])
    repos.dunning.save_workflow(scope, starter_workflow())


def seed_agency_defaults(repos: Repositories, agency_id: str) -> bool:
    """The starter set as the agency's defaults, when it has no workflow there yet (an
    agency's own defaults are never overwritten); whether it was written."""
    scope = defaults_scope(agency_id)
    workflows = repos.dunning.workflows(scope)
    if not workflows:
        save_starter(repos, scope)
        return True
    if set(workflows) == {STARTER_ID} and not repos.dunning.rules(scope):
        # the set of a write cut off between its workflow and its rule, before the workflow
        # went last (failure19 S1): what it lacks, nothing over what stands
        have = repos.dunning.templates(scope)
        for template_id, template in STARTER_TEMPLATES.items():
            if template_id not in have:
                repos.dunning.save_template(scope, template_id, template)
        repos.dunning.save_rules(scope, [SegmentRule(STARTER_ID)])
        return True
    return False
