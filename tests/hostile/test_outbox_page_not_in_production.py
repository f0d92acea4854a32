"""attack32b: the local outbox page (every client's mail, texts and sign-up codes, newest
first since newcomer32) answers only in the local environment: elsewhere a 404, list or
message alike, before anything is read."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import azure.functions as func

from shared import bootstrap
from tests.hostile.conftest import record
from tools.devhost.invoke import LocalContext


def test_the_outbox_page_is_a_404_outside_local(world: Any, monkeypatch: Any) -> None:
    from functions.outbox_page import outbox_page

    for environment in ("production", "test", "acceptance"):
        services = world.services
        monkeypatch.setattr(
            services, "settings", replace(services.settings, environment=environment)
        )
        monkeypatch.setattr(bootstrap, "_services", services)
        for params in ({}, {"client": "C1"}, {"client": "@signup.agency-a", "key": "x"}):
            request = func.HttpRequest(
                "GET", "http://localhost/api/outbox", body=b"", route_params=params
            )
            page = outbox_page.build().get_user_function()(request, context=LocalContext("o"))
            record("outbox page outside local", page.status_code)
            assert page.status_code == 404 and not page.get_body(), (environment, params)
