"""Settlement to the client (afdracht): the agreement, the statement's arithmetic and the
SEPA credit transfer file. Pure rules: no storage, no clock."""
