"""Seed data: the TTS prompts battles draw from, inserted idempotently."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from arena.voice.db.models import Prompt
from arena.voice.db.upsert import upsert

PROMPTS_FILE = Path(__file__).parent / "prompts.json"


def load_prompts() -> list[dict[str, str]]:
    """The shipped prompts: `{"id", "category", "text"}` each, ids stable across releases."""
    data: list[dict[str, str]] = json.loads(PROMPTS_FILE.read_text(encoding="utf-8"))
    return data


async def seed_prompts(session: AsyncSession) -> int:
    """Insert the shipped prompts, updating changed text; safe to run any number of times."""
    rows = load_prompts()
    await upsert(
        session,
        Prompt,
        rows,
        keys=("id",),
        set_=lambda excluded: {"category": excluded.category, "text": excluded.text},
    )
    await session.commit()
    return len(rows)
