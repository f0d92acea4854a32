"""The console's pages: signing in and the person's own account (the rest is issue #16)."""
