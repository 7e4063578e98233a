"""Everything a running voice arena holds for its lifetime, built once per process."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from arena.config import Settings
from arena.providers.registry import Registry
from arena.voice.battles.interrupted import fail_interrupted
from arena.voice.battles.modes import Modes
from arena.voice.db.migrate import upgrade
from arena.voice.db.session import make_engine, make_sessionmaker
from arena.voice.leaderboard import LiveBoards
from arena.voice.seed import seed_prompts
from arena.voice.systems import sync_systems

logger = logging.getLogger(__name__)


@dataclass
class ArenaState:
    """Settings, plugin registry, live battle modes, the database and the live leaderboards
    of one arena process."""

    settings: Settings
    registry: Registry
    modes: Modes
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    boards: LiveBoards = field(default_factory=LiveBoards)

    @classmethod
    def build(
        cls, settings: Settings, registry: Registry | None = None, modes: Modes | None = None
    ) -> ArenaState:
        engine = make_engine(settings.resolved_database_url)
        return cls(
            settings=settings,
            registry=registry if registry is not None else Registry.load(settings),
            modes=modes if modes is not None else Modes.load(),
            engine=engine,
            sessions=make_sessionmaker(engine),
        )

    async def prepare(
        self, *, migrate: bool = True, seed: bool = True, recover: bool = True
    ) -> None:
        """Migrate to every head, mirror the registry's systems, seed prompts (idempotent) and,
        with `recover`, fail battles whose generation a crash interrupted.
        """
        if migrate:
            await upgrade(self.engine)
        async with self.sessions() as session:
            await sync_systems(session, self.registry)
            if seed:
                await seed_prompts(session)
            if recover:
                failed = await fail_interrupted(session)
                if failed:
                    logger.warning("%d interrupted battles marked failed", len(failed))

    async def close(self) -> None:
        await self.engine.dispose()
