"""SecretStore adapters: Key Vault (production) and a table stand-in (local only)."""
