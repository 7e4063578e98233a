"""The voice arena as an ASGI app: `create_app(settings)` wires state, routers and pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from arena.config import Settings
from arena.providers.registry import Registry
from arena.voice.api import battles, leaderboard, systems
from arena.voice.battles.modes import Modes
from arena.voice.errors import ArenaError
from arena.voice.state import ArenaState
from arena.voice.web import STATIC_DIR, pages


def create_app(
    settings: Settings | None = None,
    registry: Registry | None = None,
    *,
    modes: Modes | None = None,
    prepare: bool = True,
) -> FastAPI:
    """The app. With `prepare`, start-up migrates to every head, seeds and fails interrupted
    battles; otherwise it only mirrors the registry's systems (what each `arena serve` worker
    does after the parent prepared).
    """
    state = ArenaState.build(settings or Settings(), registry, modes)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await state.prepare(migrate=prepare, seed=prepare, recover=prepare)
        try:
            yield
        finally:
            await state.close()

    app = FastAPI(title="Arena — voice", lifespan=lifespan)
    app.state.arena = state
    app.add_exception_handler(ArenaError, _arena_error)
    for router in (battles.router, leaderboard.router, systems.router, pages.router):
        app.include_router(router)
    for mode in state.modes:
        extra = mode.router()
        if extra is not None:
            app.include_router(extra)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def worker_app() -> FastAPI:
    """Factory for `arena serve` workers: the parent process already migrated and seeded."""
    return create_app(prepare=False)


async def _arena_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ArenaError)
    return JSONResponse(exc.payload(), status_code=exc.status_code)
