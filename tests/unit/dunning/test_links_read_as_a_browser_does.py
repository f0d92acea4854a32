"""review31: a link a browser opens is read as one, whatever script or dot it is written in,
and an invoice number that only looks like labels and dots is not.

The bare-host reader took labels of ASCII letters alone: "tikkië.me/pay" (an IDN host) or
"tіkkie.me/pay" (a Cyrillic "і") broke the label, so a dunning text, a footer, an invoice or
debtor number and a debtor's name could link there unrefused; "tikkie。me/pay" (an
ideographic full stop, a dot to a browser's address bar) too. A name's check did not drop the
invisible characters the other checks drop ("tikkie\u200b.me/pay"). "https:/tikkie.me/pay"
(one slash) and an e-mail's '<a href="//tikkie.me/pay">' (no scheme) were no links. And
"FAC.NL.2024-001" or "2024.NL.001", invoice numbers, were refused as links to fac.nl and
2024.nl."""

from __future__ import annotations

import pytest

from shared.domain.dunning.foreign_links import foreign_hosts, hosts_in
from shared.domain.shown_text import name_fault, number_fault

BROWSER_OPENS = [
    "tikkië.me/pay/x8Kd",  # an IDN host
    "t\u0456kkie.me/pay/x8Kd",  # a Cyrillic і
    "tikkie\u3002me/pay/x8Kd",  # an ideographic full stop
    "tikkie\uff61me/pay/x8Kd",  # a half-width one
    "tikkie\u200b.me/pay/x8Kd",  # a zero-width space
    "tikkie\u2024me/pay/x8Kd",  # a one-dot leader
    "betaal-hiér.nl",  # a bare IDN host with a link ending
    "https:/tikkie.me/pay/x8Kd",  # one slash: a browser reads https://
    '<a href="//tikkie.me/pay/x8Kd">hier</a>',  # no scheme: the page's own
]


@pytest.mark.parametrize("written", BROWSER_OPENS)
def test_a_link_in_any_script_or_dot_is_a_link(written: str) -> None:
    text = f"Betaal via {written} vandaag."
    assert foreign_hosts([text], ["bakkerij.nl"]) != [], written
    assert number_fault(written) is not None, written
    if "/" in written:  # a name is refused a link written out as one (with its path)
        assert name_fault(f"Jansen {written}") is not None, written


@pytest.mark.parametrize(
    "number", ["FAC.NL.2024-001", "2024.NL.001", "INV.com.001", "F.BE.12", "2024.001"]
)
def test_an_invoice_number_of_labels_and_dots_is_no_link(number: str) -> None:
    assert number_fault(number) is None, number
    assert hosts_in([f"Factuur {number} staat open."]) == []


def test_slashes_without_a_host_are_no_link() -> None:
    assert hosts_in(["// zie hieronder; https: volgt; a/b.nl is een pad"]) == []


def test_dutch_words_with_accents_stay_words() -> None:
    words = (
        "Geachte heer Müller, de financiële afspraak is beëindigd. Zie bijlage.De factuur "
        "van café De Zwaan (geïnd op 1.3.2025) staat open; één.twee is geen adres."
    )
    assert hosts_in([words]) == []
    assert name_fault("Café Ökonom.ie B.V.") is None  # a name, not a link written out
