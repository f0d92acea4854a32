"""Bank statements: MT940 and CAMT.053 parsed into one model, and matched to invoices."""
