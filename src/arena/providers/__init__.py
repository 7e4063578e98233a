"""Provider plugins: every system in the arena comes from one, built-in or third-party."""
