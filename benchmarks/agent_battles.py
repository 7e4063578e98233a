"""Simulated agent battles against the offline agents: latency, goal tracking and task success.

Starts an arena in-process (SQLite in a temporary ARENA_HOME, the two offline agents), runs the
simulated caller (`arena battle agent --simulate`) once per scenario, and prints per-agent
means over the battles: bridge-measured p50/p95 turn latency, joint goal accuracy, slot
accuracy, task success and containment (rubric method, no judge).

    .venv/bin/python benchmarks/agent_battles.py haircut-appointment-booking order-status-check
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import uvicorn

from arena.cli.battle import simulate_battle
from arena.config import Settings
from arena.providers.base import System
from arena.providers.local import agent as local_agent
from arena.providers.registry import Registry
from arena.voice.app import create_app

DEFAULT_SCENARIOS = (
    "haircut-appointment-booking",
    "order-status-check",
    "store-hours-and-directions",
)


def serve(settings: Settings) -> tuple[str, uvicorn.Server]:
    found: list[System] = []
    local_agent.register_systems(found.append, settings)
    app = create_app(settings, Registry(found))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server


def mean(values: list[float]) -> str:
    return f"{statistics.fmean(values):.2f}" if values else "n/a"


async def main(scenarios: list[str]) -> None:
    with tempfile.TemporaryDirectory() as home:
        url, server = serve(Settings(ARENA_HOME=Path(home)))
        rows: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        try:
            for scenario in scenarios:
                result = await simulate_battle(url, scenario, say=lambda _line: None)
                for label in ("a", "b"):
                    m: dict[str, Any] = result.metrics[f"metrics_{label}"]
                    row = rows[m["config_name"]]
                    for key in (
                        "p50_latency_ms",
                        "p95_latency_ms",
                        "joint_goal_accuracy",
                        "slot_accuracy",
                    ):
                        if m[key] is not None:
                            row[key].append(float(m[key]))
                    row["task_success"].append(float(bool(m["task_success"])))
                    row["containment"].append(float(bool(m["containment"])))
                print(f"{scenario}: winner {result.decision.winner} ({result.decision.reason})")
        finally:
            server.should_exit = True
    print(f"\n{len(scenarios)} battles; means per agent")
    print("agent | p50 ms | p95 ms | JGA | slot acc | task success | contained")
    for name, row in sorted(rows.items()):
        print(
            f"{name} | {mean(row['p50_latency_ms'])} | {mean(row['p95_latency_ms'])} | "
            f"{mean(row['joint_goal_accuracy'])} | {mean(row['slot_accuracy'])} | "
            f"{mean(row['task_success'])} | {mean(row['containment'])}"
        )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:] or list(DEFAULT_SCENARIOS)))
