"""HTTP client for the Cursor Cloud Agents API (v0) with safe retries.

Retries 429, 5xx and connection failures with exponential backoff and full jitter,
honouring `Retry-After`, at most `RetryPolicy.attempts` tries. A launch or follow-up whose
outcome is unknown (5xx, dropped connection) is looked up before it is sent again, so a
retry never starts a second agent or repeats a prompt.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from arena.consensus.errors import ApiError, AuthError

__all__ = ["CursorClient", "RetryPolicy"]

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_RETRY_AFTER = 300.0


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter; `Retry-After` wins when the server sends it."""

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before try number `attempt + 1`."""
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER)
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())


class CursorClient:
    """Typed access to the v0 endpoints; every call goes through `_call` for retries."""

    def __init__(
        self,
        api_key: str,
        base_url: str = "https://api.cursor.com",
        *,
        retry: RetryPolicy | None = None,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), auth=httpx.BasicAuth(api_key, ""), timeout=timeout
        )

    def close(self) -> None:
        self._http.close()

    # -- read endpoints ------------------------------------------------------------------------

    def me(self) -> dict[str, Any]:
        return self._call("GET", "/v0/me")

    def models(self) -> list[str]:
        return [str(m) for m in self._call("GET", "/v0/models").get("models", [])]

    def repositories(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/v0/repositories").get("repositories", []))

    def agent(self, agent_id: str) -> dict[str, Any]:
        return self._call("GET", f"/v0/agents/{agent_id}")

    def conversation(self, agent_id: str) -> list[dict[str, Any]]:
        return list(self._call("GET", f"/v0/agents/{agent_id}/conversation").get("messages", []))

    def list_agents(self, page_size: int = 100) -> list[dict[str, Any]]:
        """Every agent of the key, following `nextCursor` pages."""
        agents: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            query = f"?limit={page_size}" + (f"&cursor={cursor}" if cursor else "")
            page = self._call("GET", f"/v0/agents{query}")
            agents.extend(page.get("agents", []))
            cursor = page.get("nextCursor")
            if not cursor:
                return agents

    # -- side effects --------------------------------------------------------------------------

    def launch(
        self,
        *,
        prompt: str,
        repository: str,
        ref: str,
        branch: str,
        model: str | None = None,
        webhook: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Start an agent on `branch`; an unknown outcome is resolved by listing agents."""
        body: dict[str, Any] = {
            "prompt": {"text": prompt},
            "source": {"repository": repository, "ref": ref},
            "target": {"branchName": branch, "autoCreatePr": False},
        }
        if model:
            body["model"] = model
        if webhook:
            body["webhook"] = webhook
        return self._call("POST", "/v0/agents", body, confirm=lambda: self.find_by_branch(branch))

    def find_by_branch(self, branch: str) -> dict[str, Any] | None:
        """The agent launched onto `branch`, if any."""
        for agent in self.list_agents():
            if (agent.get("target") or {}).get("branchName") == branch:
                return agent
        return None

    def followup(self, agent_id: str, prompt: str, known_length: int) -> None:
        """Send a follow-up; an unknown outcome is resolved by reading the conversation."""

        def delivered() -> dict[str, Any] | None:
            messages = self.conversation(agent_id)[known_length:]
            hit = any(m.get("type") == "user_message" and m.get("text") == prompt for m in messages)
            return {"id": agent_id} if hit else None

        self._call(
            "POST", f"/v0/agents/{agent_id}/followup", {"prompt": {"text": prompt}}, delivered
        )

    def stop(self, agent_id: str) -> None:
        self._call("POST", f"/v0/agents/{agent_id}/stop", {})

    def delete(self, agent_id: str) -> None:
        self._call("DELETE", f"/v0/agents/{agent_id}")

    # -- transport -----------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        confirm: Callable[[], dict[str, Any] | None] | None = None,
    ) -> dict[str, Any]:
        maybe_delivered = False
        problem = "no attempt made"
        for attempt in range(self.retry.attempts):
            if maybe_delivered and confirm is not None:
                found = confirm()
                if found is not None:
                    log.info("%s %s had gone through before the error; not resending", method, path)
                    return found
            retry_after: float | None = None
            try:
                response = self._http.request(method, path, json=body)
            except httpx.ConnectError as exc:
                problem = f"cannot connect ({exc})"
            except httpx.TransportError as exc:
                problem = f"connection failed mid-request ({type(exc).__name__})"
                maybe_delivered = method != "GET"
            else:
                status = response.status_code
                if status < 400:
                    data = response.json() if response.content else {}
                    return data if isinstance(data, dict) else {"items": data}
                problem = f"HTTP {status}: {_error_text(response)}"
                if status in (401, 403):
                    raise AuthError(
                        f"The Cursor API rejected the key ({problem}): check CURSOR_API_KEY.",
                        status,
                    )
                if status == 429:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                elif status >= 500:
                    maybe_delivered = maybe_delivered or method != "GET"
                else:
                    raise ApiError(f"{method} {path} was refused: {problem}", status)
            if attempt + 1 < self.retry.attempts:
                wait = self.retry.delay(attempt, retry_after)
                log.debug("%s %s: %s; retrying in %.2fs", method, path, problem, wait)
                self._sleep(wait)
        if maybe_delivered and confirm is not None and (found := confirm()) is not None:
            return found
        raise ApiError(
            f"{method} {path} failed after {self.retry.attempts} attempts ({problem}); "
            "the Cursor API may be down or rate limiting: re-run later, work so far is kept."
        )


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(data, dict):
        return str(data.get("error") or data.get("message") or data)[:200]
    return str(data)[:200]
