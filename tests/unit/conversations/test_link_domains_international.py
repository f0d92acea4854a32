"""A client's internationalised link domain can be registered in its Unicode form
("bücher.example") as well as its ``xn--`` form, both stored and compared as one (the ASCII form,
IDNA 2008 with the UTS #46 mapping as browsers read an address); a label that mixes scripts a
browser would not show together ("pаypal.com" with a Cyrillic "а") is refused (leftover32)."""

from __future__ import annotations

import pytest

from shared.domain.dunning.foreign_links import domain_refused, foreign_hosts, normalise_domain
from tests.unit.conversations.test_by_hand import BASE, env  # noqa: F401 - the fixture

ACE = "xn--bcher-kva.example"


@pytest.mark.parametrize("written", ["bücher.example", "Bücher.Example", "www.bücher.example", ACE])
def test_the_unicode_and_the_ascii_form_are_one_domain(written: str) -> None:
    assert domain_refused(written) is None
    assert normalise_domain(written) == ACE
    for link in ("https://bücher.example/x", "BÜCHER.example/x", f"https://{ACE}/x"):
        assert foreign_hosts([f"Zie {link}"], [written]) == [], (written, link)
    assert foreign_hosts(["Zie https://bucher.example/x"], [written]) == ["bucher.example"]


@pytest.mark.parametrize(
    "written", ["пример.рф", "xn--e1afmkfd.xn--p1ai", "日本語jp.example", "straße.de"]
)
def test_names_in_one_script_are_registered(written: str) -> None:
    assert domain_refused(written) is None


@pytest.mark.parametrize("written", ["pаypal.com", "tіkkie.me", "xn--pypal-4ve.com", "bаkkerij.nl"])
def test_a_label_mixing_scripts_is_refused(written: str) -> None:
    assert domain_refused(written) == "mixes scripts (a look-alike of another domain name)"


def test_the_api_registers_the_unicode_form_and_refuses_a_look_alike(env):  # noqa: F811
    _, api, _ = env
    put = api.call("PUT", f"{BASE}/link-domains", {"domains": ["Bücher.example", ACE]})
    assert put.status == 200 and put.body == {"domains": [ACE]}, put.body
    bad = api.call("PUT", f"{BASE}/link-domains", {"domains": ["bаkkerij.nl"]})
    assert bad.status == 422 and bad.body["error"]["details"][0]["code"] == "link_domain_invalid"
    path = f"{BASE}/debtors/D1/messages"
    said = {"channel": "sms", "body": "Voorwaarden: https://bücher.example/voorwaarden"}
    assert api.call("POST", path, said).status == 202
