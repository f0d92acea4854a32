"""A link written as a host with a port and no scheme ("tikkie.me:443/pay", "10.1.2.3:443/pay")
is a link in a debtor's name, an address line, an invoice number and a footer, as a browser
opens it (leftover32); a time, a ratio or a dotted number stays words."""

from __future__ import annotations

import pytest

from shared.domain.dunning.foreign_links import foreign_hosts
from shared.domain.shown_text import name_fault, number_fault

LINKS = [
    ("Betaal via tikkie.me:443/pay/abc", "tikkie.me"),
    ("Bakkerij tikkie.me:8443", "tikkie.me"),
    ("10.1.2.3:443/pay", "10.1.2.3"),
    ("zie 192.168.0.7:8080", "192.168.0.7"),
    ("naar 10.1.2.3/pay", "10.1.2.3"),
]
WORDS = [
    "om 10:30 uur", "verhouding 1:2", "Gebr. de Vries", "2024.001", "FAC.NL.2024-001",
    "Bol.com B.V.", "Burg.de Withstraat 12", "Kamer 10:30-11:00", "versie 1.2.3.4",
    "1.2.3.4.5/x", "10.1.2.345/x",
]  # fmt: skip


@pytest.mark.parametrize(("text", "host"), LINKS)
def test_a_host_with_a_port_is_a_link_everywhere_a_debtor_reads(text: str, host: str) -> None:
    assert name_fault(text) == f"links to {host}"
    assert number_fault(text) == f"links to {host}"
    assert foreign_hosts([f"Groet, {text}"], ("bakkerij.nl",)) == [host]


@pytest.mark.parametrize("text", WORDS)
def test_times_ratios_and_dotted_numbers_stay_words(text: str) -> None:
    assert name_fault(text) is None
    if text not in ("Bol.com B.V.", "Burg.de Withstraat 12"):  # a number or footer: any host
        assert number_fault(text) is None
        assert foreign_hosts([text], ()) == []
