"""Errors a use case raises for its caller to translate (HTTP status, CLI exit code)."""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    pass


class NotFound(ServiceError):
    """Does not exist, or exists for somebody else: callers cannot tell the difference."""


class Forbidden(ServiceError):
    pass


class Invalid(ServiceError):
    """Refused input. ``message`` is English for the API and the logs; ``code`` (with the
    values its sentence needs in ``params``) lets a page say it in the reader's language
    (shared/api/console/refusal_text.py REFUSALS, checked complete against the codes raised)."""

    def __init__(
        self,
        message: str,
        field: str | None = None,
        *,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.params = dict(params or {})
        if code is None:  # a domain check's Reason brings its own (shared/domain/reasons.py)
            self.code = getattr(message, "code", None)
            self.params = dict(getattr(message, "params", {}))


class NotPermitted(Invalid):
    """Refused for the caller's role on this one resource, though its route is open to it (the
    API's 403 with the code in ``details``): a filing item of a ruling, resolved by a key
    without the admin flag (attack15 P1)."""


class Taken(Invalid):
    """Refused as what the input names is another's (an account another client or agency
    holds, iban28): the API's 409 with the code; a page says it as any refusal."""


class ConflictingUpdate(ServiceError):
    """Someone else changed the record meanwhile; the request may be retried. ``code`` and
    ``params`` as for :class:`Invalid`."""

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.params = dict(params or {})
