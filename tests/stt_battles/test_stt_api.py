"""The STT battle flow over HTTP: curated clip and own recording, vote, metrics, bad input."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import jiwer
import pytest
from sqlalchemy import select

from arena.core.audio import Audio, read_wav
from arena.core.text import normalize
from arena.providers.local import espeak, pocketsphinx
from arena.providers.registry import Registry
from arena.voice.db.clips import Recording
from arena.voice.db.models import Battle
from arena.voice.state import ArenaState
from tests.conftest import LiveServer
from tests.stt_battles.audio_files import encoded_bytes, tone, wav_bytes
from tests.stt_battles.conftest import systems_of
from tests.stt_battles.failing_stt import crashing_stt

TRUTH = "The weather is sunny today."


async def _generate(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/battles/generate", json={"battle_type": "stt", **body})
    assert response.status_code == 200, response.text
    return response.json()


async def _clip_audio(client: httpx.AsyncClient, clip_id: str) -> bytes:
    response = await client.get(f"/api/v1/clips/{clip_id}/audio")
    assert response.status_code == 200
    return response.content


async def test_curated_clip_battle_through_vote_and_metrics(arena_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url, timeout=120) as client:
        battle = await _generate(client, audio_clip_id="clean-weather")
        assert battle["status"] == "generating"
        assert battle["details"]["clip"]["id"] == "clean-weather"
        assert "ground_truth" not in battle["details"]
        bid = battle["id"]
        early = await client.post(f"/api/v1/battles/{bid}/vote", json={"winner": "tie"})
        assert early.status_code == 409
        assert "stt-transcribe" in early.json()["detail"]

        done = await client.post(
            f"/api/v1/battles/{bid}/stt-transcribe", json={"curated_clip_id": "clean-weather"}
        )
        assert done.status_code == 200, done.text
        body = done.json()
        assert body["status"] == "ready" and body["input"] == "clip" and body["has_ground_truth"]
        assert [c["label"] for c in body["candidates"]] == ["a", "b"]
        for c in body["candidates"]:
            assert set(c) == {"label", "transcript", "latency_s", "word_count"}
            assert c["word_count"] == len(c["transcript"].split())
            assert c["latency_s"] > 0

        locked = await client.get(f"/api/v1/battles/{bid}/stt-metrics")
        assert locked.status_code == 409 and "vote first" in locked.json()["detail"]
        again = await client.post(
            f"/api/v1/battles/{bid}/stt-transcribe", json={"curated_clip_id": "clean-weather"}
        )
        assert again.status_code == 409

        voted = await client.post(f"/api/v1/battles/{bid}/vote", json={"winner": "a"})
        assert voted.status_code == 200
        assert voted.json()["details"]["ground_truth"] == TRUTH
        metrics = (await client.get(f"/api/v1/battles/{bid}/stt-metrics")).json()
        board = (await client.get("/api/v1/leaderboard", params={"battle_type": "stt"})).json()
        page = (await client.get("/leaderboard", params={"battle_type": "stt"})).text

    assert metrics["has_ground_truth"] and metrics["ground_truth"] == TRUTH
    transcripts = {c["label"]: c["transcript"] for c in body["candidates"]}
    for row in metrics["candidates"]:
        assert row["system_id"].startswith(("stt-pocketsphinx/", "stt-whisper-tiny/"))
        assert row["transcript"] == transcripts[row["label"]]
        # WER/CER agree with jiwer on the normalized texts.
        ref, hyp = normalize(TRUTH), normalize(row["transcript"])
        assert row["wer"] == pytest.approx(jiwer.wer(ref, hyp), abs=1e-4)
        assert row["cer"] == pytest.approx(jiwer.cer(ref, hyp), abs=1e-4)
        ops = [e["op"] for e in row["diff"]]
        assert ops.count("substitute") == row["substitutions"]
        assert ops.count("delete") == row["deletions"]
        assert ops.count("insert") == row["insertions"]
        assert " ".join(e["ref"] for e in row["diff"] if e["ref"]) == ref
        assert " ".join(e["hyp"] for e in row["diff"] if e["hyp"]) == hyp
    assert board["total_votes"] == 1
    assert ">wer</th>" in page and ">latency (s)</th>" in page
    assert {r["system_id"] for r in board["ratings"]} == {
        r["system_id"] for r in metrics["candidates"]
    }
    for rating in board["ratings"]:
        assert set(rating["metrics"]) == {"wer", "cer", "latency_s"}
        assert rating["metrics"]["latency_s"] > 0


async def test_own_recording_with_intended_text_becomes_ground_truth(
    arena_server: LiveServer, arena_state: ArenaState, audio_dir: Path
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url, timeout=120) as client:
        speech = await _clip_audio(client, "clean-weather")
        webm = encoded_bytes(read_wav(speech), "webm", "libopus")
        battle = await _generate(client)
        done = await client.post(
            f"/api/v1/battles/{battle['id']}/stt-transcribe",
            files={"audio": ("take.webm", webm, "audio/webm")},
            data={"intended_text": TRUTH, "consent": "true"},
        )
        assert done.status_code == 200, done.text
        assert done.json()["input"] == "recording" and done.json()["has_ground_truth"]
        await client.post(f"/api/v1/battles/{battle['id']}/vote", json={"winner": "tie"})
        metrics = (await client.get(f"/api/v1/battles/{battle['id']}/stt-metrics")).json()
        listing = await client.get("/api/v1/recordings")
    assert metrics["ground_truth"] == TRUTH
    assert all(row["wer"] is not None for row in metrics["candidates"])
    assert listing.status_code == 404  # recordings are never listed
    async with arena_state.sessions() as session:
        recording = (await session.scalars(select(Recording))).one()
    assert recording.consent and recording.intended_text == TRUTH
    assert recording.audio_path is not None
    kept = audio_dir / recording.audio_path
    assert read_wav(kept.read_bytes()).sample_rate == 16_000
    assert kept.stat().st_mode & 0o077 == 0


async def test_recording_without_consent_or_text_keeps_no_audio_and_says_no_ground_truth(
    arena_server: LiveServer, arena_state: ArenaState, audio_dir: Path
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url, timeout=120) as client:
        speech = await _clip_audio(client, "noisy-weather")
        battle = await _generate(client)
        done = await client.post(
            f"/api/v1/battles/{battle['id']}/stt-transcribe",
            files={"audio": ("take.wav", speech, "audio/wav")},
        )
        assert done.status_code == 200, done.text
        assert not done.json()["has_ground_truth"]
        await client.post(f"/api/v1/battles/{battle['id']}/vote", json={"winner": "b"})
        metrics = (await client.get(f"/api/v1/battles/{battle['id']}/stt-metrics")).json()
    assert not metrics["has_ground_truth"] and metrics["ground_truth"] is None
    assert "no ground truth" in metrics["note"]
    assert all(row["wer"] is None and row["diff"] is None for row in metrics["candidates"])
    async with arena_state.sessions() as session:
        recording = (await session.scalars(select(Recording))).one()
    assert not recording.consent and recording.audio_path is None
    assert not (audio_dir / "recordings").exists()


@pytest.mark.parametrize(
    ("upload", "status", "message"),
    [
        (b"definitely not audio" * 50, 422, "could not be decoded"),
        (b"\0" * (10 * 1024 * 1024 + 10), 413, "limit is 10 MB"),
        (wav_bytes(tone(61.0, rate=8_000)), 422, "limit is 60 s"),
        (b"", 422, "empty"),
    ],
)
async def test_bad_uploads_are_rejected_and_the_battle_stays_open(
    arena_server: LiveServer, upload: bytes, status: int, message: str
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url, timeout=120) as client:
        battle = await _generate(client)
        url = f"/api/v1/battles/{battle['id']}/stt-transcribe"
        rejected = await client.post(url, files={"audio": ("x.wav", upload, "audio/wav")})
        assert rejected.status_code == status, rejected.text
        assert message in rejected.json()["detail"]
        retry = await client.post(url, json={"curated_clip_id": "clean-weather"})
        assert retry.status_code == 200


async def test_input_mistakes_are_clear(arena_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url, timeout=120) as client:
        battle = await _generate(client)
        url = f"/api/v1/battles/{battle['id']}/stt-transcribe"
        unknown = await client.post(url, json={"curated_clip_id": "no-such-clip"})
        question = await client.post(url, json={"curated_clip_id": "question-capital"})
        neither = await client.post(url, json={})
        both = await client.post(
            url,
            files={"audio": ("a.wav", wav_bytes(tone(1.0)), "audio/wav")},
            data={"curated_clip_id": "clean-weather"},
        )
        wrong_type = await client.post(
            url, content=b"hello", headers={"content-type": "text/plain"}
        )
        missing = await client.post("/api/v1/battles/nope/stt-transcribe", json={})
        bad_generate = await client.post(
            "/api/v1/battles/generate", json={"battle_type": "stt", "audio_clip_id": "nope"}
        )
        tts = (await client.post("/api/v1/battles/generate", json={"battle_type": "tts"})).json()
        on_tts = await client.post(
            f"/api/v1/battles/{tts['id']}/stt-transcribe", json={"curated_clip_id": "clean-weather"}
        )
    assert unknown.status_code == 404 and "GET /api/v1/clips?kind=stt" in unknown.json()["detail"]
    assert question.status_code == 404
    assert neither.status_code == 422 and both.status_code == 422
    assert "curated_clip_id" in neither.json()["detail"]
    assert wrong_type.status_code == 422 and "multipart" in wrong_type.json()["detail"]
    assert missing.status_code == 404
    assert bad_generate.status_code == 404
    assert on_tts.status_code == 409 and "is a tts battle" in on_tts.json()["detail"]


async def test_clip_listing_hides_ground_truth_and_serves_audio(arena_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        stt = (await client.get("/api/v1/clips")).json()
        s2s = (await client.get("/api/v1/clips", params={"kind": "s2s"})).json()
        audio = await client.get(stt[0]["audio_url"])
        missing = await client.get("/api/v1/clips/nope/audio")
    assert [c["id"] for c in stt] == ["clean-weather", "noisy-weather"]
    assert [c["id"] for c in s2s] == ["question-capital"]
    assert all("text" not in c and "voice" not in c for c in stt + s2s)
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
    assert isinstance(read_wav(audio.content), Audio)
    assert missing.status_code == 404


class TestFailedBattle:
    @pytest.fixture
    def registry(self) -> Registry:
        return Registry([*systems_of(espeak), *systems_of(pocketsphinx)[:1], crashing_stt()])

    async def test_fewer_than_two_transcripts_fail_the_battle(
        self, arena_server: LiveServer, arena_state: ArenaState
    ) -> None:
        async with httpx.AsyncClient(base_url=arena_server.url, timeout=120) as client:
            battle = await _generate(client)
            failed = await client.post(
                f"/api/v1/battles/{battle['id']}/stt-transcribe",
                json={"curated_clip_id": "clean-weather"},
            )
            vote = await client.post(f"/api/v1/battles/{battle['id']}/vote", json={"winner": "tie"})
            read = (await client.get(f"/api/v1/battles/{battle['id']}")).json()
        assert failed.status_code == 502 and "only 1 of 2" in failed.json()["detail"]
        assert "crashy" not in failed.text.lower()
        assert vote.status_code == 409 and "failed" in vote.json()["detail"]
        assert read["status"] == "failed"
        async with arena_state.sessions() as session:
            stored = await session.get(Battle, battle["id"])
            assert stored is not None and stored.status == "failed"


async def test_concurrent_inputs_one_wins_and_the_loser_keeps_nothing(
    arena_server: LiveServer, audio_dir: Path
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url, timeout=120) as client:
        speech = await _clip_audio(client, "clean-weather")
        battle = await _generate(client)
        url = f"/api/v1/battles/{battle['id']}/stt-transcribe"
        results = await asyncio.gather(
            *(
                client.post(
                    url,
                    files={"audio": (f"take{i}.wav", speech, "audio/wav")},
                    data={"consent": "true"},
                )
                for i in range(3)
            )
        )
    assert sorted(r.status_code for r in results) == [200, 409, 409]
    assert len(list((audio_dir / "recordings").glob("*.wav"))) == 1
