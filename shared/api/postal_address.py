"""A client's postal address from the console's form, checked by the API's own rules
(:class:`shared.api.schemas.AddressIn`): one rule for both doors. Before (attack17b F1) the
console had its own, weaker check and stored "12345" as a Dutch postcode or a right-to-left
override in the street, which the API then refused to read back (500 for the agency's list)."""

from __future__ import annotations

from pydantic import ValidationError

from shared.api.schemas import AddressIn
from shared.domain.parties import Address
from shared.services.errors import Invalid

_LIMITS = {"street": 200, "postal_code": 20, "city": 100}


def postal_address(street: str, postal_code: str, city: str, country: str) -> Address | None:
    """None when street, postcode and town are all blank (letters then carry no return
    address); else the address as the API would store it (a Dutch postcode as ``1234 AB``,
    the country an ISO code, blank: NL), or :class:`Invalid` with the rule's code."""
    street, postal_code, city = street.strip(), postal_code.strip(), city.strip()
    if not (street or postal_code or city):
        return None
    try:
        checked = AddressIn(
            street=street, postal_code=postal_code, city=city, country=country.strip() or "NL"
        )
    except ValidationError as exc:
        raise _refusal(exc, country) from None
    return Address(checked.street, checked.postal_code, checked.city, checked.country)


def _refusal(exc: ValidationError, country: str) -> Invalid:
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else ""  # none: the model's own check
    if field == "country":
        return Invalid(
            f"not a country: {country!r}; expected an ISO code such as NL, BE, DE",
            "country",
            code="postal_address_country",
            params={"country": country.strip()[:10]},
        )
    if field not in _LIMITS:  # a Dutch postcode
        return Invalid(
            "a Dutch postal code looks like 1234 AB", "postal_code", code="postal_address_postcode"
        )
    if error["type"] == "value_error":  # an account or a link (attack31)
        return Invalid(
            f"the postal address's {field} names an account or a link: debtors read it in letters",
            field,
            code="postal_address_account_or_link",
        )
    if error["type"] == "string_pattern_mismatch":
        return Invalid(
            f"the postal address's {field} holds a control or direction character",
            field,
            code="postal_address_characters",
        )
    limit = _LIMITS[field]
    return Invalid(
        f"give street, postal code and city of the postal address ({field}: 1 to {limit} "
        "characters)",
        field,
        code="postal_address_line",
        params={"limit": limit},
    )
