"""The in-memory world (services, API client per agency) for every unit test package."""

from tests.unit.api.conftest import world  # noqa: F401 - makes the fixture visible here
