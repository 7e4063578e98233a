"""Wait for many agents at once: each is polled in its own thread, so wall time is the slowest.

With a webhook receiver, a signed event wakes the waiter at once and polling only backs it up.

A turn is answered only when the agent is FINISHED and an assistant message follows the user
message carrying *our* prompt (found by its hash): a reply to something else sent in between,
such as an immediate operator comment, does not count.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, CancelledError, ThreadPoolExecutor, wait
from dataclasses import dataclass

from arena.consensus.backends.base import AgentBackend, AgentStatus, Message
from arena.consensus.prompts import prompt_sha
from arena.consensus.webhooks import WebhookReceiver

__all__ = ["Outcome", "Waiter", "replies_to"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """How an agent's turn ended: FINISHED with its conversation, or ERROR/EXPIRED."""

    status: AgentStatus
    messages: list[Message]


def replies_to(messages: list[Message], after: int, sha: str | None) -> list[Message] | None:
    """Assistant messages after the user message with hash `sha` at index `after` or later.

    None when that prompt is not (yet) in the conversation. Without a hash (an entry recorded
    before hashes were kept) every assistant message after `after` counts.
    """
    start = after
    if sha is not None:
        found = next(
            (
                i
                for i in range(after, len(messages))
                if messages[i].role == "user" and prompt_sha(messages[i].text) == sha
            ),
            None,
        )
        if found is None:
            return None
        start = found + 1
    return [m for m in messages[start:] if m.role == "assistant"]


PROMPT_MATCH_PATIENCE = 4
"""FINISHED polls without our prompt in the conversation before replies after `after` count."""


class Waiter:
    """Polls agents concurrently with a growing interval; prints dots unless verbose."""

    def __init__(
        self,
        backend: AgentBackend,
        *,
        poll_interval: float = 5.0,
        max_interval: float = 30.0,
        receiver: WebhookReceiver | None = None,
        dots: bool = True,
    ) -> None:
        self.backend = backend
        self.poll_interval = poll_interval
        self.max_interval = max_interval
        self.receiver = receiver
        self.dots = dots
        self._dot_lock = threading.Lock()

    def wait_all(self, pending: dict[str, tuple[str, int, str | None]]) -> dict[str, Outcome]:
        """Wait until every `alias → (agent_id, length_before, prompt_sha)` replied or failed."""
        if not pending:
            return {}
        cancel = threading.Event()
        with ThreadPoolExecutor(max_workers=len(pending)) as pool:
            futures = {
                alias: pool.submit(self.wait_one, agent_id, after, cancel, sha)
                for alias, (agent_id, after, sha) in pending.items()
            }
            wait(futures.values(), return_when=FIRST_EXCEPTION)
            failed = [f for f in futures.values() if f.done() and f.exception() is not None]
            if failed:
                cancel.set()
                failed[0].result()
            outcomes = {alias: future.result() for alias, future in futures.items()}
        if self.dots:
            sys.stderr.write("\n")
        return outcomes

    def wait_one(
        self,
        agent_id: str,
        after: int,
        cancel: threading.Event | None = None,
        sha: str | None = None,
    ) -> Outcome:
        """Poll one agent until it is FINISHED having answered our prompt, or failed.

        Our prompt is the user message with hash `sha` at index `after` or later; an assistant
        message must follow it. Setting `cancel` (another agent's poll failed) makes it give up
        at its next poll.
        """
        interval = self.poll_interval
        unmatched = 0
        while cancel is None or not cancel.is_set():
            info = self.backend.status(agent_id)
            if info.status.failed:
                log.warning("Agent %s ended with status %s", agent_id, info.status.value)
                return Outcome(info.status, [])
            if info.status is AgentStatus.FINISHED:
                messages = self.backend.conversation(agent_id)
                replies = replies_to(messages, after, sha)
                if replies:
                    return Outcome(info.status, messages)
                if replies is None:
                    unmatched += 1
                    if unmatched >= PROMPT_MATCH_PATIENCE and replies_to(messages, after, None):
                        # The service may have stored our prompt reworded; a reply that has
                        # stood this long is taken rather than waiting forever.
                        log.warning(
                            "Agent %s: our prompt (sha %s) never showed up verbatim after "
                            "message %d; taking the replies after it",
                            agent_id,
                            (sha or "")[:12],
                            after,
                        )
                        return Outcome(info.status, messages)
                    if unmatched == 1:
                        log.warning(
                            "Agent %s is FINISHED but our prompt (sha %s) is not in its "
                            "conversation after message %d yet; still waiting",
                            agent_id,
                            (sha or "")[:12],
                            after,
                        )
            self._pause(agent_id, interval)
            interval = min(self.max_interval, interval * 1.5)
        raise CancelledError(f"stopped waiting for agent {agent_id}")

    def _pause(self, agent_id: str, interval: float) -> None:
        if self.dots:
            with self._dot_lock:
                sys.stderr.write(".")
                sys.stderr.flush()
        if self.receiver is not None:
            self.receiver.wait(agent_id, self.max_interval)
        else:
            time.sleep(interval)
