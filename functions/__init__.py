"""Trigger adapters: each blueprint parses its input, calls one service, shapes the output."""
