"""words10: a quick text's faults read Dutch beside the field on the Dutch page (a Jinja
syntax error with its line, an unknown variable, a missing name or subject), and so do the
warnings a saved SMS carries; the English page says the same in English."""

from __future__ import annotations

import html
import re

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_page_hand_message import seed


def _beside(page, field: str) -> str:  # type: ignore[no-untyped-def]
    found = re.search(rf'<p class="red" id="err-{field}">(.*?)</p>', page.encoded().decode())
    assert found, page.encoded().decode()[-1500:]
    return html.unescape(found.group(1))


def test_a_quick_texts_faults_read_dutch_beside_their_field(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    token = csrf_of(staff.get("/quick-texts"))
    form = {"csrf": token, "do": "save", "quick_text_id": "m1", "channel": "email",
            "name": "Mail", "subject": "Uw factuur", "language": "nl"}  # fmt: skip
    syntax = staff.post("/quick-texts/new", {**form, "text": "Hallo,\n{{ debtor.name }"})
    assert syntax.status == 422
    assert (
        _beside(syntax, "text") == "In de tekst, regel 2: fout in de opbouw: '}' hoort hier niet."
    )
    unknown = staff.post("/quick-texts/new", {**form, "text": "Hallo {{ debtor.nam }}"})
    assert _beside(unknown, "text") == (
        "In de tekst, regel 1: onbekend onderdeel 'nam' (zie de lijst met variabelen)"
    )
    nameless = staff.post("/quick-texts/new", {**form, "name": " ", "text": "Hallo"})
    assert _beside(nameless, "name") == "Geef de sneltekst een naam die medewerkers herkennen."
    no_subject = staff.post("/quick-texts/new", {**form, "subject": "", "text": "Hallo"})
    assert _beside(no_subject, "subject") == "Een e-mail heeft een onderwerp nodig."
    english = staff.post("/quick-texts/new?lang=en", {**form, "text": "Hallo,\n{{ debtor.name }"})
    assert _beside(english, "text") == "In the text, line 2: syntax error: unexpected '}'."


def test_a_saved_sms_warns_in_dutch(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    token = csrf_of(staff.get("/quick-texts"))
    changed = staff.post("/quick-texts/sms1", {"csrf": token, "do": "save", "channel": "sms",
                                               "name": "Herinnering", "text": "✓ " * 200, "language": "nl"})  # fmt: skip
    assert changed.status == 303
    shown = html.unescape(staff.get("/quick-texts/sms1").encoded().decode())
    assert "Deze sms gaat in 6 delen (elk deel wordt gerekend)." in shown
    assert "Tekens buiten het GSM-alfabet: 70 tekens per deel in plaats van 160." in shown
    assert "GSM alphabet" not in shown
