"""Debtors' replies by e-mail: reading the text of a message, recognising automatic answers
and non-delivery reports, and deciding which debtors a message concerns."""
