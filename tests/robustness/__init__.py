"""Robustness: hostile and broken vaults never crash, hang, leak or change anything."""
