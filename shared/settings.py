"""Every setting Inning reads, in one place, read once (by :mod:`shared.bootstrap`).

Storage follows the Functions host's own convention, so that the app and its triggers use one
account: ``AzureWebJobsStorage`` as a connection string locally (Azurite), or the identity-based
``AzureWebJobsStorage__accountName`` / ``__tableServiceUri`` (+ ``__clientId`` for a
user-assigned identity) in Azure, where no keys live in settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

AZURITE_DEFAULT = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
    "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
    "QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;"
    "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"
)

LOCAL_PEPPER = "local-development-pepper-not-secret"


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    storage_connection_string: str | None
    table_service_uri: str | None
    blob_service_uri: str | None
    managed_identity_client_id: str | None
    api_key_pepper: str
    public_base_url: str
    environment: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        conn = e.get("AzureWebJobsStorage") or None
        if conn == "UseDevelopmentStorage=true":
            conn = AZURITE_DEFAULT
        table_uri = e.get("AzureWebJobsStorage__tableServiceUri") or None
        blob_uri = e.get("AzureWebJobsStorage__blobServiceUri") or None
        account = e.get("AzureWebJobsStorage__accountName")
        if table_uri is None and account:
            table_uri = f"https://{account}.table.core.windows.net"
        if blob_uri is None and account:
            blob_uri = f"https://{account}.blob.core.windows.net"
        if conn is None and table_uri is None:
            raise SettingsError(
                "no storage configured: set AzureWebJobsStorage (a connection string) or "
                "AzureWebJobsStorage__accountName"
            )
        environment = e.get("INNING_ENVIRONMENT", "local")
        pepper = e.get("INNING_API_KEY_PEPPER") or ""
        if not pepper:
            if environment != "local":
                raise SettingsError("INNING_API_KEY_PEPPER must be set outside local development")
            pepper = LOCAL_PEPPER
        return cls(
            storage_connection_string=conn,
            table_service_uri=table_uri,
            blob_service_uri=blob_uri,
            managed_identity_client_id=e.get("AzureWebJobsStorage__clientId") or None,
            api_key_pepper=pepper,
            public_base_url=e.get("INNING_PUBLIC_BASE_URL", "http://localhost:7071").rstrip("/"),
            environment=environment,
        )
