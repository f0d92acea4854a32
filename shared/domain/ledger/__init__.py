"""The claim ledger: what a debtor owes per invoice (principal, collection costs, VAT on the
costs, interest), held as events and replayed into figures. Pure: no storage, no clock."""
