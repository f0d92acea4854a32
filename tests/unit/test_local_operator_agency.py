"""Locally the demo agency is the operator agency, so the README's `PUT /api/v1/statutory-rates`
and `GET /api/v1/platform/actions` work with the demo agency's key after `make run`; in Azure
nobody is, until the operator names their agency."""

from __future__ import annotations

import re
from pathlib import Path

from shared.cli.app_settings import local_settings
from shared.settings import Settings
from tools.demo import AGENCY_ID

ROOT = Path(__file__).resolve().parents[2]


def test_the_sample_settings_make_the_demo_agency_the_operator():
    assert Settings.from_env(local_settings(ROOT)).operator_agency == AGENCY_ID


def test_a_local_environment_without_the_setting_does_too():
    local = {"AzureWebJobsStorage": "UseDevelopmentStorage=true"}
    assert Settings.from_env(local).operator_agency == AGENCY_ID


def test_azure_names_no_operator_by_default():
    production = {
        "AzureWebJobsStorage__accountName": "acct",
        "INNING_ENVIRONMENT": "production",
        "INNING_API_KEY_PEPPER": "p" * 40,
        "INNING_PORTAL_KEYS": "k1:" + "s" * 40,
    }
    assert Settings.from_env(production).operator_agency == ""
    # in Azure it is a parameter of the deployment (ops6 #1), empty until the operator names it
    bicep = (ROOT / "infra/app/api.bicep").read_text()
    assert re.search(r"name: 'INNING_OPERATOR_AGENCY', value: operatorAgency ", bicep)
