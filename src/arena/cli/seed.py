"""`arena seed`: load the shipped prompts and mirror the plugin systems (idempotent)."""

from __future__ import annotations

import asyncio

import typer

from arena.config import Settings


def seed() -> None:
    """Migrate, then insert the TTS prompts, registered systems and the STT/S2S clip library
    (rendered with the offline TTS voices, cached under ARENA_HOME/audio/clips); safe to re-run.
    """
    prompts, systems, clips = asyncio.run(_seed(Settings()))
    typer.echo(f"Seeded {prompts} prompts, {systems} systems and {clips} clips.")


async def _seed(settings: Settings) -> tuple[int, int, int]:
    from arena.voice.clips.library import sync_clip_library
    from arena.voice.seed import seed_prompts
    from arena.voice.state import ArenaState
    from arena.voice.systems import sync_systems

    state = ArenaState.build(settings)
    try:
        await state.prepare(seed=False)
        async with state.sessions() as session:
            prompts = await seed_prompts(session)
            systems = await sync_systems(session, state.registry)
            clips = await sync_clip_library(session, state.registry, settings.audio_dir)
            return prompts, systems, len(clips)
    finally:
        await state.close()
