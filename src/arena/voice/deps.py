"""FastAPI dependencies, as `Annotated` aliases so route signatures read as sentences."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from arena.config import Settings
from arena.providers.registry import Registry
from arena.voice.battles.modes import BattleContext, BattleMode, Modes
from arena.voice.leaderboard import LiveBoards
from arena.voice.state import ArenaState

VOTER_COOKIE = "arena_voter"
M = TypeVar("M", bound=BattleMode)


def get_state(request: Request) -> ArenaState:
    state: ArenaState = request.app.state.arena
    return state


StateDep = Annotated[ArenaState, Depends(get_state)]


async def get_session(state: StateDep) -> AsyncIterator[AsyncSession]:
    async with state.sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


def get_settings(state: StateDep) -> Settings:
    return state.settings


def get_registry(state: StateDep) -> Registry:
    return state.registry


def get_modes(state: StateDep) -> Modes:
    return state.modes


def get_boards(state: StateDep) -> LiveBoards:
    return state.boards


SettingsDep = Annotated[Settings, Depends(get_settings)]
RegistryDep = Annotated[Registry, Depends(get_registry)]
ModesDep = Annotated[Modes, Depends(get_modes)]
BoardsDep = Annotated[LiveBoards, Depends(get_boards)]


def mode_dependency(name: str, kind: type[M]) -> Callable[[Modes], M]:
    """A dependency giving the live mode `name` as its own class, for that mode's routes."""

    def get_mode(modes: ModesDep) -> M:
        mode = modes.get(name)
        assert isinstance(mode, kind)
        return mode

    return get_mode


def get_context(state: StateDep, session: SessionDep) -> BattleContext:
    return BattleContext(session=session, settings=state.settings, registry=state.registry)


ContextDep = Annotated[BattleContext, Depends(get_context)]


def get_voter_session(request: Request) -> str | None:
    return request.cookies.get(VOTER_COOKIE)


VoterSessionDep = Annotated[str | None, Depends(get_voter_session)]
