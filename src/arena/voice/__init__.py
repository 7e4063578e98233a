"""The voice arena service: blind battles between voice AI systems, decided by votes."""
