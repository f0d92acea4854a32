"""words10: the template editor says a template's fault in the page's language, beside its
line: Jinja's syntax errors (an unexpected brace, an unknown or misplaced tag, a block left
open), an unknown variable and a 14-day letter's missing statements. The API keeps Jinja's
English and names the code."""

from __future__ import annotations

import html
import re

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import Browser, csrf_of, desk_for
from tests.unit.console.test_console_data_dunning import _seed
from tests.unit.people.conftest import Tenants


def _said(staff: Browser, text: str, lang: str = "", **more: str) -> tuple[int | None, str]:
    """The line the check marks and what it says there (or, for the whole part, the notice)."""
    csrf = csrf_of(staff.get("/templates/edit?id=herinnering"))
    form = {"csrf": csrf, "template_id": "herinnering", "language": "nl", "subject": "S",
            "text": text, "do": "save", **more}  # fmt: skip
    answer = staff.post(f"/templates/edit{'?lang=' + lang if lang else ''}", form)
    assert answer.status == 422
    body = answer.encoded().decode()
    marked = re.search(r'<li id="tpl-line" class="problem"><code>.*?</code> <strong class="red">'
                       r"&#8592; (?:regel|line) (\d+): (.*?)</strong>", body)  # fmt: skip
    if marked:
        return int(marked.group(1)), html.unescape(marked.group(2))
    whole = re.search(r'<section class="notice error" id="tpl-problem".*?<strong class="red">(.*?)'
                      r"</strong>", body, flags=re.S)  # fmt: skip
    assert whole, body[-1500:]
    return None, html.unescape(whole.group(1))


def test_jinja_syntax_errors_read_dutch_with_their_line(world: World, tenants: Tenants) -> None:
    _seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert _said(staff, "Beste,\n{{ debtor.name }") == (
        2,
        "fout in de opbouw: '}' hoort hier niet.",
    )
    assert _said(staff, "a\n{% for i in invoices %}\n{{ i.number }}\n{% endif %}") == (
        4,
        "fout in de opbouw: 'endif' is hier geen geldige opdracht; verwacht werd een van "
        "'endfor', 'else'; het binnenste blok dat nog gesloten moet worden is 'for'.",
    )
    assert _said(staff, "{% if total %}\n{% for i in invoices %}\n{% endif %}") == (
        3,
        "fout in de opbouw: 'endif' staat op de verkeerde plek (verkeerd genest); verwacht "
        "werd een van 'endfor', 'else'; het binnenste blok dat nog gesloten moet worden is 'for'.",
    )
    assert _said(staff, "a\n{% for i in invoices %}{{ i.number }}") == (
        2,
        "fout in de opbouw: het sjabloon houdt op terwijl een blok nog open is; verwacht werd "
        "een van 'endfor', 'else'; het binnenste blok dat nog gesloten moet worden is 'for'.",
    )
    assert _said(staff, "{{ debtor.name total }}") == (
        1,
        "fout in de opbouw: hier hoort het einde van een uitdrukking (}}), maar er staat 'total'.",
    )
    assert _said(staff, "a\nb\n{% if %}") == (
        3,
        "fout in de opbouw: hier hoort een variabele of waarde, maar er staat het einde van een "
        "opdracht (%}).",
    )
    assert _said(staff, "{% endfo %}") == (
        1,
        "fout in de opbouw: 'endfo' is hier geen geldige opdracht.",
    )
    # the same page in English says it as Jinja does, in the same parts
    assert _said(staff, "Beste,\n{{ debtor.name }", "en") == (2, "syntax error: unexpected '}'.")


def test_an_unknown_variable_and_a_letters_missing_parts_read_dutch(
    world: World, tenants: Tenants
) -> None:
    _seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert _said(staff, "Beste {{ debtor.name }},\n\nU betaalt {{ debtor.iban }} graag.") == (
        3,
        "onbekend onderdeel 'iban' (zie de lijst met variabelen)",
    )
    assert _said(staff, "a\n{{ totaal|money }}") == (
        2,
        "onbekende variabele 'totaal' (zie de lijst met variabelen)",
    )
    line, said = _said(staff, "Betaal.", fourteen_day_letter="1")
    assert line is None and said.startswith(
        "Tekst: een veertiendagenbrief moet noemen: het bedrag van de incassokosten; de termijn "
        "van veertien dagen, gerekend vanaf de dag na ontvangst; wat er gebeurt als de debiteur "
        "niet op tijd betaalt (gebruik {{ costs|money }} voor het bedrag). Bijvoorbeeld: Betaal"
    )
    line, said = _said(staff, "Betaal.", "en", fourteen_day_letter="1")
    assert said.startswith("Text: a 14-day letter must state: the collection costs' amount; ")


def test_the_api_keeps_jinjas_english(world: World, tenants: Tenants) -> None:
    reply = world.agency_a.call("PUT", "/v1/clients/C1/templates/t",
                                {"language": "nl", "subject": "S", "text": "{{ x }"})  # fmt: skip
    assert reply.status == 422, reply.body
    detail = reply.body["error"]["details"][0]
    assert (detail["message"], detail["line"], detail["code"]) == (
        "unexpected '}'",
        1,
        "tpl_syntax",
    )
    assert reply.body["error"]["message"] == "text, line 1: unexpected '}'"
