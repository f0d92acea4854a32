"""The local stand-in for Key Vault: secrets in the ``LocalSecrets`` table of Azurite.
Refused outside the local environment (shared/bootstrap.py), where Key Vault is the only
home of secrets."""

from __future__ import annotations

from shared.adapters.tables.keys import encode
from shared.ports.tables import PreconditionFailed, Row, TableStore

LOCAL_SECRETS = "LocalSecrets"


class TableSecretStore:
    def __init__(self, store: TableStore) -> None:
        self.store = store
        store.ensure_tables((LOCAL_SECRETS,))

    def get(self, name: str) -> str | None:
        row = self.store.get(LOCAL_SECRETS, "secret", encode(name))
        return str(row.data["Value"]) if row else None

    def set(self, name: str, value: str) -> None:
        self.store.upsert(LOCAL_SECRETS, Row("secret", encode(name), {"Value": value}))

    def delete(self, name: str) -> None:
        """Gone already: nothing (as Key Vault's adapter: a retried deletion must pass)."""
        try:
            self.store.delete(LOCAL_SECRETS, "secret", encode(name))
        except PreconditionFailed:
            return
