"""Imports every console page module, so each registers its pages with the shell.

One line per module; append yours."""

from __future__ import annotations

import shared.api.console.page_actions
import shared.api.console.page_agency_actions
import shared.api.console.page_cases
import shared.api.console.page_debtors
import shared.api.console.page_dossier
import shared.api.console.page_invoices
import shared.api.console.page_jobs
import shared.api.console.page_links
import shared.api.console.page_mail
import shared.api.console.page_payments
import shared.api.console.page_plans
import shared.api.console.page_quick_texts
import shared.api.console.page_reports
import shared.api.console.page_run_preview
import shared.api.console.page_settings
import shared.api.console.page_settlement
import shared.api.console.page_statements
import shared.api.console.page_templates
import shared.api.console.page_today
import shared.api.console.page_upload
import shared.api.console.page_whatsapp_templates
import shared.api.console.page_workflows  # noqa: F401
from shared.api.console.shell import PAGES

__all__ = ["PAGES"]
