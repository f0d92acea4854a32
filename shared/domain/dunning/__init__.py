"""Dunning: workflows per debtor segment, their steps, and the message templates."""
