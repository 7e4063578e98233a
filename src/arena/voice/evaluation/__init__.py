"""Automated evaluation of battles after the vote: goal tracking, judges, background jobs."""
