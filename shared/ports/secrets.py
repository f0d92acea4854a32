"""The port to where per-client credentials live: Key Vault in Azure (the only home of
secrets there), a table locally."""

from __future__ import annotations

import base64
import re
from typing import Protocol

_PLAIN = re.compile(r"[a-z0-9]{1,60}")


class SecretStore(Protocol):
    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


def client_secret_name(client_id: str, purpose: str) -> str:
    """``client-<client id>-<purpose>``, valid as a Key Vault secret name (letters, digits
    and dashes, case-insensitive): an id that is not plain lower-case letters and digits is
    written in base32, so two ids never share a secret."""
    ident = (
        client_id
        if _PLAIN.fullmatch(client_id)
        else "x" + base64.b32encode(client_id.encode()).decode().rstrip("=").lower()
    )
    return f"client-{ident}-{purpose}"[:127]
