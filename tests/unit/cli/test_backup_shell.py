"""A shell naming the production backup account (``INNING_BACKUP_STORAGE``) but not
``INNING_ENVIRONMENT`` is refused like one naming the tables' account (backup26): counted as
local, ``inning backup`` wrote Azurite's tables into production's backups as a complete night
(the watch's newest) and ``inning restore`` would have read them back into whatever the
sample names."""

from __future__ import annotations

import pytest

from shared.azure_names import names_azure
from shared.cli.app_settings import explicit_environment
from tools.azurite import AzuritePorts

AZURITE = AzuritePorts(10000, 10001, 10002).connection_string_for("backupacct", "a2V5")


@pytest.mark.parametrize(
    "value",
    [
        "https://stinningbkabc.blob.core.windows.net/",
        "DefaultEndpointsProtocol=https;AccountName=stinningbkabc;AccountKey=a2V5",
    ],
)
def test_a_backup_account_in_azure_needs_the_environment_said(value: str) -> None:
    shell = {"INNING_BACKUP_STORAGE": value}
    assert names_azure(shell) == "INNING_BACKUP_STORAGE"
    with pytest.raises(ValueError, match="INNING_BACKUP_STORAGE names Azure storage"):
        explicit_environment(shell)
    explicit_environment({**shell, "INNING_ENVIRONMENT": "production"})


def test_a_second_azurite_account_is_local() -> None:
    assert names_azure({"INNING_BACKUP_STORAGE": AZURITE}) is None
    assert names_azure({"INNING_BACKUP_STORAGE": "http://127.0.0.1:10000/backupacct"}) is None
