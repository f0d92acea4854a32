"""The README's go-live fields as the API takes them (newcomer33): ``dunning_starts_on`` and
``first_steps_per_day`` said "null or empty", and a newcomer's ``""`` was a 422: null clears
them, ``""`` (and a limit of 0) is refused, in every body that carries them; only the console's
empty field means none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from shared.api.routes_people import OnboardIn
from shared.api.schemas import ClientContactIn, ClientIn

ROOT = Path(__file__).resolve().parents[2]
ONBOARD = {"number": "K1", "name": "K", "kvk_number": "12345678", "iban": "NL91ABNA0417164300",
           "first_email": "a@k.example", "first_mobile": "+31612345678"}  # fmt: skip
BODIES: list[tuple[type[BaseModel], dict[str, Any], tuple[str, ...]]] = [
    (ClientIn, {"number": "K1"}, ("dunning_starts_on", "first_steps_per_day")),
    (OnboardIn, ONBOARD, ("dunning_starts_on", "first_steps_per_day")),
    (ClientContactIn, {}, ("first_steps_per_day",)),
]


@pytest.mark.parametrize(("model", "base", "fields"), BODIES)
def test_null_clears_and_an_empty_string_is_refused(model, base, fields) -> None:
    for field in fields:
        assert getattr(model.model_validate({**base, field: None}), field) is None
        with pytest.raises(ValidationError):
            model.model_validate({**base, field: ""})
    if "first_steps_per_day" in fields:
        with pytest.raises(ValidationError):
            model.model_validate({**base, "first_steps_per_day": 0})


def test_the_readme_says_so() -> None:
    text = " ".join((ROOT / "README.md").read_text().split())
    assert "null or empty" not in text
    assert 'null, or the console\'s field left empty: live, the default; `""` is a 422' in text
    assert 'null, or the console\'s field left empty: no limit; `""` or 0 is a 422' in text
