"""The debtor portal's pure parts: signed access tokens and the form protection."""
