"""The debtor's standing on the dossier: deceased, bankrupt, in the WSNP, or normal again
(shared.domain.standing). Shown to everyone who sees the dossier; the form only to whom the
API route ``POST debtors/{d}/standing`` allows (an admin's: it stops dunning and, after a
ruling, the interest), and done through that route's own service call, audited as there."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.api.console.permits import allows, client_path, require
from shared.api.console.shell import Desk, templates, words
from shared.domain.parties import Debtor
from shared.domain.standing import Standing
from shared.services.errors import Invalid

CHOICES = ("deceased", "bankrupt", "wsnp", "normal")


def _path(desk: Desk, number: str) -> str:
    return client_path(desk, f"debtors/{number}/standing")


def context(desk: Desk, debtor: Debtor) -> dict[str, Any]:
    s = debtor.standing
    return {
        "standing": s if s is not None and s.in_force else None,
        "standing_lifted": s.lifted_on if s is not None and not s.in_force else None,
        "may_standing": allows(desk, "POST", _path(desk, debtor.number)),
        "standing_choices": CHOICES,
    }


def act(desk: Desk, number: str) -> None:
    require(desk, "POST", _path(desk, number))
    chosen = desk.field("standing")
    if chosen not in CHOICES:
        raise Invalid("choose a standing", field="standing", code="standing_unknown")
    text = desk.field("since")
    since = None
    if text:
        try:
            since = date.fromisoformat(text)
        except ValueError:
            raise Invalid("a date is YYYY-MM-DD", field="since", code="date_shape") from None
    desk.services.debtor_standing.set(
        desk.client, number, Standing(chosen), since, desk.principal.key_id
    )


STANDING = """<section aria-labelledby="st-h"><h2 id="st-h">{{ t.st_title }}</h2>
{% if standing %}<p class="red">{{ t['st_' + standing.standing.value] }} · {{ t.st_since }} {{ standing.since }}{% if not standing.confirmed %} · {{ t.st_proposed }}{% endif %}</p><p>{{ t['st_todo_' + standing.standing.value] }}</p>
{% else %}<p>{{ t.st_normal }}{% if standing_lifted %} <span class="muted">({{ t.st_lifted }} {{ standing_lifted }})</span>{% endif %}</p>{% endif %}
{% if may_standing %}<form method="post" action="{{ desk.url('/dossier/' + debtor.number|segment) }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<label for="st-choice">{{ t.st_choice }}</label><select id="st-choice" name="standing">{% for c in standing_choices %}<option value="{{ c }}"{% if standing and standing.standing.value == c %} selected{% endif %}>{{ t['st_' + c] }}</option>{% endfor %}</select>
<label for="st-since">{{ t.st_since_label }}</label><input id="st-since" name="since" type="date" max="{{ today }}">
<p class="muted">{{ t.st_hint }}</p>
<p><button type="submit" name="do" value="standing">{{ t.st_save }}</button></p></form>{% endif %}
</section>"""

templates(**{"dossier-standing": STANDING})

words(
    nl={
        "st_title": "Status van de debiteur",
        "st_normal": "Normaal: de incasso loopt.",
        "st_deceased": "Overleden",
        "st_bankrupt": "Failliet",
        "st_wsnp": "In de schuldsanering (WSNP)",
        "st_since": "sinds",
        "st_proposed": "voorgesteld door de bank (MD07): bevestig of hef op",
        "st_lifted": "opgeheven op",
        "st_todo_deceased": "De vordering gaat over op de nalatenschap (art. 4:182 BW): schrijf de erfgenamen of de executeur aan, niet de overledene. Er gaat niets naar de debiteur en er worden geen kosten meer in rekening gebracht.",
        "st_todo_bankrupt": "Dien de vordering in bij de curator (art. 26 en 110 Fw). Er gaat niets naar de debiteur; de rente loopt niet meer vanaf de dag van het vonnis (art. 128 Fw).",
        "st_todo_wsnp": "Dien de vordering in bij de bewindvoerder (art. 299 en 358 Fw). Er gaat niets naar de debiteur; de rente loopt niet meer vanaf de dag van de uitspraak.",
        "st_choice": "Status",
        "st_since_label": "Ingegaan op (overlijden, vonnis)",
        "st_hint": "Normaal heft de status op: de workflow gaat vanaf vandaag in zijn eigen tempo verder; gepauzeerde regelingen hervat of verschuift u zelf.",
        "st_save": "Status opslaan",
        "done_dos_standing": "De status van de debiteur is opgeslagen.",
    },
    en={
        "st_title": "Debtor's standing",
        "st_normal": "Normal: dunning runs.",
        "st_deceased": "Deceased",
        "st_bankrupt": "Bankrupt",
        "st_wsnp": "In the statutory debt scheme (WSNP)",
        "st_since": "since",
        "st_proposed": "proposed by the bank (MD07): confirm or lift it",
        "st_lifted": "lifted on",
        "st_todo_deceased": "The claim passes to the estate (art. 4:182 BW): write to the heirs or the executor, not to the deceased. Nothing goes to the debtor and no further costs are charged.",
        "st_todo_bankrupt": "File the claim with the curator (art. 26 and 110 Fw). Nothing goes to the debtor; interest stops from the day of the ruling (art. 128 Fw).",
        "st_todo_wsnp": "File the claim with the administrator (art. 299 and 358 Fw). Nothing goes to the debtor; interest stops from the day of the ruling.",
        "st_choice": "Standing",
        "st_since_label": "Took effect on (death, ruling)",
        "st_hint": "Normal lifts the standing: the workflow carries on at its own pace from today; you resume or postpone paused plans yourself.",
        "st_save": "Save standing",
        "done_dos_standing": "The debtor's standing is saved.",
    },
)
