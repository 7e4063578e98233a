"""Arena: put AI systems head to head."""

__version__ = "0.1.0"
