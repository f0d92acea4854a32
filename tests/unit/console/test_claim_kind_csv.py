"""The CSV's Dutch column ``soort_vordering`` takes the credit manager's Dutch words (law4
finding 11): the claim kind decides 2 years (7:28 BW, a consumer sale) or 5 (3:307 BW)."""

from __future__ import annotations

from shared.api import schemas
from shared.api.common import validate_rows
from shared.api.console.invoice_csv import read_rows
from shared.api.console.upload_reasons import reason
from shared.services.batch import RowError

HEADER = "factuurnummer;debiteur;factuurdatum;vervaldatum;bedrag;soort_vordering\n"


def _rows(*kinds: str) -> tuple[dict[int, object], list[RowError]]:
    body = "".join(f"F{n};D1;01-01-2025;31-01-2025;121,00;{k}\n" for n, k in enumerate(kinds))
    valid, errors = validate_rows(read_rows((HEADER + body).encode()), schemas.InvoiceIn)
    return {i: str(m.claim_kind) for i, m in valid}, errors


def test_dutch_claim_kinds_are_read():
    # on main "koop" was refused: "Input should be 'consumer_sale' or 'other'"
    kinds, errors = _rows("koop", "Consumentenkoop", "dienst", "huur", "overig", "consumer_sale")
    assert errors == []
    assert kinds == {0: "consumer_sale", 1: "consumer_sale", 2: "other", 3: "other",
                     4: "other", 5: "consumer_sale"}  # fmt: skip


def test_an_unknown_kind_is_refused_in_dutch_on_the_dutch_page():
    kinds, errors = _rows("lening")
    assert kinds == {}
    (error,) = errors
    assert error.field == "claim_kind"
    assert reason(error.message, "nl").startswith("soort vordering: koop")
    assert reason(error.message, "en") == error.message
