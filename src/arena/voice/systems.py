"""Mirror the plugin registry into the `systems` table, so candidates and votes reference rows."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from arena.providers.registry import Registry
from arena.voice.db.models import SystemRow
from arena.voice.db.upsert import upsert


async def sync_systems(session: AsyncSession, registry: Registry) -> int:
    """Insert or update one row per registered system; returns how many were synced."""
    now = datetime.now(UTC)
    rows = [
        {
            "id": s.id,
            "mode": s.mode,
            "display_name": s.display_name,
            "provider": s.provider,
            "engine": s.engine,
            "config": s.config,
            "updated_at": now,
        }
        for s in sorted(registry, key=lambda s: s.id)
    ]
    await upsert(
        session,
        SystemRow,
        rows,
        keys=("id",),
        set_=lambda excluded: {
            name: excluded[name]
            for name in ("mode", "display_name", "provider", "engine", "config", "updated_at")
        },
    )
    await session.commit()
    return len(rows)
