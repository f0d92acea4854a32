"""words10: an uploaded rate table that is refused says which line and which field, and
every refusal has a code with a Dutch sentence (a page says it in its reader's language; the
API keeps the English and names the code)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared.api.console.refusal_text import refusal
from shared.domain.law.interest_rates import rate_table_csv
from shared.services.errors import Invalid
from tests.support.rate_tables import table_before_july_2026
from tests.unit.services.test_statutory_rates import rates_over, setup  # noqa: F401

# written for the shipped table that ended at 2026-01-01 (tests/support/rate_tables.py)
pytestmark = pytest.mark.usefixtures("shipped_before_july_2026")

SHIPPED_CSV = rate_table_csv(table_before_july_2026())
ROWS = len(SHIPPED_CSV.splitlines())  # the header and the shipped rows


@pytest.mark.parametrize(
    ("csv", "dutch", "english"),
    [
        ("# the rates\n\n" + SHIPPED_CSV + "2026-07-01,3.50,9,65\n",
         f"Regel {ROWS + 3} heeft meer cellen dan kolommen (een decimale komma? schrijf 9.65, met een punt).",
         f"line {ROWS + 3} has more cells than columns (a decimal comma? write 9.65)"),
        (SHIPPED_CSV + "2026-07-01,3.50,\n",
         f"Regel {ROWS + 1}: commercial (de wettelijke handelsrente) '' is geen percentage (zoals 10.15).",
         f"line {ROWS + 1}: commercial '' is not a percentage (4.00)"),
        (SHIPPED_CSV + "1-7-2026,3.50,9.65\n",
         f"Regel {ROWS + 1}: effective_from '1-7-2026' is geen datum (jjjj-mm-dd, zoals 2026-07-01).",
         f"line {ROWS + 1}: effective_from '1-7-2026' is not a date (YYYY-MM-DD)"),
        (SHIPPED_CSV + "2026-07-01,3,50\n",
         "De rentetabel kan de tabel in gebruik niet vervangen: 01-07-2026: een wettelijke "
         "handelsrente van 50.00% is niet aannemelijk.",
         "2026-07-01: commercial rate 50.00% is not plausible"),
        (SHIPPED_CSV + "2026-07-01,drie,9.65\n",
         f"Regel {ROWS + 1}: consumer (de wettelijke rente) 'drie' is geen percentage (zoals 4.00).",
         None),
        ("datum,wettelijk,handel\n",
         "De eerste regel van de rentetabel moet de kolomnamen effective_from,consumer,commercial geven.",
         "the header must be effective_from,consumer,commercial"),
        (SHIPPED_CSV.replace("2026-01-01,4.00", "2026-01-01,4.50") + "2026-07-15,35,9.65\n",
         "De rentetabel kan de tabel in gebruik niet vervangen: de regel van 01-01-2026 wijzigt een "
         "gepubliceerd tarief (4.00, 10.15); 15-07-2026: een wettelijke rente van 35.00% is niet "
         "aannemelijk; 15-07-2026: de wettelijke rente wijzigt alleen op 1 januari of 1 juli.",
         "the row of 2026-01-01 changes a published rate (4.00, 10.15); 2026-07-15: consumer rate "
         "35.00% is not plausible; 2026-07-15: rates change on 1 January or 1 July only"),
        ("\ufeffeffective_from,consumer,commercial\n2026-07-01,3.50,9.65\n".encode("utf-16"),
         "De rentetabel is geen UTF-8-tekst: sla haar op als 'CSV UTF-8'.",
         "a rate table is UTF-8 text"),
    ],
)  # fmt: skip
def test_a_refused_table_names_its_line_and_field_in_dutch(setup, csv, dutch, english):  # noqa: F811
    rates = rates_over(*setup)
    with pytest.raises(Invalid) as refused:
        rates.upload(csv if isinstance(csv, bytes) else csv.encode(), author="test")
    assert refusal(refused.value, "nl") == dutch
    if english is not None:
        assert str(refused.value) == english
    assert refusal(refused.value, "en") != dutch and refused.value.code is not None


def test_the_api_names_the_code(world):
    world.services.settings = replace(world.services.settings, operator_agency="agency-a")
    bad = world.agency_a.call("PUT", "/v1/statutory-rates", raw=b"effective_from,consumer\n")
    assert bad.status == 422
    detail = bad.body["error"]["details"][0]
    assert detail["code"] == "rate_table_header"
    assert detail["message"] == "the header must be effective_from,consumer,commercial"
