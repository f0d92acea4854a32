"""The people use cases built together (one object on the container)."""

from __future__ import annotations

from functools import cached_property

from shared.adapters.tables.messaging_repo import CounterRepository
from shared.adapters.tables.people_repo import PeopleRepositories
from shared.clock import Clock
from shared.services.imports import ImportService
from shared.services.messaging import MessagingService
from shared.services.people.accounts import AccountService
from shared.services.people.admin import AdminService
from shared.services.people.kit import Kit
from shared.services.people.onboarding import OnboardingService
from shared.services.people.signin import SignInService
from shared.services.repositories import Repositories


class People:
    def __init__(
        self,
        repos: Repositories,
        counters: CounterRepository,
        messaging: MessagingService,
        imports: ImportService,
        clock: Clock,
        pepper: bytes,
        base_url: str,
        signup_agency: str,
    ) -> None:
        self.kit = Kit(
            repos,
            PeopleRepositories.over(repos.store, pepper),
            counters,
            messaging,
            clock,
            pepper,
            base_url,
        )
        self._imports = imports
        self._signup_agency = signup_agency

    @cached_property
    def signin(self) -> SignInService:
        return SignInService(self.kit)

    @cached_property
    def accounts(self) -> AccountService:
        return AccountService(self.kit, self.signin)

    @cached_property
    def admin(self) -> AdminService:
        return AdminService(self.kit, self.accounts)

    @cached_property
    def onboarding(self) -> OnboardingService:
        return OnboardingService(
            self.kit, self.admin, self.accounts, self._imports, self._signup_agency
        )
