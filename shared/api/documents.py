"""Shapes the API answers with that are not one row: pages, lists, the error envelope. Built
from the row models so that the OpenAPI document names each one (``InvoiceOutPage``)."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model


class ErrorDetail(BaseModel):
    """One finding behind an error: which field (or row), what is wrong."""

    model_config = ConfigDict(extra="allow")
    field: str | None = None
    message: str


class ErrorBody(BaseModel):
    code: str = Field(description="Stable, machine-readable: not_found, unprocessable, ...")
    message: str = Field(description="For people; may change")
    field: str | None = Field(default=None, description="The field at fault, when there is one")
    details: list[ErrorDetail] | None = Field(default=None, description="Every finding")
    request_id: str = Field(description="Also in the X-Request-Id header and in our log")


@cache
def page_of(row: type[BaseModel]) -> type[BaseModel]:
    """``{"items": [row], "continuation": "..."|null}``: one page of a paged list."""
    fields: dict[str, Any] = {
        "items": (list[row], ...),  # type: ignore[valid-type]
        "continuation": (
            str | None,
            Field(description="Pass as ?continuation= for the next page; null on the last"),
        ),
    }
    return create_model(f"{row.__name__}Page", __doc__=f"A page of {row.__name__}", **fields)


@cache
def list_of(row: type[BaseModel]) -> type[BaseModel]:
    """``{"items": [row]}``: a whole list, not paged."""
    fields: dict[str, Any] = {"items": (list[row], ...)}  # type: ignore[valid-type]
    return create_model(f"{row.__name__}List", __doc__=f"All {row.__name__}", **fields)
