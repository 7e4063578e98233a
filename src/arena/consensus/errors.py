"""Errors a consensus-arena user can hit; each message says what to do about it."""

from __future__ import annotations


class ArenaError(Exception):
    """A problem the user can fix; the CLI prints it as one line and exits non-zero."""


class ConfigError(ArenaError):
    """A missing key, a bad flag value or an arena that is not ready to run."""


class StateError(ArenaError):
    """The arena state file is missing, unreadable or points outside the arena."""


class ApiError(ArenaError):
    """The agent service refused a request or stayed unreachable after retries."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AuthError(ApiError):
    """The API key was rejected."""


class ArenaStopped(ArenaError):
    """The run cannot continue (for example fewer than two agents remain)."""
