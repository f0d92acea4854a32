"""People's use cases: signing in, their own account, administering users, onboarding."""
