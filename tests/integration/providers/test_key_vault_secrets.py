"""The Key Vault secret store (azure-keyvault-secrets) against a stand-in that speaks Key
Vault's REST API: the bearer challenge (401 with WWW-Authenticate, then a token for the
vault's resource), PUT/GET/DELETE secrets, soft delete with purge protection (a deleted name
answers 409 until it is recovered) and recovery."""

from __future__ import annotations

import time
from typing import Any

import pytest
from azure.core.credentials import AccessToken

from shared.adapters.secrets.key_vault import KeyVaultSecretStore
from shared.ports.secrets import client_secret_name
from tests.support.stand_in import Received, Reply, serve
from tests.support.tls import self_signed

CHALLENGE = 'Bearer authorization="https://login.microsoftonline.com/72f988bf-0000-0000-0000-000000000000", resource="https://vault.azure.net"'


class Credential:
    def __init__(self) -> None:
        self.scopes: list[str] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.scopes += scopes
        return AccessToken("kv-token", int(time.time()) + 3600)


class FakeVault:
    def __init__(self) -> None:
        self.base = ""
        self.secrets: dict[str, list[str]] = {}  # name -> versions' values
        self.deleted: set[str] = set()

    def bundle(self, name: str) -> dict[str, Any]:
        now = int(time.time())
        version = f"v{len(self.secrets[name])}"
        return {"value": self.secrets[name][-1], "id": f"{self.base}/secrets/{name}/{version}", "contentType": "text/plain",
                "attributes": {"enabled": True, "created": now, "updated": now, "recoveryLevel": "Recoverable"}}  # fmt: skip

    def __call__(self, r: Received) -> Reply:
        assert "api-version" in r.query
        if r.headers.get("authorization") != "Bearer kv-token":
            return Reply(401, {"error": {"code": "Unauthorized", "message": "AKV10000: Request is missing a Bearer or PoP token."}},
                         headers={"WWW-Authenticate": CHALLENGE})  # fmt: skip
        parts = [p for p in r.path.split("/") if p]
        name = parts[1] if len(parts) > 1 else ""
        missing = Reply(
            404,
            {
                "error": {
                    "code": "SecretNotFound",
                    "message": f"A secret with (name/id) {name} was not found in this key vault.",
                }
            },
        )
        if parts[0] == "secrets" and r.method == "PUT":
            if name in self.deleted:
                return Reply(
                    409,
                    {
                        "error": {
                            "code": "Conflict",
                            "message": f"Secret {name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.",
                        }
                    },
                )
            self.secrets.setdefault(name, []).append(r.json()["value"])
            return Reply(body=self.bundle(name))
        if parts[0] == "secrets" and r.method == "GET":
            return (
                Reply(body=self.bundle(name))
                if name in self.secrets and name not in self.deleted
                else missing
            )
        if parts[0] == "secrets" and r.method == "DELETE":
            if name not in self.secrets or name in self.deleted:
                return missing
            self.deleted.add(name)
            return Reply(body={**self.bundle(name), "recoveryId": f"{self.base}/deletedsecrets/{name}",
                               "deletedDate": int(time.time()), "scheduledPurgeDate": int(time.time()) + 90 * 86400})  # fmt: skip
        if parts[0] == "deletedsecrets" and r.method == "GET":
            return (
                Reply(
                    body={**self.bundle(name), "recoveryId": f"{self.base}/deletedsecrets/{name}"}
                )
                if name in self.deleted
                else missing
            )
        if parts[0] == "deletedsecrets" and r.method == "POST" and parts[-1] == "recover":
            self.deleted.discard(name)
            return Reply(body=self.bundle(name))
        return Reply(400, {"error": {"code": "BadParameter", "message": r.path}})


@pytest.fixture
def vault(tmp_path):
    cert, key = self_signed(tmp_path)
    fake = FakeVault()
    with serve(fake, tls=(cert, key)) as server:
        fake.base = server.url
        credential = Credential()
        store = KeyVaultSecretStore.for_vault(server.url, credential, verify_challenge_resource=False,
                                              connection_verify=str(cert))  # fmt: skip
        yield fake, store, credential


def test_set_get_delete_and_set_again_under_purge_protection(vault) -> None:
    fake, store, credential = vault
    name = client_secret_name("c01JBAKKERIJ", "mollie-key")
    assert store.get(name) is None
    store.set(name, "live_first")
    assert store.get(name) == "live_first"
    assert credential.scopes[0] == "https://vault.azure.net/.default"  # from the challenge
    store.delete(name)
    assert store.get(name) is None
    store.set(name, "live_second")  # 409 deleted-but-recoverable: recovered, then a new version
    assert store.get(name) == "live_second"
    assert fake.secrets[name] == ["live_first", "live_second"]
    store.delete("never-set")  # nothing to delete is not an error


def test_secret_names_are_valid_key_vault_names_and_never_shared() -> None:
    import re

    names = {
        client_secret_name(c, "mollie-key") for c in ("abc", "ABC", "a/b", "a-b", "a_b", "x" + "é")
    }
    assert len(names) == 6
    assert all(re.fullmatch(r"[0-9a-zA-Z-]{1,127}", n) for n in names)
    assert client_secret_name("c01j8bakkerij", "mollie-key") == "client-c01j8bakkerij-mollie-key"
