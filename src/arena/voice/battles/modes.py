"""The battle-mode registry: each mode module exposes `MODE`, and the generic machinery asks it.

A mode decides how a battle is generated, which winners and sub-votes a vote may name, when a
battle is votable, and what its public and revealed views add. Voting, pair counts, audio URLs
and the leaderboard are generic.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession

from arena.config import Settings
from arena.providers.registry import Registry
from arena.voice.db.models import Battle, Candidate
from arena.voice.errors import ModeNotAvailableError, UnknownModeError
from arena.voice.schemas import BattleGenerate, ModePublic

# Every mode the arena plans, in tab order, with its title; a mode is live once its module exists.
PLANNED_MODES: dict[str, str] = {
    "tts": "Text to speech",
    "stt": "Speech to text",
    "s2s": "Speech to speech",
    "agent": "Voice agents",
}


@dataclass
class BattleContext:
    """What a mode needs to do its work inside one request."""

    session: AsyncSession
    settings: Settings
    registry: Registry


class BattleMode(ABC):
    """One battle mode. Subclass, set the class attributes, and expose an instance as `MODE`."""

    name: ClassVar[str]
    title: ClassVar[str]
    # Jinja template rendered inside the battle page's tab for this mode.
    template: ClassVar[str]
    # Sub-vote key → question shown to the voter; keys become leaderboard dimensions.
    sub_votes: ClassVar[Mapping[str, str]] = {}
    # Winners a vote may name besides a candidate label.
    outcomes: ClassVar[tuple[str, ...]] = ("tie", "all_bad")
    # Keys of `Candidate.metrics` averaged per system on the leaderboard.
    metrics: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    async def generate(self, ctx: BattleContext, request: BattleGenerate) -> Battle:
        """Create (and commit) a battle of this mode; raise an `ArenaError` on user errors."""

    def router(self) -> APIRouter | None:
        """Extra routes this mode needs (WebSockets, uploads); mounted at the app root."""
        return None

    def contenders(self, battle: Battle) -> list[Candidate]:
        """Candidates the voter judges: those that produced their output."""
        return [c for c in battle.candidates if c.status == "ready"]

    def allowed_winners(self, battle: Battle) -> list[str]:
        return [c.label for c in self.contenders(battle)] + list(self.outcomes)

    def sub_vote_choices(self, battle: Battle) -> list[str]:
        return [c.label for c in self.contenders(battle)] + ["tie"]

    def unvotable_reason(self, battle: Battle) -> str | None:
        """Why `battle` cannot take a vote now, or None (voted battles are handled apart)."""
        if battle.status == "failed":
            return f"it failed ({battle.error or 'no candidate output'}); start a new battle"
        if battle.status == "generating":
            return "it is not complete yet; wait until every candidate is ready"
        return None

    async def details(self, ctx: BattleContext, battle: Battle, revealed: bool) -> dict[str, Any]:
        """Mode-specific data for `BattlePublic.details`; must not name a system unless revealed."""
        return {}

    def audio_url(self, battle: Battle, candidate: Candidate) -> str | None:
        if candidate.audio_path is None:
            return None
        return f"/api/v1/battles/{battle.id}/audio/{candidate.label}"


class Modes:
    """The live battle modes of this process, by name."""

    def __init__(self, modes: Iterable[BattleMode]) -> None:
        self._modes = {mode.name: mode for mode in modes}

    @classmethod
    def load(cls) -> Modes:
        """Import `arena.voice.battles.<mode>` for every planned mode that ships a module."""
        found: list[BattleMode] = []
        for name in PLANNED_MODES:
            module_name = f"arena.voice.battles.{name}"
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name == module_name:
                    continue
                raise
            found.append(module.MODE)
        return cls(found)

    def __iter__(self) -> Iterator[BattleMode]:
        return iter(self._modes.values())

    def __contains__(self, name: object) -> bool:
        return name in self._modes

    def get(self, name: str) -> BattleMode:
        if name in self._modes:
            return self._modes[name]
        if name in PLANNED_MODES:
            raise ModeNotAvailableError(name, list(self._modes))
        raise UnknownModeError(name, list(self._modes))

    def tabs(self) -> list[ModePublic]:
        """Every planned mode (plus any extra live one), marked live or coming."""
        names = list(PLANNED_MODES) + [n for n in self._modes if n not in PLANNED_MODES]
        return [
            ModePublic(
                name=n,
                title=self._modes[n].title if n in self._modes else PLANNED_MODES[n],
                live=n in self._modes,
            )
            for n in names
        ]
