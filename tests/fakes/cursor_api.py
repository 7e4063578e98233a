"""Cursor Cloud Agents API emulator: a real HTTP server on 127.0.0.1 with scripted agents.

Implements the v0 endpoints the consensus arena uses (Basic auth, agents that go
CREATING → RUNNING → FINISHED, growing conversations, ERROR/EXPIRED agents, 429 with
Retry-After, signed webhooks) and records every launch and follow-up it received.

Run by hand for a demo:  python -m tests.fakes.cursor_api --port 8765 --run-seconds 1
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import re
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

MODELS = ["claude-opus-4-1", "gpt-5", "gemini-2.5-pro"]
TAGS = ("verification", "verdict", "critique", "solution")


@dataclass
class Script:
    """How the scripted agents behave; every field can be changed at run time."""

    run_seconds: float = 0.05
    consensus_round: int = 1
    score_consensus: int = 9
    score_continue: int = 5
    error_models: list[str] = field(default_factory=list)
    expire_models: list[str] = field(default_factory=list)
    error_on_run: int = 1
    unstructured_models: list[str] = field(default_factory=list)
    rate_limit_burst: int = 0
    rate_limit_period: int = 0
    retry_after: str = "0.05"
    fail_after_commit: int = 0
    git_remote: str | None = None
    agent_verify_exit: int = 0

    def update(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            if not hasattr(self, key):
                raise KeyError(key)
            setattr(self, key, value)


@dataclass
class Message:
    id: str
    type: str
    text: str

    def public(self) -> dict[str, str]:
        return {"id": self.id, "type": self.type, "text": self.text}


@dataclass
class Agent:
    id: str
    name: str
    model: str
    repository: str
    ref: str
    branch: str
    webhook_url: str | None
    webhook_secret: str | None
    created_at: str
    messages: list[Message] = field(default_factory=list)
    status: str = "CREATING"
    run_started: float = 0.0
    pending_prompts: list[str] = field(default_factory=list)
    solutions_written: int = 0
    replies: int = 0
    runs: int = 0
    summary: str = ""

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "source": {"repository": self.repository, "ref": self.ref},
            "target": {
                "branchName": self.branch,
                "url": f"https://cursor.com/agents?id={self.id}",
                "autoCreatePr": False,
            },
            "summary": self.summary,
            "createdAt": self.created_at,
        }


class CursorEmulator:
    """State and behaviour of the emulated Cursor service, independent of HTTP."""

    def __init__(self, api_key: str = "test-key", script: Script | None = None) -> None:
        self.api_key = api_key
        self.script = script or Script()
        self.agents: dict[str, Agent] = {}
        self.received: list[dict[str, Any]] = []
        self.request_count = 0
        self.rate_limited = 0
        self.webhooks_sent = 0
        self.lock = threading.RLock()

    # -- request gates -------------------------------------------------------------------------

    def rate_limit_hit(self) -> bool:
        """Count a request and say whether it falls in the scripted 429 window."""
        with self.lock:
            self.request_count += 1
            period, burst = self.script.rate_limit_period, self.script.rate_limit_burst
            if period <= 0 or burst <= 0:
                return False
            hit = (self.request_count % period) < burst
            self.rate_limited += int(hit)
            return hit

    def take_commit_failure(self) -> bool:
        """Whether this processed POST should still answer 500 (outcome unknown to the client)."""
        with self.lock:
            if self.script.fail_after_commit > 0:
                self.script.fail_after_commit -= 1
                return True
            return False

    # -- operations ----------------------------------------------------------------------------

    def launch(self, body: dict[str, Any]) -> Agent:
        text = str(body["prompt"]["text"])
        source = body.get("source") or {}
        target = body.get("target") or {}
        webhook = body.get("webhook") or {}
        agent_id = "bc-" + uuid.uuid4().hex[:12]
        agent = Agent(
            id=agent_id,
            name=text[:40],
            model=str(body.get("model") or MODELS[0]),
            repository=str(source.get("repository", "")),
            ref=str(source.get("ref", "main")),
            branch=str(target.get("branchName") or f"cursor/{agent_id}"),
            webhook_url=webhook.get("url"),
            webhook_secret=webhook.get("secret"),
            created_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        )
        with self.lock:
            self.agents[agent_id] = agent
            self.received.append(
                {"kind": "launch", "agent": agent_id, "branch": agent.branch, "text": text}
            )
            self._start_run(agent, text)
        return agent

    def followup(self, agent: Agent, text: str) -> None:
        with self.lock:
            self.received.append({"kind": "followup", "agent": agent.id, "text": text})
            if agent.status in ("CREATING", "RUNNING"):
                agent.messages.append(Message(_mid(), "user_message", text))
                agent.pending_prompts.append(text)
                return
            self._start_run(agent, text)

    def _start_run(self, agent: Agent, text: str) -> None:
        agent.messages.append(Message(_mid(), "user_message", text))
        agent.pending_prompts.append(text)
        agent.status = "CREATING" if not agent.replies else "RUNNING"
        agent.run_started = time.monotonic()

    def advance(self) -> list[Agent]:
        """Move agents along their timeline; return those that just reached a webhook status."""
        changed: list[Agent] = []
        now = time.monotonic()
        with self.lock:
            for agent in self.agents.values():
                if agent.status not in ("CREATING", "RUNNING"):
                    continue
                elapsed = now - agent.run_started
                if elapsed < self.script.run_seconds / 3:
                    continue
                if elapsed < self.script.run_seconds:
                    agent.status = "RUNNING"
                    continue
                self._finish_run(agent)
                changed.append(agent)
        return changed

    def _finish_run(self, agent: Agent) -> None:
        agent.runs += 1
        family = model_family(agent.model)
        if family in self.script.error_models and agent.runs >= self.script.error_on_run:
            agent.status = "ERROR"
            agent.summary = "The agent hit an internal error."
            return
        if family in self.script.expire_models:
            agent.status = "EXPIRED"
            return
        prompts, agent.pending_prompts = agent.pending_prompts, []
        for prompt in prompts:
            agent.messages.append(Message(_mid(), "assistant_message", self._reply(agent, prompt)))
            agent.replies += 1
        agent.status = "FINISHED"
        agent.summary = f"Answered {agent.replies} prompts."

    def _reply(self, agent: Agent, prompt: str) -> str:
        family = model_family(agent.model)
        wanted = next((tag for tag in TAGS if f"<{tag}>" in prompt), None)
        if wanted is None:
            return f"Noted. ({family})"
        if family in self.script.unstructured_models and agent.replies == 0:
            return f"Here is my plain answer from {family} without the requested format."
        if wanted == "solution":
            agent.solutions_written += 1
            self._push_branch(agent)
            body = f"Solution by {family}, revision {agent.solutions_written}."
            return f"<analysis>{family} reasoning</analysis>\n<solution>\n{body}\n</solution>"
        if wanted == "verification":
            commands = re.findall(r"^- `(.+)`$", prompt, flags=re.MULTILINE)
            lines = [f"{c} => exit {self.script.agent_verify_exit}" for c in commands]
            return "<verification>\n" + "\n".join(lines) + "\n</verification>"
        if wanted == "critique":
            return f"<critique>\n{family} critique: the others look plausible.\n</critique>"
        return self._verdict(prompt)

    def _verdict(self, prompt: str) -> str:
        match = re.search(r"Round (\d+) of", prompt)
        round_number = int(match.group(1)) if match else 1
        agree = 0 < self.script.consensus_round <= round_number
        aliases = re.findall(r"\bagent_[a-z]\b", prompt)
        base = aliases[0] if aliases else "agent_a"
        decision = "CONSENSUS" if agree else "CONTINUE"
        score = self.script.score_consensus if agree else self.script.score_continue
        return (
            "<verdict>\n"
            f"decision: {decision}\n"
            f"convergence_score: {score}\n"
            "remaining_disagreements: none that matter\n"
            f"base_solution: {base}\n"
            "modifications: tighten error handling\n"
            "</verdict>"
        )

    def _push_branch(self, agent: Agent) -> None:
        """Commit this agent's revision to its branch in a local bare repo, like a real agent."""
        remote = self.script.git_remote
        if not remote:
            return
        with tempfile.TemporaryDirectory() as tmp:
            run = _git_runner(Path(tmp))
            run("clone", "-q", remote, ".")
            existing = run("ls-remote", "--heads", "origin", agent.branch)
            if existing:
                run("checkout", "-q", "-b", agent.branch, f"origin/{agent.branch}")
            else:
                run("checkout", "-q", "-b", agent.branch, f"origin/{agent.ref}")
            (Path(tmp) / "solution.txt").write_text(f"v{agent.solutions_written}\n")
            run("add", "solution.txt")
            run("commit", "-q", "-m", f"revision {agent.solutions_written}")
            run("push", "-q", "origin", agent.branch)

    def stop(self, agent: Agent) -> None:
        with self.lock:
            if agent.status in ("CREATING", "RUNNING"):
                agent.pending_prompts = []
                agent.status = "FINISHED"

    # -- webhooks ------------------------------------------------------------------------------

    def deliver_webhook(self, agent: Agent) -> None:
        if not agent.webhook_url:
            return
        payload = {
            "event": "statusChange",
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            **{k: v for k, v in agent.public().items() if k in ("id", "status", "source")},
            "target": agent.public()["target"],
            "summary": agent.summary,
        }
        body = json.dumps(payload).encode()
        secret = (agent.webhook_secret or "").encode()
        signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "X-Webhook-Signature": signature,
            "X-Webhook-ID": uuid.uuid4().hex,
            "X-Webhook-Event": "statusChange",
            "User-Agent": "Cursor-Agent-Webhook/1.0",
        }
        try:
            httpx.post(agent.webhook_url, content=body, headers=headers, timeout=2)
            self.webhooks_sent += 1
        except httpx.HTTPError:
            pass

    # -- inspection ----------------------------------------------------------------------------

    def duplicates(self) -> list[dict[str, Any]]:
        """Launches of one branch twice, or the same follow-up text sent twice to one agent."""
        seen: set[tuple[str, str]] = set()
        dups = []
        for event in self.received:
            key = (
                ("launch", event["branch"])
                if event["kind"] == "launch"
                else (event["agent"], event["text"])
            )
            if key in seen:
                dups.append(event)
            seen.add(key)
        return dups


def model_family(model: str) -> str:
    for family in ("opus", "claude", "gpt", "gemini"):
        if family in model:
            return "opus" if family == "claude" else family
    return model


def _mid() -> str:
    return "msg-" + uuid.uuid4().hex[:10]


def _git_runner(cwd: Path) -> Any:
    def run(*args: str) -> str:
        result = subprocess.run(
            ["git", "-c", "user.name=agent", "-c", "user.email=agent@example.com", *args],
            cwd=cwd,
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()

    return run


class _Handler(BaseHTTPRequestHandler):
    server: EmulatorServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b"{}"
        data = json.loads(raw or b"{}")
        return data if isinstance(data, dict) else {}

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            decoded = base64.b64decode(header[6:]).decode()
            return decoded.split(":", 1)[0] == self.server.emulator.api_key
        if header.startswith("Bearer "):
            return header[7:] == self.server.emulator.api_key
        return False

    def _route(self, method: str) -> None:
        emulator = self.server.emulator
        path = self.path.split("?", 1)[0].rstrip("/")
        if path.startswith("/_emulator"):
            self._control(method, path)
            return
        body = self._body() if method in ("POST", "PUT") else {}
        if not self._authorized():
            self._send(401, {"error": "Invalid API key"})
            return
        if emulator.rate_limit_hit():
            retry = emulator.script.retry_after
            self._send(429, {"error": "Rate limit exceeded"}, {"Retry-After": retry})
            return
        self._api(method, path, body)

    def _api(self, method: str, path: str, body: dict[str, Any]) -> None:
        emulator = self.server.emulator
        parts = path.split("/")[1:]
        if parts[:1] != ["v0"]:
            self._send(404, {"error": "Not found"})
            return
        rest = parts[1:]
        if rest == ["me"] and method == "GET":
            self._send(200, {"apiKeyName": "emulator", "createdAt": "2025-01-01T00:00:00Z"})
        elif rest == ["models"] and method == "GET":
            self._send(200, {"models": MODELS})
        elif rest == ["repositories"] and method == "GET":
            repos = [
                {
                    "owner": "acme",
                    "name": "widgets",
                    "repository": "https://github.com/acme/widgets",
                }
            ]
            self._send(200, {"repositories": repos})
        elif rest == ["agents"] and method == "GET":
            self._list_agents()
        elif rest == ["agents"] and method == "POST":
            if "prompt" not in body or "text" not in (body.get("prompt") or {}):
                self._send(400, {"error": "prompt.text is required"})
                return
            agent = emulator.launch(body)
            if emulator.take_commit_failure():
                self._send(500, {"error": "Internal error"})
                return
            self._send(201, agent.public())
        elif len(rest) >= 2 and rest[0] == "agents":
            self._agent(method, rest[1], rest[2:], body)
        else:
            self._send(404, {"error": "Not found"})

    def _list_agents(self) -> None:
        emulator = self.server.emulator
        query = dict(
            part.split("=", 1) for part in self.path.partition("?")[2].split("&") if "=" in part
        )
        limit = int(query.get("limit", "20"))
        start = int(query.get("cursor", "0") or 0)
        with emulator.lock:
            agents = list(emulator.agents.values())[::-1]
        page = agents[start : start + limit]
        next_cursor = str(start + limit) if start + limit < len(agents) else None
        payload: dict[str, Any] = {"agents": [a.public() for a in page]}
        if next_cursor:
            payload["nextCursor"] = next_cursor
        self._send(200, payload)

    def _agent(self, method: str, agent_id: str, rest: list[str], body: dict[str, Any]) -> None:
        emulator = self.server.emulator
        agent = emulator.agents.get(agent_id)
        if agent is None:
            self._send(404, {"error": f"Agent {agent_id} not found"})
            return
        if not rest and method == "GET":
            self._send(200, agent.public())
        elif not rest and method == "DELETE":
            with emulator.lock:
                emulator.agents.pop(agent_id, None)
            self._send(200, {"id": agent_id})
        elif rest == ["conversation"] and method == "GET":
            with emulator.lock:
                messages = [m.public() for m in agent.messages]
            self._send(200, {"id": agent_id, "messages": messages})
        elif rest == ["followup"] and method == "POST":
            if agent.status in ("ERROR", "EXPIRED"):
                self._send(409, {"error": f"Agent is {agent.status}"})
                return
            emulator.followup(agent, str((body.get("prompt") or {}).get("text", "")))
            if emulator.take_commit_failure():
                self._send(500, {"error": "Internal error"})
                return
            self._send(200, {"id": agent_id})
        elif rest == ["stop"] and method == "POST":
            emulator.stop(agent)
            self._send(200, {"id": agent_id})
        else:
            self._send(404, {"error": "Not found"})

    def _control(self, method: str, path: str) -> None:
        emulator = self.server.emulator
        if path == "/_emulator/script" and method == "POST":
            try:
                emulator.script.update(self._body())
            except KeyError as exc:
                self._send(400, {"error": f"unknown script field {exc}"})
                return
            self._send(200, vars(emulator.script))
        elif path == "/_emulator/received" and method == "GET":
            self._send(200, {"received": emulator.received, "duplicates": emulator.duplicates()})
        elif path == "/_emulator/stats" and method == "GET":
            stats = {
                "requests": emulator.request_count,
                "rate_limited": emulator.rate_limited,
                "webhooks_sent": emulator.webhooks_sent,
                "agents": len(emulator.agents),
            }
            self._send(200, stats)
        else:
            self._send(404, {"error": "Not found"})

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_DELETE(self) -> None:
        self._route("DELETE")


class EmulatorServer(ThreadingHTTPServer):
    """The HTTP server plus a ticker thread that advances agents and sends webhooks."""

    daemon_threads = True

    def __init__(self, emulator: CursorEmulator, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.emulator = emulator
        self._stopping = threading.Event()
        self._workers: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients killed mid-request (the kill test does that) are expected; stay quiet."""

    def start(self) -> EmulatorServer:
        serve = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05})
        ticker = threading.Thread(target=self._tick)
        for thread in (serve, ticker):
            thread.daemon = True
            thread.start()
            self._workers.append(thread)
        return self

    def _tick(self) -> None:
        while not self._stopping.wait(0.01):
            for agent in self.emulator.advance():
                self.emulator.deliver_webhook(agent)

    def stop(self) -> None:
        self._stopping.set()
        self.shutdown()
        self.server_close()
        for thread in self._workers:
            thread.join(timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the Cursor Cloud Agents API emulator.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--api-key", default="test-key")
    parser.add_argument("--run-seconds", type=float, default=1.0)
    parser.add_argument("--consensus-round", type=int, default=1)
    parser.add_argument("--git-remote", default=None, help="bare repo the agents push branches to")
    args = parser.parse_args()
    script = Script(
        run_seconds=args.run_seconds,
        consensus_round=args.consensus_round,
        git_remote=args.git_remote,
    )
    server = EmulatorServer(CursorEmulator(args.api_key, script), args.port).start()
    print(f"Cursor emulator on {server.url} (API key {args.api_key!r}); Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
