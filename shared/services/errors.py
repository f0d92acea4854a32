"""Errors a use case raises for its caller to translate (HTTP status, CLI exit code)."""

from __future__ import annotations


class ServiceError(Exception):
    pass


class NotFound(ServiceError):
    """Does not exist, or exists for somebody else: callers cannot tell the difference."""


class Forbidden(ServiceError):
    pass


class Invalid(ServiceError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ConflictingUpdate(ServiceError):
    """Someone else changed the record meanwhile; the request may be retried."""
