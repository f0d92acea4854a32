"""The claim ledger's use cases (see :mod:`shared.services.ledger.service`)."""
