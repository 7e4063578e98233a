"""Chat backend: any OpenAI-compatible chat-completions model plays an agent; solutions are text.

An "agent" is a conversation file under `chat/` in the arena directory. A turn is answered
lazily when its status is polled: the file ends with a user message until the completion is
appended. A crash mid-completion only means the completion is requested again on restart.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from arena.config import Settings
from arena.consensus.api import RetryPolicy, parse_retry_after
from arena.consensus.backends.base import AgentInfo, AgentStatus, Message
from arena.consensus.errors import ApiError, AuthError, ConfigError
from arena.consensus.state import atomic_write

__all__ = ["ChatBackend"]

log = logging.getLogger(__name__)
SYSTEM = (
    "You are a careful senior engineer on a review panel. You cannot run code or commit; "
    "answer with the complete solution as text."
)


class ChatBackend:
    """Agents as chat-completions conversations persisted in `chat/<agent>.json`."""

    name = "chat"

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        folder: Path,
        model_ids: dict[str, str],
        default_model: str,
        retry: RetryPolicy | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=600)
        self.folder = folder
        self.model_ids = model_ids
        self.default_model = default_model
        self.retry = retry or RetryPolicy()
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    @classmethod
    def from_settings(
        cls, settings: Settings, arena_dir: Path, model_ids: dict[str, str]
    ) -> ChatBackend:
        if not settings.openai_api_key and "api.openai.com" in settings.openai_base_url:
            raise ConfigError(
                "OPENAI_API_KEY is not set: export it (or put it in .env), or point "
                "OPENAI_BASE_URL at an OpenAI-compatible server that needs no key."
            )
        return cls(
            settings.openai_base_url,
            settings.openai_api_key,
            arena_dir / "chat",
            model_ids,
            settings.openai_model,
        )

    # -- the backend interface -----------------------------------------------------------------

    def launch(self, *, prompt: str, model: str, branch: str) -> AgentInfo:
        agent_id = _agent_id(branch)
        if not self._path(agent_id).exists():
            record: dict[str, Any] = {"id": agent_id, "model": model, "branch": branch}
            record |= {"error": None, "messages": [{"role": "user", "text": prompt}]}
            self._write(record)
        return AgentInfo(agent_id, AgentStatus.RUNNING, branch)

    def find_launched(self, branch: str) -> AgentInfo | None:
        agent_id = _agent_id(branch)
        return self.status(agent_id) if self._path(agent_id).exists() else None

    def followup(self, agent_id: str, prompt: str, known_length: int) -> None:
        with self._lock(agent_id):
            record = self._read(agent_id)
            delivered = any(
                m["role"] == "user" and m["text"] == prompt
                for m in record["messages"][known_length:]
            )
            if not delivered:
                record["messages"].append({"role": "user", "text": prompt})
                self._write(record)

    def status(self, agent_id: str) -> AgentInfo:
        with self._lock(agent_id):
            record = self._read(agent_id)
            if record.get("error") is None and record["messages"][-1]["role"] == "user":
                self._complete(record)
            status = AgentStatus.ERROR if record.get("error") else AgentStatus.FINISHED
            return AgentInfo(agent_id, status, record.get("branch"))

    def conversation(self, agent_id: str) -> list[Message]:
        return [Message(m["role"], m["text"]) for m in self._read(agent_id)["messages"]]

    def stop(self, agent_id: str) -> None:
        """Nothing runs between polls, so there is nothing to stop."""

    def close(self) -> None:
        self._http.close()

    # -- completions ---------------------------------------------------------------------------

    def _complete(self, record: dict[str, Any]) -> None:
        messages = [{"role": "system", "content": SYSTEM}]
        messages += [{"role": m["role"], "content": m["text"]} for m in record["messages"]]
        model = self.model_ids.get(record["model"], self.default_model)
        try:
            reply = self._post({"model": model, "messages": messages})
        except AuthError:
            raise
        except ApiError as exc:
            record["error"] = str(exc)
            log.error("Chat agent %s failed: %s", record["id"], exc)
        else:
            record["messages"].append({"role": "assistant", "text": reply})
        self._write(record)

    def _post(self, body: dict[str, Any]) -> str:
        problem = ""
        for attempt in range(self.retry.attempts):
            retry_after = None
            try:
                response = self._http.post("/chat/completions", json=body)
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__})"
            else:
                if response.status_code < 400:
                    return str(response.json()["choices"][0]["message"]["content"] or "")
                problem = f"HTTP {response.status_code}: {response.text[:200]}"
                if response.status_code in (401, 403):
                    raise AuthError(
                        f"The chat API rejected the key ({problem}): check OPENAI_API_KEY."
                    )
                if response.status_code != 429 and response.status_code < 500:
                    raise ApiError(f"The chat API refused the request: {problem}")
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if attempt + 1 < self.retry.attempts:
                time.sleep(self.retry.delay(attempt, retry_after))
        raise ApiError(f"The chat API failed after {self.retry.attempts} attempts ({problem}).")

    # -- files ---------------------------------------------------------------------------------

    def _lock(self, agent_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(agent_id, threading.Lock())

    def _path(self, agent_id: str) -> Path:
        return self.folder / f"{agent_id}.json"

    def _read(self, agent_id: str) -> dict[str, Any]:
        path = self._path(agent_id)
        if not path.is_file():
            raise ApiError(f"Chat agent {agent_id} does not exist ({path} is missing).", 404)
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def _write(self, record: dict[str, Any]) -> None:
        atomic_write(self._path(record["id"]), json.dumps(record, indent=1))


def _agent_id(branch: str) -> str:
    return "chat-" + hashlib.sha256(branch.encode()).hexdigest()[:12]
