"""Keeping the `clips` table in step with the rendered clip library (serve and seed run it)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from arena.providers.registry import Registry
from arena.voice.clips.catalog import ClipSpec, library
from arena.voice.clips.generate import ClipRenderer, RenderedClip
from arena.voice.db.clips import Clip
from arena.voice.db.models import utcnow


async def sync_clip_library(
    session: AsyncSession,
    registry: Registry,
    audio_dir: Path,
    specs: Sequence[ClipSpec] | None = None,
) -> list[Clip]:
    """Render every clip that is not cached yet and upsert its row; returns the rows.

    Idempotent: a second run finds every WAV cached and only refreshes rows that changed.
    """
    renderer = ClipRenderer(registry, audio_dir)
    rendered = await asyncio.to_thread(renderer.render_all, list(specs or library()))
    existing = {c.id: c for c in (await session.scalars(select(Clip))).all()}
    rows: list[Clip] = []
    for clip in rendered:
        row = existing.get(clip.spec.id) or Clip(id=clip.spec.id)
        if _apply(row, clip, audio_dir):
            session.add(row)
        rows.append(row)
    await session.commit()
    return rows


def _apply(row: Clip, clip: RenderedClip, audio_dir: Path) -> bool:
    """Copy the rendered clip onto its row; True when anything changed."""
    values = {
        "kind": clip.spec.kind,
        "category": clip.spec.category,
        "text": clip.spec.text,
        "voice": clip.voice,
        "augmentation": clip.spec.augmentation.as_dict(),
        "audio_path": clip.path.relative_to(audio_dir).as_posix(),
        "duration_s": round(clip.duration_s, 3),
    }
    changed = any(getattr(row, key, None) != value for key, value in values.items())
    if changed:
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
    return changed
