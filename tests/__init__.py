"""Arena test suite."""
