"""Settlement to clients (afdracht): agreements, the settlement run, approval."""
