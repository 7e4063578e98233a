"""`arena serve`: migrate, sync systems, seed, render the clip library, then run uvicorn.

All set-up happens once in this parent process, before uvicorn spawns any worker, so
`--workers N` never renders clips or migrates N times concurrently.
"""

from __future__ import annotations

import asyncio
import copy
import time
from typing import Annotated, Any

import typer

from arena.config import Settings


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "",
    port: Annotated[int, typer.Option(help="TCP port (0 picks a free one).")] = 0,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the voice arena web UI and API (default http://127.0.0.1:8000).

    Applies database migrations (every head), mirrors the plugin systems, seeds prompts and
    renders the STT/S2S clip library first (cached; the first run takes 10–40 s), so a fresh
    ARENA_HOME works at once. Example: `arena serve --port 8080 --workers 4`.
    """
    import uvicorn

    settings = Settings()
    asyncio.run(_prepare(settings))
    uvicorn.run(
        "arena.voice.app:worker_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_config=log_config(),
    )


def log_config() -> dict[str, Any]:
    """uvicorn's logging, plus the `arena` loggers (engine failures, battle events) at INFO."""
    import uvicorn

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["arena"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


async def _prepare(settings: Settings) -> None:
    from arena.voice.clips.library import sync_clip_library
    from arena.voice.state import ArenaState

    state = ArenaState.build(settings)
    try:
        await state.prepare()
        typer.echo("Rendering the STT/S2S clip library (cached; the first run takes 10–40 s)…")
        started = time.perf_counter()
        async with state.sessions() as session:
            clips = await sync_clip_library(session, state.registry, settings.audio_dir)
        typer.echo(f"{len(clips)} clips ready in {time.perf_counter() - started:.1f} s.")
    finally:
        await state.close()
