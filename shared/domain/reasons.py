"""Why a rule refuses input, in English and as a code a page can say in its own language.

The domain's checks (an IBAN, a password, an e-mail address) answer with an English sentence
that the API, the logs and older callers use as a plain string; a :class:`Reason` is that
string, carrying the ``code`` and the values its sentence needs, so the service that raises
it as a refusal keeps both (shared/services/errors.py ``Invalid``) and a Dutch page says it
in Dutch (shared/api/console/refusal_text.py)."""

from __future__ import annotations

from collections.abc import Mapping


class Reason(str):
    """An English sentence with the code and values of its translation."""

    code: str
    params: dict[str, object]

    def __new__(
        cls, message: str, *, code: str, params: Mapping[str, object] | None = None
    ) -> Reason:
        made = super().__new__(cls, message)
        made.code = code
        made.params = dict(params or {})
        return made

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, object]]:
        # copy, deepcopy (dataclasses.asdict) and pickle make it again with its code
        return (str(self),), {"code": self.code, "params": self.params}


class CodedError(ValueError):
    """A rule's refusal with the ``code`` and ``params`` (amounts in cents, days) a page says
    it by in its reader's language (shared/api/console/refusal_text.py)."""

    def __init__(
        self, message: str, *, code: str | None = None, params: Mapping[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.params = dict(params or {})
