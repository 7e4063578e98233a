"""Blinding: nothing the TTS flow sends before the vote names a system (id, name, provider).

Runs the real offline engines of this machine, so their audio files are scanned too.
"""

from __future__ import annotations

import json
import re
import struct

import httpx
import pytest

from arena.config import Settings
from arena.providers.registry import Registry
from arena.voice.battles.tts import available_tts
from arena.voice.seed import load_prompts
from tests.conftest import LiveServer

BATTLES = 3
PROMPTS = [prompt["text"] for prompt in load_prompts()]


@pytest.fixture
def registry(settings: Settings) -> Registry:
    real = Registry.load(settings)
    if len(available_tts(real)) < 2:
        pytest.skip("fewer than 2 offline TTS engines installed (see .ci/run)")
    return real


def _needles(registry: Registry) -> set[str]:
    """Every string that would identify a system: ids, their parts, names and providers."""
    found: set[str] = set()
    for system in registry:
        found |= {system.id, system.display_name, system.provider}
        found |= {part for part in re.split(r"[/]", system.id) if len(part) >= 3}
        if system.engine:
            found.add(system.engine)
        found |= {str(v) for v in system.config.values() if isinstance(v, str) and len(v) >= 3}
    return {n.lower() for n in found if n}


def _wav_metadata(data: bytes) -> bytes:
    """A WAV file minus its sample data: the RIFF header and every chunk but `data`'s samples.

    Only `fmt ` and `data` chunks are allowed, so no INFO/LIST tag can carry a name.
    """
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    kept, offset = [data[:12]], 12
    while offset + 8 <= len(data):
        chunk_id, size = (
            data[offset : offset + 4],
            struct.unpack("<I", data[offset + 4 : offset + 8])[0],
        )
        assert chunk_id in (b"fmt ", b"data"), f"unexpected WAV chunk {chunk_id!r}"
        kept.append(
            data[offset : offset + 8] if chunk_id == b"data" else data[offset : offset + 8 + size]
        )
        offset += 8 + size + (size & 1)
    return b"".join(kept)


def _leaks(needles: set[str], *texts: str) -> set[str]:
    """Needles found as whole tokens: `ked` (a festival voice) names a system, `ticked` does not.

    The prompts are shown to voters by design, so their texts are taken out first: "local time"
    in a prompt is not the `local` provider.
    """
    haystack = "\n".join(texts).lower()
    for prompt in PROMPTS:
        for form in (
            prompt,
            json.dumps(prompt)[1:-1],
            json.dumps(prompt, ensure_ascii=False)[1:-1],
        ):
            haystack = haystack.replace(form.lower(), " ")
    return {n for n in needles if re.search(rf"(?<![a-z0-9]){re.escape(n)}(?![a-z0-9])", haystack)}


def test_a_needle_inside_a_word_or_a_prompt_is_no_leak() -> None:
    needles = {"ked", "flite-kal16", "local"}
    assert _leaks(needles, "a clock ticked") == set()
    assert _leaks(needles, "voice: ked.") == {"ked"}
    assert _leaks(needles, '{"id":"flite-kal16"}') == {"flite-kal16"}
    local_time = next(p for p in PROMPTS if "local time" in p)
    assert _leaks(needles, json.dumps({"text": local_time})) == set()
    assert _leaks(needles, json.dumps({"text": local_time, "provider": "local"})) == {"local"}


async def test_nothing_before_the_vote_names_a_system(
    arena_server: LiveServer, registry: Registry
) -> None:
    needles = _needles(registry)
    seen: list[str] = []

    def record(response: httpx.Response) -> None:
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        body = response.content
        if response.headers["content-type"] == "audio/wav":
            body = _wav_metadata(body)
        seen.extend([str(response.request.url), headers, body.decode("latin-1")])

    async with httpx.AsyncClient(base_url=arena_server.url, timeout=120) as client:
        for path in ("/battle/tts", "/static/tts.js", "/static/api.js"):
            record(await client.get(path))
        for _ in range(BATTLES):
            generated = await client.post("/api/v1/battles/generate", json={"battle_type": "tts"})
            assert generated.status_code == 200, generated.text
            record(generated)
            battle = generated.json()
            record(await client.get(f"/api/v1/battles/{battle['id']}"))
            for candidate in battle["candidates"]:
                audio = await client.get(candidate["audio_url"])
                assert audio.status_code == 200
                record(audio)
            invalid = await client.post(
                f"/api/v1/battles/{battle['id']}/vote", json={"winner": "z"}
            )
            assert invalid.status_code == 422
            record(invalid)
            voted = await client.post(f"/api/v1/battles/{battle['id']}/vote", json={"winner": "a"})
            revealed = voted.json()["candidates"]
            assert all(c["reveal"]["display_name"] for c in revealed)
    assert seen and not _leaks(needles, *seen)


def test_scanner_catches_a_leak(registry: Registry) -> None:
    needles = _needles(registry)
    some = next(iter(registry))
    assert _leaks(needles, f'{{"label": "a", "name": "{some.display_name}"}}')
