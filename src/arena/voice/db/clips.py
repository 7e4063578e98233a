"""Tables for STT and S2S battles: curated clips, private user recordings, and battle inputs.

Recordings are private: they are never listed, and their audio is kept only when the user
consented; without consent only the derived text (ground truth, transcripts) is stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from arena.voice.db.models import Base, new_id, utcnow


class Clip(Base):
    """A curated clip with ground truth: an STT test clip or a spoken S2S question."""

    __tablename__ = "clips"
    __table_args__ = (CheckConstraint("kind IN ('stt', 's2s')", name="kind_known"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), index=True)
    category: Mapped[str] = mapped_column(String(20), index=True)
    text: Mapped[str] = mapped_column(Text)
    voice: Mapped[str] = mapped_column(String(200))
    augmentation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    audio_path: Mapped[str] = mapped_column(Text)
    duration_s: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Recording(Base):
    """A user's own recording; `audio_path` is set only when they consented to keep it."""

    __tablename__ = "recordings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    intended_text: Mapped[str | None] = mapped_column(Text, default=None)
    audio_path: Mapped[str | None] = mapped_column(Text, default=None)
    duration_s: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BattleInput(Base):
    """What an STT or S2S battle's candidates heard, and the battle-level metrics about it.

    `ground_truth` is the clip text or the user's typed intended text (None when unknown);
    `transcript` is the S2S input as the reference recognizer heard it. `metrics_status`
    moves pending → computing → partial → complete.
    """

    __tablename__ = "battle_inputs"
    __table_args__ = (
        CheckConstraint(
            "metrics_status IN ('pending', 'computing', 'partial', 'complete')",
            name="metrics_status_known",
        ),
    )

    battle_id: Mapped[str] = mapped_column(
        ForeignKey("battles.id", ondelete="CASCADE"), primary_key=True
    )
    clip_id: Mapped[str | None] = mapped_column(ForeignKey("clips.id"), default=None)
    recording_id: Mapped[str | None] = mapped_column(
        ForeignKey("recordings.id", ondelete="SET NULL"), default=None
    )
    ground_truth: Mapped[str | None] = mapped_column(Text, default=None)
    transcript: Mapped[str | None] = mapped_column(Text, default=None)
    metrics_status: Mapped[str] = mapped_column(String(16), default="pending")
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime | None] = mapped_column(default=None)
    # Last sign of life of the metrics job; a job silent for long (a restarted server) is redone.
    metrics_heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)

    clip: Mapped[Clip | None] = relationship(lazy="selectin")
