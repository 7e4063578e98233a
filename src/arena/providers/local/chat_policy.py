"""The offline agents' policy when an OpenAI-compatible chat model is configured.

The model gets the scenario's system prompt (plus one line asking for short, spoken
answers) and the scenario's tools as functions; each tool call is answered with the tool's
canned result, and an `end_call` function lets the model hang up after a goodbye.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from arena.core.scenarios import Scenario
from arena.providers.local.policy import Reply, greeting_for, tool_call
from arena.voice.live.events import ToolCall

MAX_TOOL_ROUNDS = 4
VOICE_STYLE = (
    "You are speaking with a caller on the phone: answer in one to three short, natural "
    "sentences, without lists or markdown."
)
END_CALL_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "end_call",
        "description": "Hang up, after you have said goodbye to a caller who is done.",
        "parameters": {"type": "object", "properties": {}},
    },
}


class PolicyError(RuntimeError):
    """The chat model could not produce a reply (unreachable, refused, malformed)."""


@dataclass
class ChatPolicy:
    """Replies from an OpenAI-compatible `/chat/completions` endpoint, with simulated tools."""

    scenario: Scenario
    base_url: str
    api_key: str
    model: str
    timeout_s: float = 20.0
    messages: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        system = f"{self.scenario.system_prompt}\n\n{VOICE_STYLE}"
        self.messages = [{"role": "system", "content": system}]
        self._tools = [t.as_openai_tool() for t in self.scenario.tools] + [END_CALL_TOOL]
        self._client = httpx.Client(
            base_url=self.base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {self.api_key}"},
            timeout=self.timeout_s,
        )

    def greeting(self) -> Reply:
        text = greeting_for(self.scenario)
        self.messages.append({"role": "assistant", "content": text})
        return Reply(text)

    def respond(self, heard: str) -> Reply:
        self.messages.append({"role": "user", "content": heard})
        calls: list[ToolCall] = []
        end_call = False
        for _ in range(MAX_TOOL_ROUNDS):
            message = self._complete()
            requested = message.get("tool_calls") or []
            if not requested:
                text = str(message.get("content") or "").strip()
                self.messages.append({"role": "assistant", "content": text})
                return Reply(text, tuple(calls), end_call)
            self.messages.append(
                {"role": "assistant", "content": message.get("content"), "tool_calls": requested}
            )
            for request in requested:
                name, arguments = _function(request)
                if name == "end_call":
                    end_call = True
                    result = json.dumps({"status": "ending call"})
                else:
                    tool = self.scenario.tool(name)
                    if tool is None:
                        result = json.dumps({"error": f"there is no tool named {name}"})
                    else:
                        call = tool_call(tool, arguments)
                        calls.append(call)
                        result = call.result
                self.messages.append(
                    {"role": "tool", "tool_call_id": str(request.get("id", "")), "content": result}
                )
        raise PolicyError(f"the model kept calling tools for {MAX_TOOL_ROUNDS} rounds")

    def _complete(self) -> dict[str, Any]:
        body = {
            "model": self.model,
            "messages": self.messages,
            "tools": self._tools,
            "temperature": 0.3,
        }
        try:
            response = self._client.post("/chat/completions", json=body)
        except httpx.HTTPError as exc:
            raise PolicyError(f"could not reach {self.base_url} ({exc})") from exc
        if response.status_code in (401, 403):
            raise PolicyError(f"{self.base_url} rejected OPENAI_API_KEY: check it")
        if response.status_code >= 400:
            raise PolicyError(f"{self.base_url} answered HTTP {response.status_code}")
        try:
            message = response.json()["choices"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise PolicyError("the chat model answered without a message") from exc
        if not isinstance(message, dict):
            raise PolicyError("the chat model answered without a message")
        return message

    def close(self) -> None:
        self._client.close()


def _function(request: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    function = request.get("function") or {}
    arguments = function.get("arguments") or {}
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments) if arguments.strip() else {}
        except json.JSONDecodeError:
            arguments = {}
    return str(function.get("name", "")), arguments if isinstance(arguments, dict) else {}
