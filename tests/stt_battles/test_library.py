"""Syncing the clip library into the database: rows match the files, re-runs are idempotent."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from arena.providers.registry import Registry
from arena.voice.clips.augment import Augmentation
from arena.voice.clips.catalog import ClipSpec
from arena.voice.clips.library import sync_clip_library
from arena.voice.db.clips import Clip
from arena.voice.state import ArenaState

VOICES = ("espeak-ng/en-us",)
SPECS = [  # ids distinct from the fixture's library
    ClipSpec("lib-clean-one", "stt", "clean", "Good morning to you.", VOICES),
    ClipSpec(
        "lib-noisy-one",
        "stt",
        "noisy",
        "Good night.",
        VOICES,
        Augmentation(noise="pink", snr_db=5.0),
    ),
    ClipSpec("lib-question-one", "s2s", "question", "What time is it?", VOICES),
    ClipSpec("lib-unspeakable", "stt", "clean", "Nobody can say this.", ("piper/missing",)),
]


async def test_sync_writes_rows_for_rendered_clips(
    arena_state: ArenaState, espeak_registry: Registry, tmp_path: Path
) -> None:
    sessions = arena_state.sessions
    async with sessions() as session:
        rows = await sync_clip_library(session, espeak_registry, tmp_path, SPECS)
    assert [r.id for r in rows] == ["lib-clean-one", "lib-noisy-one", "lib-question-one"]
    async with sessions() as session:
        noisy = await session.get(Clip, "lib-noisy-one")
        assert noisy is not None
        assert noisy.kind == "stt"
        assert noisy.text == "Good night."
        assert noisy.voice == "espeak-ng/en-us"
        assert noisy.augmentation == {"noise": "pink", "snr_db": 5.0}
        assert (tmp_path / noisy.audio_path).is_file()
        assert noisy.duration_s > 0.3


async def test_sync_is_idempotent_and_follows_text_changes(
    arena_state: ArenaState, espeak_registry: Registry, tmp_path: Path
) -> None:
    sessions = arena_state.sessions
    async with sessions() as session:
        await sync_clip_library(session, espeak_registry, tmp_path, SPECS)
        await sync_clip_library(session, espeak_registry, tmp_path, SPECS)
        # The fixture's three clips and these three.
        assert await session.scalar(select(func.count()).select_from(Clip)) == 6
    changed = [ClipSpec("lib-clean-one", "stt", "clean", "Good evening to you.", VOICES)]
    async with sessions() as session:
        await sync_clip_library(session, espeak_registry, tmp_path, changed)
    async with sessions() as session:
        clip = await session.get(Clip, "lib-clean-one")
        assert clip is not None
        assert clip.text == "Good evening to you."
    assert len(list((tmp_path / "clips").glob("*.wav"))) == 4
