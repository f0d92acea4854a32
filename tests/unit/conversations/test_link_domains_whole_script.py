"""leftover32 left: a link domain written wholly in Cyrillic letters that look like Latin ones
("аррӏе.com", one script, so no mixed-script check sees it) was registered, and a client's
texts could then link to it. Such a label (a whole-script confusable, UTS #39) is refused now
unless its top-level domain or the client's own domains are written in that script; real
international names stay registered."""

from __future__ import annotations

import pytest

from shared.adapters.tables.conversations_repo import ConversationsRepository
from shared.domain.dunning.foreign_links import domain_refused, foreign_hosts
from tests.unit.conversations.test_by_hand import BASE, env  # noqa: F401 - the fixture

APPLE = "\u0430\u0440\u0440\u04cf\u0435.com"  # а р р ӏ е: every letter Cyrillic


@pytest.mark.parametrize(
    ("written", "imitated"),
    [
        (APPLE, "apple.com"),
        ("xn--80ak6aa92e.com", "apple.com"),  # the same name in its ASCII form
        ("ѕсоре.nl", "scope.nl"),
        ("pay.сосо.com", "pay.coco.com"),
        ("οροβ.com", "opob.com"),  # Greek
        ("օս.com", "ou.com"),  # Armenian
    ],
)
def test_a_label_wholly_in_latin_alike_letters_is_refused(written: str, imitated: str) -> None:
    assert domain_refused(written) == (
        "is written in another script's letters that look like Latin ones "
        f"(a look-alike of {imitated})"
    )


@pytest.mark.parametrize(
    "written",
    ["bücher.de", "例え.jp", "日本語jp.example", "пример.рф", "яндекс.com", "straße.de",
     "сосо.рф", APPLE.replace(".com", ".ru"), "bakkerij.nl"],
)  # fmt: skip
def test_real_names_and_names_under_their_scripts_domain_are_registered(written: str) -> None:
    assert domain_refused(written) is None


def test_a_client_writing_in_that_script_may_register_one() -> None:
    assert domain_refused(APPLE, own=["пример.com"]) is None
    assert domain_refused(APPLE, own=["bücher.de", "сосо.com"]) is not None  # look-alikes both


def test_the_api_refuses_it_and_the_text_may_not_link_to_it(env):  # noqa: F811
    _, api, _ = env
    bad = api.call("PUT", f"{BASE}/link-domains", {"domains": [APPLE]})
    assert bad.status == 422, bad.body
    assert bad.body["error"]["details"][0]["code"] == "link_domain_invalid"
    path = f"{BASE}/debtors/D1/messages"
    said = {"channel": "sms", "body": f"Betaal via https://{APPLE}/pay"}
    assert api.call("POST", path, said).status == 422
    # beside a domain the client writes in Cyrillic it is the client's own
    put = api.call("PUT", f"{BASE}/link-domains", {"domains": ["пример.com", APPLE]})
    assert put.status == 200, put.body
    assert api.call("POST", path, said).status == 202


def test_a_look_alike_registered_before_is_still_foreign_in_a_text() -> None:
    text = [f"Betaal via https://{APPLE}/pay of https://pay.{APPLE}/x"]
    assert foreign_hosts(text, [APPLE]) == [APPLE, f"pay.{APPLE}"]
    assert foreign_hosts(text, [APPLE, "пример.com"]) == []
    assert foreign_hosts(["Zie https://bücher.de/x"], ["bücher.de"]) == []


def test_the_send_check_refuses_a_look_alike_stored_before(env):  # noqa: F811
    world, api, client_id = env
    ConversationsRepository(world.services.repos.store).save_link_domains(
        client_id, ("xn--80ak6aa92e.com",)
    )  # stored before its registration was refused
    said = {"channel": "sms", "body": f"Betaal via https://{APPLE}/pay"}
    assert api.call("POST", f"{BASE}/debtors/D1/messages", said).status == 422
