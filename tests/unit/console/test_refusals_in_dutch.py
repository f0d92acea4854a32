"""console7 F5: a service's refusal on a Dutch console page reads Dutch. The services refuse
in English with a code; the page says the code's sentence (console/refusal_text.py). Every
code a service raises has a Dutch and an English sentence with the same blanks."""

from __future__ import annotations

import ast
import re
import string

from shared.api.console.refusal_text import REFUSALS, refusal
from shared.domain.people.authorisation import Role
from shared.services.errors import Invalid
from tests.support.code_scan import ROOT
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_action_decisions import form_with, request, seed

# the refusals, and the domain's Reason a service raises as one (shared/domain/reasons.py);
# a refusal's own class names its code in its __init__'s call of Invalid's
REFUSERS = (
    "Invalid", "CsvRefused", "LedgerRuleError", "AlreadyAnAccount", "Reason", "__init__",
    "InvoiceRuleError", "RepaymentError", "TemplateError", "PlanStateError", "PlanConflict",
    "ConflictingUpdate", "RateTableError", "UploadTooLarge", "NotPermitted", "TermsRefused",
    "ScheduleError",
)  # fmt: skip


def _raised_codes() -> dict[str, str]:
    """Every code a refusal in shared/ carries (a literal, or each literal of a conditional),
    with the file it is raised in."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "shared").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in REFUSERS:
                continue
            for kw in node.keywords:
                if kw.arg == "code":
                    for leaf in ast.walk(kw.value):
                        if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str):
                            found[leaf.value] = str(path.relative_to(ROOT))
    return found


def _blanks(sentence: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(sentence) if name}


def test_every_refusal_code_has_dutch_and_english_with_the_same_blanks():
    raised = _raised_codes()
    assert len(raised) >= 160  # the scan finds the services' codes
    assert sorted(set(raised) - set(REFUSALS)) == []  # raised but not translated
    assert sorted(set(REFUSALS) - set(raised)) == []  # translated but never raised
    for code, (nl, en) in REFUSALS.items():
        assert nl and en and nl != en, code
        assert _blanks(nl) == _blanks(en), code


def test_a_refusal_without_a_code_is_shown_as_written():
    assert refusal(Invalid("something new"), "nl") == "something new"
    coded = Invalid("say why the plan is refused", code="refuse_plan_no_reason")
    assert refusal(coded, "nl") == "Geef aan waarom de regeling wordt geweigerd."
    assert refusal(coded, "en") == "Say why the plan is refused."


def _main_text(page) -> str:  # type: ignore[no-untyped-def]
    html = page.encoded().decode()
    found = re.search(r'<p class="notice error"[^>]*>(.*?)</p>', html, flags=re.S)
    assert found is not None, html[:400]
    return found.group(1)


def test_a_refused_decision_reads_dutch_on_the_dutch_page(world, tenants):
    seed(world)
    item = request(world, tenants.c1, "D1", ("F1",))
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")  # Dutch person
    page = staff.get(f"/actions/{item.action_id}")
    fields = {"csrf": csrf_of(page), "do": "refuse", "channel": "email",
              "subject": "Uw verzoek", "body": "Wij kunnen het niet toestaan."}  # fmt: skip
    missing = staff.post(f"/actions/{item.action_id}", fields)
    assert missing.status == 422
    assert _main_text(missing) == "Niet gelukt: Geef aan waarom het uitstel wordt geweigerd."
    # the debtor renewed the request for another day while staff read the old one
    form_with(page, "grant")
    changed = staff.post(f"/actions/{item.action_id}", {
        **fields, "do": "grant", "until_seen": "2025-03-10",
        "subject": "Uitstel", "body": "Toegekend."})  # fmt: skip
    assert changed.status == 422
    said = _main_text(changed)
    assert "uitstel tot 20-03-2025" in said and "read it again" not in said


def test_a_refused_note_reads_dutch_in_the_dossier(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1")
    refused = staff.post("/dossier/D1", {"csrf": csrf_of(page), "do": "note", "text": "  "})
    assert refused.status == 422
    assert _main_text(refused).startswith("Niet gelukt: Een notitie heeft 1 tot ")


def test_no_code_is_said_twice_by_two_word_tables():
    """A code two tables give (with other blanks) would lose one sentence silently."""
    from shared.api.console import refusal_text
    from shared.api.console.refusal_words_claims import CLAIM_REFUSALS
    from shared.api.console.refusal_words_linking import LINKING_REFUSALS
    from shared.api.console.refusal_words_rates import RATE_REFUSALS
    from shared.api.console.refusal_words_settings import SETTINGS_REFUSALS
    from shared.api.console.refusal_words_templates import TEMPLATE_REFUSALS

    tables = (CLAIM_REFUSALS, SETTINGS_REFUSALS, LINKING_REFUSALS, TEMPLATE_REFUSALS, RATE_REFUSALS)
    own = set(REFUSALS).difference(*tables)
    for i, one in enumerate(tables):
        for other in tables[i + 1 :]:
            assert set(one) & set(other) == set()
    assert len(own) + sum(len(t) for t in tables) == len(refusal_text.REFUSALS)
