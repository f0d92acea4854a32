"""Every link the portal hands out reaches the portal through the Functions host's routes, not
only through PortalApp: the SMS reminder link ``/api/p/{token}/reminder/{id}`` (four
segments) matched no route of ``p/{token}/{action?}`` and was the host's 404 (attack32)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.devhost.http_server import http_function
from tools.devhost.index import index, load_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "path",
    ["/api/p/TOKEN", "/api/p/TOKEN/pay", "/api/p/TOKEN/reminder/r-01", "/api/portal/plan"],
)
def test_every_portal_link_has_a_route(path):
    functions = [
        http_function(s, "api") for s in index(load_app(ROOT / "function_app.py"))
        if s.kind == "httpTrigger"
    ]  # fmt: skip
    # the host tries fixed routes before catch-alls, longer before shorter (tools/devhost)
    functions.sort(key=lambda f: ("{*" in f.route.template, -len(f.route.template)))
    found = next((f for f in functions if f.route.match(path) is not None), None)
    assert found is not None, path
    assert found.spec.name in ("portal_link", "portal_pages"), found.spec.name
