"""`arena db`: database maintenance."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from arena.config import Settings

db_app = typer.Typer(name="db", help="Database maintenance.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_command(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "heads",
) -> None:
    """Apply Alembic migrations to ARENA_DATABASE_URL (default: every head).

    Example: `ARENA_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1/arena arena db upgrade`.
    """
    settings = Settings()
    heads = asyncio.run(_upgrade(settings.resolved_database_url, revision))
    typer.echo(f"Database at {', '.join(sorted(heads))}")


async def _upgrade(url: str, revision: str) -> set[str]:
    from arena.voice.db.migrate import current_heads, upgrade
    from arena.voice.db.session import make_engine

    engine = make_engine(url)
    try:
        await upgrade(engine, revision)
        return await current_heads(engine)
    finally:
        await engine.dispose()
