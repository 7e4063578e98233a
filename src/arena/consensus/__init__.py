"""Consensus arena: models solve a task in rounds of work, critique and a verdict."""
