"""Cursor Cloud Agents backend: each agent is a cloud VM working on its own branch."""

from __future__ import annotations

from typing import Any

from arena.consensus.api import CursorClient
from arena.consensus.backends.base import AgentInfo, AgentStatus, Message

__all__ = ["CursorBackend"]

ROLES = {"user_message": "user", "assistant_message": "assistant"}


class CursorBackend:
    """Adapts `CursorClient` to the backend interface."""

    name = "cursor"

    def __init__(
        self,
        client: CursorClient,
        *,
        repository: str,
        ref: str,
        model_ids: dict[str, str],
        webhook: dict[str, str] | None = None,
    ) -> None:
        self.client = client
        self.repository = repository
        self.ref = ref
        self.model_ids = model_ids
        self.webhook = webhook

    def launch(self, *, prompt: str, model: str, branch: str) -> AgentInfo:
        data = self.client.launch(
            prompt=prompt,
            repository=self.repository,
            ref=self.ref,
            branch=branch,
            model=self.model_ids.get(model, model),
            webhook=self.webhook,
        )
        return _info(data)

    def find_launched(self, branch: str) -> AgentInfo | None:
        data = self.client.find_by_branch(branch)
        return _info(data) if data else None

    def followup(self, agent_id: str, prompt: str, known_length: int) -> None:
        self.client.followup(agent_id, prompt, known_length)

    def status(self, agent_id: str) -> AgentInfo:
        return _info(self.client.agent(agent_id))

    def conversation(self, agent_id: str) -> list[Message]:
        return [
            Message(ROLES.get(str(m.get("type")), str(m.get("type"))), str(m.get("text", "")))
            for m in self.client.conversation(agent_id)
        ]

    def stop(self, agent_id: str) -> None:
        self.client.stop(agent_id)

    def close(self) -> None:
        self.client.close()


def _info(data: dict[str, Any]) -> AgentInfo:
    status = str(data.get("status", "RUNNING")).upper()
    known = status in AgentStatus.__members__
    return AgentInfo(
        id=str(data["id"]),
        status=AgentStatus(status) if known else AgentStatus.RUNNING,
        branch=(data.get("target") or {}).get("branchName"),
    )
