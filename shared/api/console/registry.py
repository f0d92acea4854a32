"""Imports every console page module, so each registers its pages with the shell.

One line per module; append yours."""

from __future__ import annotations

from shared.api.console.shell import PAGES

__all__ = ["PAGES"]
import shared.api.console.page_actions
import shared.api.console.page_dossier
import shared.api.console.page_today  # noqa: F401
