"""Drop a bank statement file into the local `statements` container, as the bank's delivery
(SFTP-to-blob, a bank connector) does in Azure: ``python -m tools.drop_statement AGENCY FILE``.

The README says to drop a file under ``statements/<agency id>/`` and a newcomer on
``make run`` has neither the Azure CLI nor Storage Explorer (newcomer28 F1). The blob is
named ``<agency>/<file name>``, the bank's path: unlike ``POST /v1/statements`` (under
``<agency>/api/``) such a file is the bank's word and may prove a pending IBAN claim
(shared/services/statement_sources.py). That is why it writes only to a local emulator: in
Azure the bank's delivery, not a person's shell, puts files there."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from shared import bootstrap
from shared.azure_names import names_azure
from shared.cli.app_settings import app_environment, cli_settings
from shared.services.statements import INBOX


def blob_name(agency: str, path: Path) -> str:
    # the characters POST /v1/statements keeps in a name; no folder, so never api/ or console/
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", path.name)[:100].lstrip(".") or "statement"
    return f"{agency}/{safe}"


def drop(agency: str, file: str) -> str:
    """The blob's name in the container; ValueError with what to do when refused."""
    settings = cli_settings()  # the settings `inning` reads: the environment, then local ones
    # INNING_ENVIRONMENT=local alone is not enough: it is also how a shell names an emulator on
    # another host, and a real account under it got the tables and the bank's file (attack29 F1)
    if settings.environment != "local" or names_azure(app_environment()):
        raise ValueError(
            "only into the local emulator (make run's Azurite): in Azure the bank's delivery "
            "drops statement files, or upload with POST /api/v1/statements"
        )
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {file}: {exc.strerror}") from None
    services = bootstrap.build_services(settings)
    if services.repos.agencies.get(agency) is None:
        raise ValueError(f"no agency {agency!r}: give the id `inning agency create` was given")
    name = blob_name(agency, path)
    services.files.put(INBOX, name, data)
    return name


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0].startswith("-"):
        print("usage: python -m tools.drop_statement AGENCY FILE", file=sys.stderr)
        return 2
    try:
        name = drop(argv[0], argv[1])
    except ValueError as exc:
        print(f"drop_statement: error: {exc}", file=sys.stderr)
        return 2
    print(f"{INBOX}/{name}: the blob trigger books it in a few seconds (GET …/payments, …/actions)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
