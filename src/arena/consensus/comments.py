"""Operator comments: queued for the next phase start, or sent to agents immediately.

`add-comment` never touches `state.yaml` (the orchestrator may be writing it); each comment
is its own file under `comments/`. A queued comment is assigned to a phase in the same state
write that records that phase's prompts, so it is delivered exactly once even across crashes.
An immediate comment records each target before sending and checks the conversation on retry.
"""

from __future__ import annotations

import logging
import time
import uuid
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from arena.consensus.backends.base import AgentBackend
from arena.consensus.prompts import prompt_sha, wrap_comment
from arena.consensus.state import ArenaState, atomic_write

__all__ = ["Comment", "Delivery", "add_comment", "deliver_immediately", "load_comments"]

log = logging.getLogger(__name__)
COMMENTS = "comments"
STALE_SECONDS = 60.0


class Delivery(StrEnum):
    IMMEDIATE = "immediate"
    QUEUE = "queue"


class TargetDelivery(BaseModel):
    agent_id: str
    sent_at_length: int
    delivered: bool = False


class Comment(BaseModel):
    """One operator comment and, for immediate delivery, where it has gone."""

    id: str
    message: str
    targets: list[str] = Field(default_factory=list)
    wrap: bool = True
    delivery: Delivery = Delivery.QUEUE
    created: float = 0.0
    sent: dict[str, TargetDelivery] = Field(default_factory=dict)
    finished: bool = False

    @property
    def text(self) -> str:
        return wrap_comment(self.message, self.wrap)

    def addressed_to(self, alias: str) -> bool:
        return not self.targets or alias in self.targets


def _path(arena_dir: Path, comment: Comment) -> Path:
    return arena_dir / COMMENTS / f"{int(comment.created * 1000):015d}-{comment.id}.yaml"


def save_comment(arena_dir: Path, comment: Comment) -> None:
    atomic_write(_path(arena_dir, comment), yaml.safe_dump(comment.model_dump(mode="json")))


def load_comments(arena_dir: Path) -> list[Comment]:
    """Every comment of the arena, oldest first."""
    folder = arena_dir / COMMENTS
    if not folder.is_dir():
        return []
    return [
        Comment.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in sorted(folder.glob("*.yaml"))
    ]


def add_comment(
    arena_dir: Path, message: str, targets: list[str], wrap: bool, delivery: Delivery
) -> Comment:
    comment = Comment(
        id=uuid.uuid4().hex[:12],
        message=message,
        targets=targets,
        wrap=wrap,
        delivery=delivery,
        created=time.time(),
    )
    save_comment(arena_dir, comment)
    return comment


def deliver_immediately(
    arena_dir: Path, comment: Comment, state: ArenaState, backend: AgentBackend
) -> list[str]:
    """Send `comment` now to every addressed agent that exists; returns the aliases reached."""
    reached = []
    for alias, slot in sorted(state.aliases.items()):
        if not comment.addressed_to(alias) or slot.failed or slot.agent_id is None:
            continue
        record = comment.sent.get(alias)
        if record is None:
            length = len(backend.conversation(slot.agent_id))
            record = comment.sent[alias] = TargetDelivery(
                agent_id=slot.agent_id, sent_at_length=length
            )
            save_comment(arena_dir, comment)
        if not record.delivered and not _arrived(backend, record, comment.text):
            backend.followup(record.agent_id, comment.text, record.sent_at_length)
        record.delivered = True
        save_comment(arena_dir, comment)
        reached.append(alias)
    comment.finished = True
    save_comment(arena_dir, comment)
    return reached


def _arrived(backend: AgentBackend, record: TargetDelivery, text: str) -> bool:
    sha = prompt_sha(text)
    messages = backend.conversation(record.agent_id)[record.sent_at_length :]
    return any(m.role == "user" and prompt_sha(m.text) == sha for m in messages)


def assign_to_phase(arena_dir: Path, state: ArenaState) -> None:
    """Bind every unassigned comment to the phase now starting (the caller saves the state).

    The aliases it goes to are fixed here, so the phase's prompts never change afterwards.
    An immediate comment is bound once `add-comment` has finished with it (or gave up: older
    than `STALE_SECONDS`), and only for the agents it did not reach (they had no agent yet).
    """
    key = state.phase_key()
    for comment in load_comments(arena_dir):
        if comment.id in state.comment_phase:
            continue
        in_flight = not comment.finished and time.time() - comment.created < STALE_SECONDS
        if comment.delivery is Delivery.IMMEDIATE and in_flight:
            continue
        targets = [a for a in state.alive() if comment.addressed_to(a) and a not in comment.sent]
        state.comment_phase[comment.id] = key
        state.comment_targets[comment.id] = targets
        if targets:
            log.info("Operator comment %s goes out with phase %s to %s", comment.id, key, targets)


def comments_for(arena_dir: Path, state: ArenaState, alias: str) -> list[str]:
    """Wrapped texts of the comments bound to the current phase for `alias`."""
    key = state.phase_key()
    return [
        comment.text
        for comment in load_comments(arena_dir)
        if state.comment_phase.get(comment.id) == key
        and alias in state.comment_targets.get(comment.id, [])
    ]
