"""Debtors' answers by e-mail: reading the clients' mailboxes (reader), deciding whom a
message concerns and filing it (filing), and staff linking it to debtors (linking)."""
