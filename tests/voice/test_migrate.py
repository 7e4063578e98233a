"""Migrations reach every head on SQLite and PostgreSQL and match the foundation models."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

from arena.voice.db.migrate import current_heads, script_heads, upgrade
from arena.voice.db.models import Base
from arena.voice.db.session import make_engine

FOUNDATION = {
    "systems",
    "prompts",
    "battles",
    "candidates",
    "votes",
    "pair_counts",
    "vote_totals",
    "metric_totals",
}


def _mentions_foundation(diff: Any) -> bool:
    """Whether a compare_metadata entry (a tuple, or a list of them) touches a foundation table."""
    for entry in diff if isinstance(diff, list) else [diff]:
        for item in entry[1:]:
            table = getattr(item, "table", item)  # a column/index/constraint's table, or itself
            if getattr(table, "name", table) in FOUNDATION:
                return True
    return False


def _foundation_diffs(connection: Connection) -> list[Any]:
    diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    return [d for d in diffs if _mentions_foundation(d)]


async def test_upgrade_reaches_every_head_and_matches_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        await upgrade(engine)
        await upgrade(engine)  # a second run is a no-op
        assert await current_heads(engine) == script_heads()
        async with engine.connect() as connection:
            assert await connection.run_sync(_foundation_diffs) == []
    finally:
        await engine.dispose()
