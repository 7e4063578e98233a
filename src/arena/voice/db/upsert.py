"""Dialect-appropriate INSERT … ON CONFLICT for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Executable
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import ColumnCollection

from arena.voice.db.models import Base

Excluded = ColumnCollection[str, Any]
SetClause = Callable[[Excluded], Mapping[str, ColumnElement[Any]]]


async def upsert(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    set_: SetClause | None = None,
) -> None:
    """Insert `rows`; on a `keys` conflict apply `set_(excluded)` or, without it, do nothing."""
    if rows:
        dialect = session.get_bind().dialect.name
        await session.execute(upsert_statement(dialect, model, rows, keys, set_))


def upsert_statement(
    dialect: str,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    set_: SetClause | None = None,
) -> Executable:
    """The INSERT … ON CONFLICT statement of `upsert`, for a connection of `dialect`."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(model).values(list(rows))
    if set_ is None:
        return stmt.on_conflict_do_nothing(index_elements=list(keys))
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=dict(set_(stmt.excluded)))
