"""`arena battle agent --simulate`: a full agent battle with a scripted caller and no human.

The caller speaks the scenario's `caller_lines` through offline TTS (Piper, else espeak-ng) as
PCM s16le 16 kHz in real-time 20 ms frames over the real WebSocket, with silence between lines
so voice activity detection ends each utterance, waits for the agent's reply after each line,
then ends the call. It holds both conversations, votes by a stated rule, and prints the
revealed metrics.

Vote rule: the agent whose transcript confirms more of the scenario's required slots (joint goal
accuracy computed by the caller from what it heard) wins; equal → the lower median response
latency measured by the caller (end of its line → first agent audio) wins if it is at least
10% lower; otherwise a tie. Sub-votes: understanding by the goal score, speed by latency,
helpfulness = the overall winner, naturalness = tie (a script cannot judge it).

The caller's latency (end of its line as sent → first agent audio it receives) is printed next
to the revealed bridge latency (VAD end of speech → first agent byte at the server); the two are
measured at different points and so differ.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import typer
import websockets

from arena.core.audio import concat
from arena.core.scenarios import UnknownScenarioError, get_scenario
from arena.voice.evaluation.jga import track_goal

app = typer.Typer(help="Run battles from the command line.", no_args_is_help=True)

SAMPLE_RATE = 16000
FRAME_BYTES = 640  # 20 ms of PCM s16le at 16 kHz
FRAME_S = 0.02
END_SILENCE_S = 0.9  # after each line: enough silence for the VAD to end the utterance
GREETING_WAIT_S = 8.0
REPLY_WAIT_S = 15.0
QUIET_AFTER_REPLY_S = 0.5
ENDED_WAIT_S = 20.0
METRICS_WAIT_S = 60.0
LATENCY_MARGIN = 0.9


class SimulationError(RuntimeError):
    """The simulated battle could not be completed (server unreachable, refused, timed out)."""


def speak(text: str) -> bytes:
    """`text` in the caller's offline voice (Piper joe, else espeak-ng) as PCM s16le 16 kHz."""
    return _caller_voice()(text)


@functools.cache
def _caller_voice() -> Callable[[str], bytes]:
    """Piper's natural voice when installed (speech recognizers understand it far better)."""
    try:
        from arena.providers.local.piper import PiperSpeaker, joe_voice_files

        model, config = joe_voice_files()
    except ImportError:
        return _espeak
    piper = PiperSpeaker(
        id="caller/piper",
        mode="tts",
        display_name="caller",
        provider="piper",
        model_path=model,
        config_path=config,
    )
    if not piper.available().ok:
        return _espeak
    return lambda text: concat(list(piper.synthesize(text)), SAMPLE_RATE).to_pcm16()


def _espeak(text: str) -> bytes:
    from arena.providers.local.espeak import library

    return library().speak("en-us", text).resampled(SAMPLE_RATE).to_pcm16()


@dataclass
class HeldConversation:
    """What the caller saw of one conversation."""

    label: str
    frames: list[dict[str, Any]] = field(default_factory=list)
    agent_audio_bytes: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    ended: dict[str, Any] | None = None

    @property
    def errors(self) -> list[str]:
        return [str(f.get("message")) for f in self.frames if f.get("type") == "error"]

    @property
    def transcript(self) -> list[dict[str, Any]]:
        return list(self.ended.get("transcript", [])) if self.ended else []

    @property
    def median_latency_ms(self) -> float | None:
        return statistics.median(self.latencies_ms) if self.latencies_ms else None


class _Listener:
    """Reads server frames; tracks when the agent's queued audio would finish playing."""

    def __init__(self, held: HeldConversation) -> None:
        self.held = held
        self.playing_until = 0.0
        self.audio_times: list[float] = []
        self.closed = asyncio.Event()
        self.ended = asyncio.Event()

    async def run(self, socket: websockets.ClientConnection) -> None:
        try:
            async for message in socket:
                now = time.monotonic()
                if isinstance(message, bytes):
                    self.held.agent_audio_bytes += len(message)
                    self.audio_times.append(now)
                    seconds = len(message) / (2 * SAMPLE_RATE)
                    self.playing_until = max(now, self.playing_until) + seconds
                    continue
                frame = json.loads(message)
                self.held.frames.append(frame)
                if frame.get("type") == "clear":
                    self.playing_until = now
                elif frame.get("type") == "conversation_ended":
                    self.held.ended = frame
                    self.ended.set()
        except websockets.ConnectionClosed:
            pass
        finally:
            self.closed.set()

    def quiet(self) -> bool:
        return time.monotonic() > self.playing_until + QUIET_AFTER_REPLY_S

    def first_audio_after(self, moment: float) -> float | None:
        return next((t for t in self.audio_times if t >= moment), None)


class _Mouth:
    """Streams 20 ms frames in real time: the current line while there is one, else silence."""

    def __init__(self) -> None:
        self._pending = b""
        self._finished: asyncio.Event | None = None

    def say(self, pcm: bytes) -> asyncio.Event:
        """Queue `pcm` (replacing anything unsaid); the event is set once it has all been sent."""
        self._pending = pcm
        self._finished = asyncio.Event()
        return self._finished

    async def run(self, socket: websockets.ClientConnection, closed: asyncio.Event) -> None:
        silence = bytes(FRAME_BYTES)
        start = time.monotonic()
        sent = 0
        while not closed.is_set():
            frame, self._pending = self._pending[:FRAME_BYTES], self._pending[FRAME_BYTES:]
            if not self._pending and self._finished is not None:
                self._finished.set()
                self._finished = None
            frame = frame.ljust(FRAME_BYTES, b"\0") if frame else silence
            try:
                await socket.send(frame)
            except websockets.ConnectionClosed:
                return
            sent += 1
            delay = start + sent * FRAME_S - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)


async def _wait(predicate: Callable[[], bool], within: float, stop: asyncio.Event) -> bool:
    deadline = time.monotonic() + within
    while not predicate():
        if stop.is_set() or time.monotonic() > deadline:
            return False
        await asyncio.sleep(FRAME_S)
    return True


async def hold_conversation(ws_url: str, label: str, lines: Sequence[bytes]) -> HeldConversation:
    """Speak `lines` (PCM) to the agent behind `ws_url`, one reply at a time, then hang up."""
    held = HeldConversation(label)
    async with websockets.connect(ws_url, max_size=1 << 22) as socket:
        listener = _Listener(held)
        mouth = _Mouth()
        reader = asyncio.create_task(listener.run(socket))
        sender = asyncio.create_task(mouth.run(socket, listener.closed))
        try:
            await _converse(listener, mouth, lines)
            if not listener.closed.is_set() and not listener.ended.is_set():
                with contextlib.suppress(websockets.ConnectionClosed):
                    await socket.send(json.dumps({"type": "end_conversation"}))
            await _wait(listener.ended.is_set, ENDED_WAIT_S, listener.closed)
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(reader, ENDED_WAIT_S)
    return held


async def _converse(listener: _Listener, mouth: _Mouth, lines: Sequence[bytes]) -> None:
    stop = listener.closed
    await _wait(lambda: bool(listener.audio_times), GREETING_WAIT_S, stop)
    await _wait(listener.quiet, GREETING_WAIT_S, stop)
    silence = bytes(int(END_SILENCE_S * SAMPLE_RATE) * 2)
    for pcm in lines:
        if stop.is_set() or listener.ended.is_set():
            return
        finished = mouth.say(pcm + silence)
        await _wait(finished.is_set, len(pcm) / (2 * SAMPLE_RATE) + 5, stop)
        spoke_at = time.monotonic() - END_SILENCE_S

        def replied(moment: float = spoke_at) -> bool:
            return listener.first_audio_after(moment) is not None

        heard = await _wait(replied, REPLY_WAIT_S, stop)
        first = listener.first_audio_after(spoke_at)
        if heard and first is not None:
            listener.held.latencies_ms.append(round(1000 * (first - spoke_at), 1))
        await _wait(listener.quiet, REPLY_WAIT_S, stop)


@dataclass(frozen=True)
class Decision:
    """The simulated caller's vote and why."""

    winner: str
    sub_votes: dict[str, str]
    reason: str


def goal_score(required: dict[str, str], held: HeldConversation) -> float:
    """Joint goal accuracy of what the caller heard (0 when nothing was tracked)."""
    tracked = track_goal(required, held.transcript)
    return tracked.joint_goal_accuracy or 0.0


def decide(required: dict[str, str], a: HeldConversation, b: HeldConversation) -> Decision:
    """The stated vote rule (module docstring): goal score, then clearly lower latency, else tie."""
    score_a, score_b = goal_score(required, a), goal_score(required, b)
    lat_a, lat_b = a.median_latency_ms, b.median_latency_ms
    understanding = "a" if score_a > score_b else "b" if score_b > score_a else "tie"
    speed = "tie"
    if lat_a is not None and lat_b is not None:
        if lat_a < LATENCY_MARGIN * lat_b:
            speed = "a"
        elif lat_b < LATENCY_MARGIN * lat_a:
            speed = "b"
    elif lat_a is not None or lat_b is not None:
        speed = "a" if lat_a is not None else "b"
    winner = understanding if understanding != "tie" else speed
    reason = (
        f"goal score A {score_a:.2f} vs B {score_b:.2f}; caller-measured median latency "
        f"A {_ms(lat_a)} vs B {_ms(lat_b)}"
    )
    sub_votes = {
        "understanding": understanding,
        "speed": speed,
        "helpfulness": winner,
        "naturalness": "tie",
    }
    return Decision(winner, sub_votes, reason)


def _ms(value: float | None) -> str:
    return f"{value:.0f} ms" if value is not None else "n/a"


@dataclass
class SimulatedBattle:
    """A finished simulated battle: what happened and what was revealed."""

    battle_id: str
    scenario: dict[str, Any]
    conversations: dict[str, HeldConversation]
    decision: Decision
    metrics: dict[str, Any]


async def simulate_battle(
    base_url: str,
    scenario: str | None = None,
    say: Callable[[str], None] = print,
    metrics_wait_s: float = METRICS_WAIT_S,
) -> SimulatedBattle:
    """Generate an agent battle on `base_url`, hold both conversations, vote, read the metrics."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as http:
        body: dict[str, Any] = {"battle_type": "agent"}
        if scenario:
            body["scenario"] = scenario
        battle = await _call(http, "POST", "/api/v1/battles/generate", body)
        public = battle["details"]["scenario"]
        say(f"Battle {battle['id']}: {public['name']} — {public['description']}")
        lines = [speak(text) for text in get_scenario(public["name"]).caller_lines]
        ws_base = base_url.replace("http", "ws", 1).rstrip("/")
        conversations: dict[str, HeldConversation] = {}
        for label in ("a", "b"):
            url = f"{ws_base}/api/v1/battles/{battle['id']}/agent-stream?agent={label}"
            held = await hold_conversation(url, label, lines)
            conversations[label] = held
            if held.ended is None:
                raise SimulationError(
                    f"the conversation with Agent {label.upper()} did not end cleanly: "
                    f"{'; '.join(held.errors) or 'no conversation_ended frame'}"
                )
            say(
                f"Agent {label.upper()}: {held.ended['total_turns']} turns, "
                f"{held.ended['duration_seconds']:.1f} s, caller-measured median latency "
                f"{_ms(held.median_latency_ms)}"
            )
        required = dict(get_scenario(public["name"]).required_slots)
        decision = decide(required, conversations["a"], conversations["b"])
        say(f"Vote: {decision.winner} ({decision.reason})")
        vote = {"winner": decision.winner, "sub_votes": decision.sub_votes}
        await _call(http, "POST", f"/api/v1/battles/{battle['id']}/vote", vote)
        metrics = await _await_metrics(http, battle["id"], metrics_wait_s)
        for line in format_metrics(metrics):
            say(line)
        return SimulatedBattle(battle["id"], public, conversations, decision, metrics)


async def _call(
    http: httpx.AsyncClient, method: str, path: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    try:
        response = await http.request(method, path, json=body)
    except httpx.HTTPError as exc:
        raise SimulationError(
            f"cannot reach the arena at {http.base_url}: {exc!r}; start it with `arena serve`"
        ) from exc
    if response.status_code >= 400:
        detail = response.json().get("detail") if response.content else response.reason_phrase
        raise SimulationError(f"{method} {path} failed ({response.status_code}): {detail}")
    data: dict[str, Any] = response.json()
    return data


async def _await_metrics(http: httpx.AsyncClient, battle_id: str, within: float) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        metrics = await _call(http, "GET", f"/api/v1/battles/{battle_id}/agent-metrics")
        if metrics["status"] == "complete" or time.monotonic() > deadline:
            return metrics
        await asyncio.sleep(0.5)


def format_metrics(metrics: dict[str, Any]) -> list[str]:
    """The revealed metrics as printable lines."""
    evaluation = metrics.get("automated_eval") or {}
    lines = [f"Evaluation: {metrics['status']} (method: {evaluation.get('method', 'pending')})"]
    for label in ("a", "b"):
        m = metrics.get(f"metrics_{label}") or {}
        lines.append(
            f"  Agent {label.upper()} = {m.get('config_name')} [{m.get('provider')}]: "
            f"turns {m.get('total_turns')}, bridge p50 {_ms(m.get('p50_latency_ms'))}, "
            f"p95 {_ms(m.get('p95_latency_ms'))}, JGA {m.get('joint_goal_accuracy')}, "
            f"task success {m.get('task_success')}, contained {m.get('containment')}, "
            f"ended by {m.get('ended_by')}"
        )
    return lines


@app.command("agent")
def agent(
    simulate: bool = typer.Option(
        False, "--simulate", help="Hold both conversations with a scripted caller (required)."
    ),
    scenario: str | None = typer.Option(
        None, "--scenario", help="Scenario name or slug, e.g. flight-rebooking (default: random)."
    ),
    url: str = typer.Option(
        "http://127.0.0.1:8000", "--url", help="The running arena (`arena serve`)."
    ),
) -> None:
    """Run one agent battle end to end with a simulated caller.

    Example: arena battle agent --simulate --scenario order-status-check --url http://127.0.0.1:8000
    """
    if not simulate:
        typer.echo(
            "Only simulated agent battles run from the command line: add --simulate, or hold a "
            "battle yourself in the browser at /battle/agent.",
            err=True,
        )
        raise typer.Exit(2)
    if scenario:
        try:
            get_scenario(scenario)
        except UnknownScenarioError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
    try:
        asyncio.run(simulate_battle(url, scenario, say=typer.echo))
    except SimulationError as exc:
        typer.echo(f"Simulated battle failed: {exc}", err=True)
        raise typer.Exit(1) from None
