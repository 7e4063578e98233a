"""LLM-as-judge for agent conversations over any OpenAI-compatible `/chat/completions`.

The judge sees the scenario (task, success criteria, the agent's instructions and facts) and one
transcript in which the agent is only ever "Agent A" or "Agent B" — never a system, provider or
config name. It must answer a JSON object; transport errors, 429/5xx and malformed answers are
retried with backoff, and a final failure raises `JudgeError` so the caller can fall back.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import httpx
from pydantic import BaseModel, Field

from arena.config import Settings
from arena.core.scenarios import Scenario
from arena.voice.evaluation.assessment import Assessment

Label = Literal["A", "B"]
T = TypeVar("T")
RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})


class JudgeError(RuntimeError):
    """The judge could not produce a valid verdict (after retries, or a non-retryable error)."""


@dataclass(frozen=True)
class JudgeConfig:
    """Where the judge lives: an OpenAI-compatible base URL (ending in /v1), key and model."""

    base_url: str
    api_key: str
    model: str
    timeout_s: float = 30.0
    attempts: int = 3
    backoff_s: float = 0.5

    @classmethod
    def from_settings(cls, settings: Settings) -> JudgeConfig | None:
        """The judge configured by OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL, or None."""
        if not settings.openai_api_key:
            return None
        return cls(settings.openai_base_url, settings.openai_api_key, settings.openai_model)


class Verdict(BaseModel):
    """The JSON object the judge must return."""

    task_success: bool
    coherence: float = Field(ge=0.0, le=1.0)
    instruction_following: float = Field(ge=0.0, le=1.0)
    hallucination_count: int = Field(ge=0)
    explanation: str = ""


SYSTEM_PROMPT = (
    "You are an impartial evaluator of voice-agent phone calls. Judge only the agent's "
    "behaviour in the transcript against the task. Speech-to-text errors in the caller's lines "
    "are not the agent's fault. Reply with a single JSON object and nothing else."
)


def judge_prompt(scenario: Scenario, label: Label, turns: Sequence[Mapping[str, Any]]) -> str:
    """The user message: scenario, rubric and the anonymized transcript."""
    speaker = f"AGENT {label}"
    lines = [
        f"{'CALLER' if t.get('role') == 'user' else speaker}: {t.get('text') or ''}"
        for t in turns
        if t.get("text")
    ]
    transcript = "\n".join(lines) or "(nobody spoke)"
    tools = ", ".join(t.name for t in scenario.tools) or "none"
    return (
        f"TASK THE CALLER WAS GIVEN: {scenario.description}\n"
        f"SUCCESS CRITERIA: {scenario.success_criteria}\n"
        f"REQUIRED DETAILS: {json.dumps(dict(scenario.required_slots))}\n"
        f"THE AGENT'S INSTRUCTIONS AND FACTS: {scenario.system_prompt}\n"
        f"SIMULATED TOOLS AVAILABLE: {tools}\n\n"
        f"TRANSCRIPT (Agent {label}):\n{transcript}\n\n"
        "Return JSON with exactly these keys:\n"
        '{"task_success": true|false, "coherence": 0.0-1.0, '
        '"instruction_following": 0.0-1.0, "hallucination_count": integer >= 0 '
        "(claims not supported by the instructions, facts or the caller), "
        '"explanation": "one or two sentences"}'
    )


async def judge_conversation(
    config: JudgeConfig,
    scenario: Scenario,
    label: Label,
    turns: Sequence[Mapping[str, Any]],
    client: httpx.AsyncClient | None = None,
) -> Assessment:
    """Ask the judge about one conversation; retries, then raises `JudgeError`."""
    owned = client is None
    http = client or httpx.AsyncClient(timeout=config.timeout_s)
    try:
        prompt = judge_prompt(scenario, label, turns)
        verdict = await ask_json(config, http, SYSTEM_PROMPT, prompt, _parse)
    finally:
        if owned:
            await http.aclose()
    return Assessment(
        method="llm_judge",
        task_success=verdict.task_success,
        coherence=verdict.coherence,
        instruction_following=verdict.instruction_following,
        hallucination_count=verdict.hallucination_count,
        explanation=verdict.explanation,
    )


async def ask_json(
    config: JudgeConfig,
    http: httpx.AsyncClient,
    system: str,
    user: str,
    parse: Callable[[Any], T],
    expected: str = "the expected JSON",
) -> T:
    """Ask the judge's /chat/completions for a JSON object and `parse` it; retries, then raises.

    Transport errors, 429/5xx and answers `parse` rejects are retried with backoff; other 4xx and
    the last failure raise `JudgeError`. `expected` names what `parse` wants, for the error text.
    """
    body = {
        "model": config.model,
        "temperature": 0,
        "response_format": {"type": "json_object"},
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
    }
    url = config.base_url.rstrip("/") + "/chat/completions"
    headers = {"Authorization": f"Bearer {config.api_key}"}
    problem = "no attempt made"
    for attempt in range(config.attempts):
        if attempt:
            await asyncio.sleep(config.backoff_s * 2 ** (attempt - 1))
        try:
            response = await http.post(url, json=body, headers=headers, timeout=config.timeout_s)
        except httpx.HTTPError as exc:
            problem = f"could not reach the judge at {url}: {exc!r}"
            continue
        if response.status_code in RETRYABLE_STATUS:
            problem = f"the judge answered HTTP {response.status_code}"
            continue
        if response.status_code >= 400:
            raise JudgeError(
                f"the judge refused the request (HTTP {response.status_code}): "
                f"{response.text[:200]}; check OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_MODEL"
            )
        try:
            return parse(response.json())
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            problem = f"the judge's answer was not {expected}: {exc}"
    raise JudgeError(f"{problem} (after {config.attempts} attempts)")


def _parse(payload: Any) -> Verdict:
    content = payload["choices"][0]["message"]["content"]
    if not isinstance(content, str):
        raise TypeError("message content is not text")
    start, end = content.find("{"), content.rfind("}")
    if start < 0 or end < start:
        raise ValueError("no JSON object in the answer")
    return Verdict.model_validate(json.loads(content[start : end + 1]))
