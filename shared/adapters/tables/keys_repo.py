"""API keys on Table Storage (hashes only)."""

from __future__ import annotations

from shared.adapters.tables import schema
from shared.domain.access import ApiKey, Scope
from shared.ports.tables import Row, TableStore, all_rows


class ApiKeyRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    @staticmethod
    def to_row(key: ApiKey) -> Row:
        return Row(
            schema.KEY_PARTITION,
            key.key_id,
            {
                "SecretHash": key.secret_hash,
                "Scope": key.scope.value,
                "AgencyId": key.agency_id,
                "ClientId": key.client_id,
                "Label": key.label,
                "CreatedAt": key.created_at,
                "ExpiresAt": key.expires_at,
                "RevokedAt": key.revoked_at,
                "Admin": key.admin,
                "IssuedBy": key.issued_by,
            },
        )

    @staticmethod
    def from_row(row: Row) -> ApiKey:
        d = row.data
        return ApiKey(
            key_id=row.rk,
            secret_hash=d["SecretHash"],
            scope=Scope(d["Scope"]),
            agency_id=d["AgencyId"],
            client_id=d.get("ClientId"),
            label=d.get("Label", ""),
            created_at=d["CreatedAt"],
            expires_at=d.get("ExpiresAt"),
            revoked_at=d.get("RevokedAt"),
            admin=bool(d.get("Admin", False)),
            issued_by=str(d.get("IssuedBy") or ""),
        )

    def get(self, key_id: str) -> tuple[ApiKey, str | None] | None:
        row = self.store.get(schema.API_KEYS, schema.KEY_PARTITION, key_id)
        return (self.from_row(row), row.etag) if row else None

    def add(self, key: ApiKey) -> None:
        self.store.insert(schema.API_KEYS, self.to_row(key))

    def save(self, key: ApiKey, etag: str) -> None:
        row = self.to_row(key)
        row.etag = etag
        self.store.replace(schema.API_KEYS, row)

    def for_agency(self, agency_id: str) -> list[ApiKey]:
        rows = all_rows(
            self.store, schema.API_KEYS, pk=schema.KEY_PARTITION, equals={"AgencyId": agency_id}
        )
        return [self.from_row(r) for r in rows]

    def issued_by(self, user_id: str) -> list[tuple[ApiKey, str | None]]:
        """The keys a person minted with their session, with their ETags."""
        rows = all_rows(
            self.store, schema.API_KEYS, pk=schema.KEY_PARTITION, equals={"IssuedBy": user_id}
        )
        return [(self.from_row(r), r.etag) for r in rows]
