"""SecretStore on Azure Key Vault (azure-keyvault-secrets), with the app's managed identity
(Key Vault Secrets Officer on this vault only, infra/app/rbac.bicep).

The vault has soft delete and purge protection: a deleted secret's name stays taken until the
retention ends, so setting it again first recovers the deleted secret (409 "deleted but
recoverable") and then writes the new value as its next version."""

from __future__ import annotations

import time
from typing import Any

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError


class KeyVaultSecretStore:
    def __init__(self, client: Any) -> None:
        self.client = client  # azure.keyvault.secrets.SecretClient

    @classmethod
    def for_vault(cls, vault_url: str, credential: Any, **kwargs: Any) -> KeyVaultSecretStore:
        from azure.keyvault.secrets import SecretClient

        return cls(SecretClient(vault_url, credential, **kwargs))

    def get(self, name: str) -> str | None:
        try:
            secret = self.client.get_secret(name)
        except ResourceNotFoundError:
            return None
        value = secret.value
        return str(value) if value is not None else None

    def set(self, name: str, value: str) -> None:
        try:
            self.client.set_secret(name, value, content_type="text/plain")
        except HttpResponseError as exc:
            if exc.status_code != 409:
                raise
            self.client.begin_recover_deleted_secret(name).wait()
            for _ in range(10):  # recovery is eventually consistent
                try:
                    self.client.set_secret(name, value, content_type="text/plain")
                    return
                except HttpResponseError as again:
                    if again.status_code != 409:
                        raise
                    time.sleep(1)
            raise

    def delete(self, name: str) -> None:
        try:
            self.client.begin_delete_secret(name)
        except ResourceNotFoundError:
            return
