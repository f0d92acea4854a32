"""People: staff accounts of agencies and clients, their roles, factors and sessions."""
