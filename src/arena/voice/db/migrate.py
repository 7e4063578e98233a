"""Apply Alembic migrations to every head (each battle mode adds its own branch)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at our migrations; `connection` is handed to env.py."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "heads") -> None:
    """Migrate the database behind `engine` to `revision` (default: all heads)."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, revision)


def _upgrade(connection: Connection, revision: str) -> None:
    command.upgrade(alembic_config(connection), revision)


def script_heads() -> set[str]:
    """Every head revision the shipped migrations define (one per mode branch)."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


async def current_heads(engine: AsyncEngine) -> set[str]:
    """Revisions the database is at."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


def _current(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())
