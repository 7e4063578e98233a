"""Errors a voice arena user can hit, each a sentence with the fix, mapped once to HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ArenaError(Exception):
    """Base for user-facing voice arena errors; `status_code` is the HTTP mapping."""

    status_code = 400

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    def payload(self) -> dict[str, Any]:
        return {"detail": self.message, **self.extra}


class BattleNotFoundError(ArenaError):
    status_code = 404

    def __init__(self, battle_id: str) -> None:
        super().__init__(
            f"No battle with id {battle_id!r}: start one with POST /api/v1/battles/generate."
        )


class CandidateNotFoundError(ArenaError):
    status_code = 404

    def __init__(self, label: str) -> None:
        super().__init__(f"This battle has no playable candidate {label!r}.")


class InvalidChoiceError(ArenaError):
    """A vote names a label or option the battle does not allow."""

    status_code = 422

    def __init__(self, field: str, value: str, allowed: Sequence[str]) -> None:
        super().__init__(
            f"{field} {value!r} is not allowed here: choose one of {', '.join(allowed)}.",
            allowed=list(allowed),
        )


class UnknownModeError(ArenaError):
    status_code = 422

    def __init__(self, mode: str, known: Sequence[str]) -> None:
        super().__init__(
            f"Unknown battle type {mode!r}: choose one of {', '.join(known)}.", allowed=list(known)
        )


class ModeNotAvailableError(ArenaError):
    status_code = 501

    def __init__(self, mode: str, live: Sequence[str]) -> None:
        super().__init__(
            f"{mode} battles are not available in this build yet; live now: {', '.join(live)}."
        )


class AlreadyVotedError(ArenaError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__("This battle already has a vote; the first vote stands. Start a new one.")


class NotVotableError(ArenaError):
    status_code = 409

    def __init__(self, reason: str) -> None:
        super().__init__(f"This battle cannot be voted on: {reason}.")


class NotEnoughSystemsError(ArenaError):
    status_code = 503


class NoPromptsError(ArenaError):
    status_code = 503

    def __init__(self) -> None:
        super().__init__(
            "No prompts in the database: run `arena seed` (or `arena serve`, which seeds)."
        )


class GenerationFailedError(ArenaError):
    """Too few candidates produced output for the battle to be fair."""

    status_code = 502
