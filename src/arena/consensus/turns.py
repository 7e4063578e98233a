"""Drive prompts to answered replies, crash-safely.

Each prompt is recorded as `sent` (with the conversation length, the prompt's hash and, for
a launch, the branch) *before* it goes out. A restarted orchestrator finds a `sent` entry and
checks the service — the agent on that branch, or the prompt in the conversation — before
sending it again, so nothing is ever delivered twice or lost. That check looks for the *recorded*
hash: should the rebuilt prompt come out different (it should not — prompts are pure functions
of the state), a warning names the agent and phase, an arrived prompt is still recognised, and
a resend records the new hash before it goes out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from arena.consensus.backends.base import Message
from arena.consensus.errors import ArenaStopped
from arena.consensus.extraction import extract_tag, parse_verdict
from arena.consensus.prompts import format_reminder, prompt_sha
from arena.consensus.runtime import Runtime
from arena.consensus.state import Phase, Progress, ProgressStatus
from arena.consensus.waiting import Outcome, replies_to

__all__ = ["branch_name", "ensure_quorum", "run_turns"]

log = logging.getLogger(__name__)


def branch_name(rt: Runtime, alias: str) -> str:
    """A branch unique to this arena, round and alias; it identifies the launch on restart."""
    return f"arena/{rt.arena_dir.name}-{rt.state.arena_id[:8]}-r{rt.state.round}-{alias}"


def run_turns(
    rt: Runtime,
    progress: dict[str, Progress],
    prompts: dict[str, str],
    tag: str,
    store: Callable[[str, str], None],
) -> None:
    """Send each alias its prompt, wait concurrently, and `store` the extracted replies."""
    reconciled: set[str] = set()
    while True:
        active = [a for a, p in progress.items() if p.status is not ProgressStatus.DONE]
        active = [a for a in active if not rt.state.aliases[a].failed]
        if not active:
            return
        for alias in active:
            prompt = _current_prompt(progress[alias], prompts[alias], tag)
            _deliver(rt, alias, progress[alias], prompt, reconciled)
        waiting = {
            a: (str(progress[a].agent_id), progress[a].sent_at_length, progress[a].prompt_sha)
            for a in active
            if not rt.state.aliases[a].failed
        }
        for alias, outcome in rt.waiter.wait_all(waiting).items():
            _collect(rt, alias, progress[alias], outcome, tag, store)


def _current_prompt(entry: Progress, prompt: str, tag: str) -> str:
    return format_reminder(tag) if entry.reprompted else prompt


def _deliver(rt: Runtime, alias: str, entry: Progress, prompt: str, reconciled: set[str]) -> None:
    """Send `prompt` unless a recorded earlier attempt is found to have gone through."""
    if entry.status is ProgressStatus.SENT and alias in reconciled:
        return
    slot = rt.state.aliases[alias]
    sha = prompt_sha(prompt)
    if entry.status is ProgressStatus.SENT and entry.prompt_sha not in (None, sha):
        log.warning(
            "The %s prompt rebuilt for %s in round %d (%s) differs from the one recorded "
            "(sha %s, was %s)",
            _kind(entry, alias),
            alias,
            rt.state.round + 1,
            rt.state.phase.value,
            sha[:12],
            str(entry.prompt_sha)[:12],
        )
    if entry.launch and entry.agent_id is None:
        _launch(rt, alias, entry, prompt, sha)
    elif entry.status is ProgressStatus.PENDING:
        entry.agent_id = slot.agent_id
        entry.sent_at_length = len(rt.backend.conversation(str(slot.agent_id)))
        entry.prompt_sha, entry.status = sha, ProgressStatus.SENT
        rt.save()
        log.info("Sending %s prompt to %s", _kind(entry, alias), alias)
        rt.backend.followup(str(entry.agent_id), prompt, entry.sent_at_length)
    else:
        arrived = _delivered(rt.backend.conversation(str(entry.agent_id)), entry, sha)
        if entry.prompt_sha != (arrived or sha):
            entry.prompt_sha = arrived or sha
            rt.save()
        if arrived is None:
            log.info("Prompt to %s was recorded but never arrived; sending it now", alias)
            rt.backend.followup(str(entry.agent_id), prompt, entry.sent_at_length)
    reconciled.add(alias)


def _launch(rt: Runtime, alias: str, entry: Progress, prompt: str, sha: str) -> None:
    slot = rt.state.aliases[alias]
    if entry.status is ProgressStatus.SENT and entry.branch:
        found = rt.backend.find_launched(entry.branch)
        if found is not None:
            log.info("Launch for %s had gone through (agent %s); adopting it", alias, found.id)
            _adopt(rt, alias, entry, found.id, found.branch)
            return
    entry.branch = entry.branch or branch_name(rt, alias)
    entry.prompt_sha, entry.status, entry.sent_at_length = sha, ProgressStatus.SENT, 0
    rt.save()
    log.info("Launching %s (%s) on %s", alias, slot.model, entry.branch)
    info = rt.backend.launch(prompt=prompt, model=slot.model, branch=entry.branch)
    _adopt(rt, alias, entry, info.id, info.branch)


def _adopt(rt: Runtime, alias: str, entry: Progress, agent_id: str, branch: str | None) -> None:
    slot = rt.state.aliases[alias]
    entry.agent_id = slot.agent_id = agent_id
    slot.branch = branch or entry.branch
    rt.save()


def _delivered(messages: list[Message], entry: Progress, sha: str) -> str | None:
    """The hash of the prompt that arrived: the recorded one, else the rebuilt one, else None.

    The recorded hash decides; the rebuilt one is only a fallback for an entry without a
    hash. A resend records its hash before it goes out, so that is what a restart finds.
    """
    later = messages[entry.sent_at_length :]
    shas = {prompt_sha(m.text) for m in later if m.role == "user"}
    for candidate in (entry.prompt_sha, sha):
        if candidate is not None and candidate in shas:
            return candidate
    return None


def _kind(entry: Progress, alias: str) -> str:
    return "format-reminder" if entry.reprompted else "follow-up"


def _collect(
    rt: Runtime,
    alias: str,
    entry: Progress,
    outcome: Outcome,
    tag: str,
    store: Callable[[str, str], None],
) -> None:
    """Store a reply, ask once more for the format, or mark a failed agent."""
    slot = rt.state.aliases[alias]
    if outcome.status.failed:
        slot.failed = True
        slot.failure = (
            f"agent {entry.agent_id} ended {outcome.status.value} in round "
            f"{rt.state.round + 1} ({rt.state.phase.value})"
        )
        log.error("%s (%s) failed: %s", alias, slot.model, slot.failure)
        rt.save()
        return
    answered = replies_to(outcome.messages, entry.sent_at_length, entry.prompt_sha)
    if answered is None:  # the waiter gave up finding our prompt verbatim (see Waiter)
        answered = replies_to(outcome.messages, entry.sent_at_length, None) or []
    replies = [m.text for m in answered]
    found = next((text for text in reversed(replies) if _has(text, tag, rt)), None)
    if found is None and not entry.reprompted:
        log.warning("%s's reply has no <%s> block; asking once more", alias, tag)
        entry.reprompted, entry.status = True, ProgressStatus.PENDING
        rt.save()
        return
    if found is None:
        log.warning("%s's reply still has no <%s> block; using the whole reply", alias, tag)
        found = replies[-1] if replies else ""
        value = found
    else:
        value = found if tag == "verdict" else (extract_tag(found, tag) or found)
    store(alias, value)
    entry.status = ProgressStatus.DONE
    rt.save()


def _has(text: str, tag: str, rt: Runtime) -> bool:
    if tag == "verdict":
        return parse_verdict(text, sorted(rt.state.aliases)) is not None
    return extract_tag(text, tag) is not None


def ensure_quorum(rt: Runtime) -> None:
    """Stop the arena with a clear message when fewer than two agents remain."""
    alive = rt.state.alive()
    if len(alive) >= 2:
        return
    failures = "; ".join(
        f"{a} ({s.model}): {s.failure}" for a, s in sorted(rt.state.aliases.items()) if s.failed
    )
    reason = (
        f"Only {len(alive)} agent(s) remain, a panel needs at least 2 ({failures}). "
        "Check the agents in the Cursor dashboard and start a new arena."
    )
    rt.state.phase, rt.state.stop_reason = Phase.DONE, reason
    rt.save()
    raise ArenaStopped(reason)
