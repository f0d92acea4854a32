"""Payment references: the Dutch betalingskenmerk, the Belgian structured communication and
the ISO 11649 RF creditor reference; IBAN checks; the EPC QR payload."""
