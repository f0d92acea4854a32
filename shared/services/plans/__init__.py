"""Payment plans: building them, running them every day, and telling the debtor."""
