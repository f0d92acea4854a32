"""The debtor's standing on the dossier: deceased, bankrupt, in the WSNP, or normal again
(shared.domain.standing). Shown to everyone who sees the dossier; the form only to whom the
API route ``POST debtors/{d}/standing`` allows (an admin's: it stops dunning and, after a
ruling, the interest), and done through that route's own service call, audited as there."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.api.console.action_text import money_detail
from shared.api.console.permits import allows, client_path, require
from shared.api.console.shell import Desk, templates, words
from shared.domain.access import Scope
from shared.domain.parties import Debtor
from shared.domain.standing import DebtorStanding, LiftReason, Standing, rulings_that_bind
from shared.services.debtor_standing import item_id
from shared.services.errors import Invalid

CHOICES = ("deceased", "bankrupt", "wsnp", "normal")
# why normal lifts it (shared.domain.standing.LiftReason); "" lets the service decide (a death
# or a bank's proposal: a mistake; a ruling: refused, it must say why)
LIFTS = ("", "mistake", "akkoord", "clean_slate", "ended")


def _path(desk: Desk, number: str) -> str:
    return client_path(desk, f"debtors/{number}/standing")


def _filing(desk: Desk, debtor: Debtor) -> dict[str, object]:
    """What the ruling's item says to file (the claims on its day) and the money received
    after it (art. 23 Fw), as the service wrote them when the standing was set."""
    s = debtor.standing
    if s is None or not s.stops_interest:
        return {}
    found = desk.services.repos.actions.get(desk.client.client_id, item_id(debtor.number, s))
    return dict(found[0].detail) if found is not None else {}


def agency_holds(desk: Desk, s: DebtorStanding | None) -> bool:
    """A standing in force the agency recorded, seen by the client's people (newcomer13b #6)."""
    return (
        s is not None and s.in_force and s.recorded_by_agency
        and desk.principal.scope is not Scope.AGENCY
    )  # fmt: skip


def context(desk: Desk, debtor: Debtor) -> dict[str, Any]:
    # who recorded it as the service decides (an old row: by the contact log), so the client's
    # admin is not shown a form the service refuses (codereview14 F4)
    s = desk.services.debtor_standing.as_recorded(desk.client, debtor).standing
    filing = _filing(desk, debtor)
    return {
        # cents kept, shown in the page's notation (nl "€ 171,12", en "EUR 171.12")
        "standing_to_file": money_detail("to_file", filing.get("to_file"), desk.money)
        or (f"€ {filing['to_file']}" if filing.get("to_file") else None),
        "standing_paid_after": money_detail(
            "paid_after_ruling", filing.get("paid_after_ruling"), desk.money
        )
        or filing.get("paid_after_ruling"),
        "standing": s if s is not None and s.in_force else None,
        "standing_lifted": s.lifted_on if s is not None and not s.in_force else None,
        "standing_lift_reason": (s.lift_reason or LiftReason.MISTAKE).value
        if s is not None and s.lifted_on is not None
        else None,
        "standing_lifts": LIFTS,
        # the rulings that ended and still bind their claims (also one kept under a later
        # standing lifted as a mistake), every lift (who, when, why), and the open claims
        # left natural obligations (art. 6:3 BW: not claimed, a payment made anyway booked)
        "standing_ended": [r for r in rulings_that_bind(s) if not r.in_force],
        "standing_history": list(s.lifts) if s is not None else [],
        "standing_not_claimable": [
            (i.number, how.value)
            for i, how in desk.services.debtor_standing.not_claimable(desk.client, debtor)
        ],
        # a standing the agency recorded is the agency's to change or lift while it holds
        "standing_agency": agency_holds(desk, s),
        "may_standing": allows(desk, "POST", _path(desk, debtor.number))
        and not agency_holds(desk, s),
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
    why = desk.field("reason")
    if why not in LIFTS:
        raise Invalid("choose why it is lifted", field="reason", code="standing_unknown")
    desk.services.debtor_standing.set(
        desk.client, number, Standing(chosen), since, desk.principal.key_id,
        LiftReason(why) if why else None, by_agency=desk.principal.scope is Scope.AGENCY,
    )  # fmt: skip


STANDING = """<section aria-labelledby="dst-h"><h2 id="dst-h">{{ t.dst_title }}</h2>
{% if standing %}<p class="red">{{ t['dst_' + standing.standing.value] }} · {{ t.dst_since }} {{ standing.since }}{% if not standing.confirmed %} · {{ t.dst_proposed }}{% endif %}</p><p>{{ t['dst_todo_' + standing.standing.value] }}</p>{% if standing_to_file %}<p>{{ t.dst_to_file }} {{ standing_to_file }}{% if standing_paid_after %} · {{ t.dst_paid_after }} {{ standing_paid_after }}{% endif %}</p>{% endif %}
{% else %}<p>{% if standing_ended %}{{ t.dst_normal_after }}{% else %}{{ t.dst_normal }}{% endif %}{% if standing_lifted %} <span class="muted">({{ t.dst_lifted }} {{ standing_lifted }}{% if standing_lift_reason %}: {{ t['dst_why_' + standing_lift_reason] }}{% endif %})</span>{% endif %}</p>{% endif %}
{% if standing_ended %}<h3>{{ t.dst_ended_title }}</h3><ul>{% for r in standing_ended %}<li>{{ t['dst_' + r.standing.value] }} · {{ t.dst_since }} {{ r.since }} · {{ t.dst_lifted }} {{ r.lifted_on }}: {{ t['dst_why_' + r.lift_reason.value] }}. {{ t['dst_binds_' + r.lift_reason.value] }}</li>{% endfor %}</ul>{% endif %}
{% if standing_not_claimable %}<h3>{{ t.dst_not_claimable }}</h3><ul>{% for number, how in standing_not_claimable %}<li>{{ number }}: {{ t['dst_binds_' + how] }}</li>{% endfor %}</ul><p class="muted">{{ t.dst_not_claimable_note }}</p>{% endif %}
{% if standing_history %}<details><summary>{{ t.dst_history }}</summary><ul>{% for x in standing_history %}<li>{{ x.lifted_on }} · {{ t['dst_' + x.standing.value] }} {{ t.dst_since }} {{ x.since }}{% if not x.confirmed %} ({{ t.dst_proposed_short }}){% endif %} · {{ t['dst_why_' + x.reason.value] }} · {{ t.dst_by }} {{ x.by }}</li>{% endfor %}</ul></details>{% endif %}
{% if standing_agency %}<p class="muted">{{ t.dst_agency }}</p>{% endif %}
{% if may_standing %}<form method="post" action="{{ desk.url('/dossier/' + debtor.number|segment) }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<label for="dst-choice">{{ t.dst_choice }}</label><select id="dst-choice" name="standing">{% for c in standing_choices %}<option value="{{ c }}"{% if standing and standing.standing.value == c %} selected{% endif %}>{{ t['dst_' + c] }}</option>{% endfor %}</select>
<label for="dst-why">{{ t.dst_why }}</label><select id="dst-why" name="reason">{% for c in standing_lifts %}<option value="{{ c }}">{{ t['dst_why_' + (c or 'none')] }}</option>{% endfor %}</select>
<label for="dst-since">{{ t.dst_since_label }}</label><input id="dst-since" name="since" type="date" max="{{ today }}">
<p class="muted">{{ t.dst_hint }}</p>
<p><button type="submit" name="do" value="standing">{{ t.dst_save }}</button></p></form>{% endif %}
</section>"""

templates(**{"dossier-standing": STANDING})

words(
    nl={
        "dst_title": "Status van de debiteur",
        "dst_normal": "Normaal: de incasso loopt.",
        "dst_agency": "Het incassobureau legde deze status vast: alleen het incassobureau wijzigt of heft hem op.",
        "dst_deceased": "Overleden",
        "dst_bankrupt": "Failliet",
        "dst_wsnp": "In de schuldsanering (WSNP)",
        "dst_since": "sinds",
        "dst_proposed": "voorgesteld door de bank (MD07): bevestig of hef op",
        "dst_lifted": "opgeheven op",
        "dst_todo_deceased": "De vordering gaat over op de nalatenschap (art. 4:182 BW): schrijf de erfgenamen of de executeur aan, niet de overledene. Er gaat niets naar de debiteur en er worden geen kosten meer in rekening gebracht.",
        "dst_todo_bankrupt": "Dien de vordering in bij de curator (art. 26 en 110 Fw). Er gaat niets naar de debiteur; de rente loopt niet meer vanaf de dag van het vonnis (art. 128 Fw).",
        "dst_todo_wsnp": "Dien de vordering in bij de bewindvoerder (art. 299 en 358 Fw). Er gaat niets naar de debiteur; de rente loopt niet meer vanaf de dag van de uitspraak.",
        "dst_choice": "Status",
        "dst_since_label": "Ingegaan op (overlijden, vonnis)",
        "dst_hint": "Normaal heft de status op; zeg waarom. Alleen een vergissing maakt het ongedaan: de workflow gaat vanaf vandaag in zijn eigen tempo verder. Na een geëindigd faillissement of WSNP blijft de rente over die periode gestopt en worden de vorderingen daarvan niet aangemaand tot u heeft geboekt wat het opleverde. Gepauzeerde regelingen hervat of verschuift u zelf.",
        "dst_save": "Status opslaan",
        "dst_to_file": "In te dienen (de vorderingen op de dag van het vonnis):",
        "dst_paid_after": "betaald na het vonnis (de curator kan het terugvorderen, art. 23 Fw):",
        "dst_why": "Waarom normaal (bij opheffen)",
        "dst_why_none": "—",
        "dst_why_mistake": "vergissing: alsof nooit gezet",
        "dst_why_akkoord": "geëindigd met een akkoord (art. 157, 340 Fw)",
        "dst_why_clean_slate": "schone lei (art. 358 Fw)",
        "dst_why_ended": "anders geëindigd (opheffing, slotuitdeling, geen schone lei)",
        "done_dos_standing": "De status van de debiteur is opgeslagen.",
        "dst_normal_after": "Normaal, maar een geëindigde uitspraak bindt nog vorderingen (zie hieronder).",
        "dst_ended_title": "Geëindigde uitspraken die nog gelden",
        "dst_binds_clean_slate": "Wat overblijft is een natuurlijke verbintenis (art. 6:3 BW, art. 358 Fw): niet meer te vorderen, geen aanmaning, rente, kosten of regeling; een vrijwillige betaling wordt geboekt en gehouden.",
        "dst_binds_akkoord": "Wat het akkoord niet betaalt is een natuurlijke verbintenis (art. 6:3 BW, art. 160 Fw): niet meer te vorderen, geen aanmaning, rente, kosten of regeling; een vrijwillige betaling wordt geboekt en gehouden.",
        "dst_binds_ended": "Geen rente over de periode van de uitspraak; de vorderingen wachten tot u heeft geboekt wat de uitdeling opleverde en ze hervat.",
        "dst_not_claimable": "Niet meer te vorderen (natuurlijke verbintenis)",
        "dst_not_claimable_note": "Het portaal vraagt hiervoor geen betaling; een regeling erover wordt geweigerd. Betaalt de debiteur toch (via een bestaande link of een overboeking), dan wordt dat geboekt.",
        "dst_history": "Geschiedenis van opheffingen",
        "dst_proposed_short": "voorstel van de bank",
        "dst_by": "door",
    },
    en={
        "dst_title": "Debtor's standing",
        "dst_normal": "Normal: dunning runs.",
        "dst_agency": "The agency recorded this standing: only the agency changes or lifts it.",
        "dst_deceased": "Deceased",
        "dst_bankrupt": "Bankrupt",
        "dst_wsnp": "In the statutory debt scheme (WSNP)",
        "dst_since": "since",
        "dst_proposed": "proposed by the bank (MD07): confirm or lift it",
        "dst_lifted": "lifted on",
        "dst_todo_deceased": "The claim passes to the estate (art. 4:182 BW): write to the heirs or the executor, not to the deceased. Nothing goes to the debtor and no further costs are charged.",
        "dst_todo_bankrupt": "File the claim with the curator (art. 26 and 110 Fw). Nothing goes to the debtor; interest stops from the day of the ruling (art. 128 Fw).",
        "dst_todo_wsnp": "File the claim with the administrator (art. 299 and 358 Fw). Nothing goes to the debtor; interest stops from the day of the ruling.",
        "dst_choice": "Standing",
        "dst_since_label": "Took effect on (death, ruling)",
        "dst_hint": "Normal lifts the standing; say why. Only a mistake undoes it: the workflow carries on at its own pace from today. After a bankruptcy or WSNP that ended, the interest of its period stays stopped and its claims are not dunned until you booked what it paid. You resume or postpone paused plans yourself.",
        "dst_save": "Save standing",
        "dst_to_file": "To file (the claims on the ruling's day):",
        "dst_paid_after": "paid after the ruling (the curator may claim it back, art. 23 Fw):",
        "dst_why": "Why normal (when lifting)",
        "dst_why_none": "—",
        "dst_why_mistake": "a mistake: as if never set",
        "dst_why_akkoord": "ended by an akkoord (art. 157, 340 Fw)",
        "dst_why_clean_slate": "clean slate (schone lei, art. 358 Fw)",
        "dst_why_ended": "ended otherwise (no assets, final distribution, no clean slate)",
        "done_dos_standing": "The debtor's standing is saved.",
        "dst_normal_after": "Normal, but a ruling that ended still binds claims (see below).",
        "dst_ended_title": "Rulings that ended and still bind",
        "dst_binds_clean_slate": "What remains is a natural obligation (art. 6:3 BW, art. 358 Fw): no longer claimable, no dunning, interest, costs or plan; a voluntary payment is booked and kept.",
        "dst_binds_akkoord": "What the akkoord does not pay is a natural obligation (art. 6:3 BW, art. 160 Fw): no longer claimable, no dunning, interest, costs or plan; a voluntary payment is booked and kept.",
        "dst_binds_ended": "No interest over the ruling's period; the claims wait until you booked what the distribution paid and resume them.",
        "dst_not_claimable": "No longer claimable (natural obligation)",
        "dst_not_claimable_note": "The portal asks no payment for these; a plan over them is refused. If the debtor pays anyway (through a link he has or a transfer), it is booked.",
        "dst_history": "History of lifts",
        "dst_proposed_short": "the bank's proposal",
        "dst_by": "by",
    },
)
