"""The small interface the orchestrator uses to talk to any kind of agent."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

__all__ = ["AgentBackend", "AgentInfo", "AgentStatus", "Message"]


class AgentStatus(StrEnum):
    CREATING = "CREATING"
    RUNNING = "RUNNING"
    FINISHED = "FINISHED"
    ERROR = "ERROR"
    EXPIRED = "EXPIRED"

    @property
    def failed(self) -> bool:
        return self in (AgentStatus.ERROR, AgentStatus.EXPIRED)

    @property
    def busy(self) -> bool:
        return self in (AgentStatus.CREATING, AgentStatus.RUNNING)


@dataclass(frozen=True)
class AgentInfo:
    id: str
    status: AgentStatus
    branch: str | None = None


@dataclass(frozen=True)
class Message:
    role: str
    text: str


class AgentBackend(Protocol):
    """Launch, follow up, status, conversation, stop — nothing more."""

    name: str

    def launch(self, *, prompt: str, model: str, branch: str) -> AgentInfo:
        """Start an agent on `branch`; must not start a second one when retried."""
        ...

    def find_launched(self, branch: str) -> AgentInfo | None:
        """The agent an earlier (possibly interrupted) launch onto `branch` started."""
        ...

    def followup(self, agent_id: str, prompt: str, known_length: int) -> None:
        """Send another prompt; `known_length` is the conversation length before it."""
        ...

    def status(self, agent_id: str) -> AgentInfo: ...

    def conversation(self, agent_id: str) -> list[Message]: ...

    def stop(self, agent_id: str) -> None: ...

    def close(self) -> None: ...
