"""The voice arena's tables. Mode-specific tables live in their own modules on the same `Base`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    """Declarative base for every voice arena table (foundation and per-mode)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        datetime: DateTime(timezone=True),
    }


class SystemRow(Base):
    """A system from the plugin registry, mirrored so votes keep pointing at a stable row."""

    __tablename__ = "systems"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(100))
    engine: Mapped[str] = mapped_column(String(100), default="")
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Prompt(Base):
    """A text a TTS battle asks every candidate to speak."""

    __tablename__ = "prompts"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    category: Mapped[str] = mapped_column(String(50), index=True)
    text: Mapped[str] = mapped_column(Text)


class Battle(Base):
    """One blind comparison in one mode; `status` moves generating → ready → voted (or failed)."""

    __tablename__ = "battles"
    __table_args__ = (
        CheckConstraint(
            "status IN ('generating', 'ready', 'voted', 'failed')", name="status_known"
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    mode: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), default="generating")
    prompt_id: Mapped[str | None] = mapped_column(ForeignKey("prompts.id"), default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    voted_at: Mapped[datetime | None] = mapped_column(default=None)

    candidates: Mapped[list[Candidate]] = relationship(
        back_populates="battle", order_by="Candidate.label", lazy="selectin"
    )


class Candidate(Base):
    """One system's entry in a battle, behind a shuffled label a–d."""

    __tablename__ = "candidates"
    __table_args__ = (UniqueConstraint("battle_id", "label", name="uq_candidates_battle_label"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    battle_id: Mapped[str] = mapped_column(ForeignKey("battles.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(1))
    system_id: Mapped[str] = mapped_column(ForeignKey("systems.id"), index=True)
    # Old values of status and metrics are loaded before a change (active history), so the
    # metric totals can take back what a candidate contributed.
    status: Mapped[str] = mapped_column(String(16), default="pending", active_history=True)
    audio_path: Mapped[str | None] = mapped_column(Text, default=None)
    transcript: Mapped[str | None] = mapped_column(Text, default=None)
    duration_s: Mapped[float | None] = mapped_column(Float, default=None)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict, active_history=True)
    error: Mapped[str | None] = mapped_column(Text, default=None)

    battle: Mapped[Battle] = relationship(back_populates="candidates")


class Vote(Base):
    """The one vote a battle gets; UNIQUE(battle_id) backs up the status lock."""

    __tablename__ = "votes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    battle_id: Mapped[str] = mapped_column(
        ForeignKey("battles.id", ondelete="CASCADE"), unique=True
    )
    winner: Mapped[str] = mapped_column(String(16))
    sub_votes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    voter_session: Mapped[str | None] = mapped_column(String(100), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MetricTotal(Base):
    """Sum and count of one numeric metric over a system's ready candidates, kept current on
    every flush (`arena.voice.db.metric_totals`): leaderboard averages without a table scan."""

    __tablename__ = "metric_totals"

    system_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    metric: Mapped[str] = mapped_column(String(100), primary_key=True)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    count: Mapped[int] = mapped_column(Integer, default=0)


class VoteTotal(Base):
    """Votes cast per mode, bumped in each vote's transaction: the leaderboard's vote total
    without counting the votes table on every read."""

    __tablename__ = "vote_totals"

    mode: Mapped[str] = mapped_column(String(16), primary_key=True)
    votes: Mapped[int] = mapped_column(Integer, default=0)


class PairCount(Base):
    """Pair outcomes per mode and dimension (system_a < system_b), updated with each vote."""

    __tablename__ = "pair_counts"
    __table_args__ = (CheckConstraint("system_a < system_b", name="ordered_pair"),)

    mode: Mapped[str] = mapped_column(String(16), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(50), primary_key=True)
    system_a: Mapped[str] = mapped_column(String(200), primary_key=True)
    system_b: Mapped[str] = mapped_column(String(200), primary_key=True)
    wins_a: Mapped[int] = mapped_column(Integer, default=0)
    wins_b: Mapped[int] = mapped_column(Integer, default=0)
    ties: Mapped[int] = mapped_column(Integer, default=0)
