"""Imports every console page module, so each registers its pages with the shell.

One line per module; append yours."""

from __future__ import annotations

from shared.api.console.shell import PAGES

__all__ = ["PAGES"]
from shared.api.console import page_debtors as _page_debtors  # noqa: F401
from shared.api.console import page_invoices as _page_invoices  # noqa: F401
from shared.api.console import page_settings as _page_settings  # noqa: F401
from shared.api.console import page_templates as _page_templates  # noqa: F401
from shared.api.console import page_workflows as _page_workflows  # noqa: F401
