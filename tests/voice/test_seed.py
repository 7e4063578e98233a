"""The shipped prompts: enough, varied, and seeded idempotently on both databases."""

from __future__ import annotations

from sqlalchemy import func, select

from arena.voice.db.models import Prompt
from arena.voice.seed import load_prompts, seed_prompts
from arena.voice.state import ArenaState

REQUIRED = {
    "support",
    "sales",
    "narration",
    "numbers_dates",
    "names",
    "questions",
    "long_sentences",
}


def test_prompts_are_many_varied_and_uniquely_identified() -> None:
    prompts = load_prompts()
    assert len(prompts) >= 40
    assert len({p["id"] for p in prompts}) == len(prompts)
    assert len({p["text"] for p in prompts}) == len(prompts)
    assert {p["category"] for p in prompts} >= REQUIRED
    assert all(len(p["text"]) >= 20 for p in prompts)


async def test_seeding_twice_keeps_one_row_per_prompt(arena_state: ArenaState) -> None:
    async with arena_state.sessions() as session:  # prepare() already seeded once
        assert await seed_prompts(session) == len(load_prompts())
        count = await session.scalar(select(func.count()).select_from(Prompt))
        categories = set((await session.execute(select(Prompt.category).distinct())).scalars())
    assert count == len(load_prompts())
    assert categories >= REQUIRED
