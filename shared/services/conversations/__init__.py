"""Conversations with debtors: messages by hand, quick texts, WhatsApp's rules."""
