"""Per-engine STT speed and accuracy, streaming cost, and S2S cascade latency (offline systems).

Usage: .venv/bin/python -m benchmarks.stt_engines [--voices piper/joe-medium flite/slt]
Speaks a few sentences (plain, numbers, jargon) with offline TTS voices, transcribes each with
every available offline STT system (after one warm-up call) and prints time, real-time factor
and WER; then the cost of streaming PocketSphinx per 20 ms frame; then each offline S2S cascade
answering the curated spoken questions.
"""

from __future__ import annotations

import argparse
import statistics
import time

from arena.config import Settings
from arena.core.audio import Audio, concat
from arena.core.wer import score
from arena.providers.local.pocketsphinx import FRAME_BYTES
from arena.providers.registry import Registry
from arena.providers.s2s import SpeechToSpeech
from arena.providers.stt import SpeechToText
from arena.providers.tts import TextToSpeech
from arena.voice.clips.texts import S2S_QUESTIONS

SENTENCES = (
    "The library closes early on Sundays, so plan your visit for the morning.",
    "You can reach the front desk at 555-0142 until six in the evening.",
    "The total comes to 249 dollars and 99 cents including tax.",
    "The patient was prescribed atorvastatin for hyperlipidemia and mild hypertension.",
)


def spoken(voice: TextToSpeech, text: str) -> Audio:
    return concat(list(voice.synthesize(text)), 16000)


def stt_table(registry: Registry, clips: list[tuple[str, Audio]]) -> None:
    print(f"{'system':26} {'first s':>8} {'median s':>9} {'rtf':>6} {'wer':>6}")
    for system in registry.available("stt", SpeechToText):
        if system.provider in ("openai", "deepgram"):
            continue
        started = time.perf_counter()
        system.transcribe(clips[0][1])
        first = time.perf_counter() - started
        seconds, rtfs, errors = [], [], []
        for text, audio in clips:
            started = time.perf_counter()
            heard = system.transcribe(audio).text
            elapsed = time.perf_counter() - started
            seconds.append(elapsed)
            rtfs.append(elapsed / audio.duration_s)
            errors.append(score(text, heard).wer)
        print(
            f"{system.id:26} {first:8.2f} {statistics.median(seconds):9.2f}"
            f" {statistics.median(rtfs):6.3f} {statistics.mean(errors):6.3f}"
        )


def streaming_cost(registry: Registry, audio: Audio) -> None:
    recognizer = registry.get("stt-pocketsphinx/stream")
    assert isinstance(recognizer, SpeechToText)
    stream = recognizer.open_stream(16000)
    pcm = audio.to_pcm16()
    costs = []
    for start in range(0, len(pcm), FRAME_BYTES):
        started = time.perf_counter()
        stream.feed(pcm[start : start + FRAME_BYTES])
        costs.append(time.perf_counter() - started)
    started = time.perf_counter()
    stream.finish()
    finish = time.perf_counter() - started
    costs.sort()
    print(
        "stt-pocketsphinx/stream feed per 20 ms frame:"
        f" mean {statistics.mean(costs) * 1000:.2f} ms,"
        f" p95 {costs[int(0.95 * len(costs))] * 1000:.2f} ms; finish {finish:.3f} s"
    )


def s2s_table(registry: Registry, questions: list[Audio]) -> None:
    print(
        f"{'system':22} {'e2e median s':>12} {'e2e max s':>9} {'first audio s':>13} {'answered':>8}"
    )
    for system in registry.available("s2s", SpeechToSpeech):
        if not system.id.startswith("s2s-local"):
            continue
        system.respond(questions[0])
        responses = [system.respond(q) for q in questions]
        answered = sum(not r.response_text.startswith("Sorry") for r in responses)
        print(
            f"{system.id:22} {statistics.median(r.latency_s for r in responses):12.2f}"
            f" {max(r.latency_s for r in responses):9.2f}"
            f" {statistics.median(r.first_audio_s for r in responses):13.2f}"
            f" {answered:>5}/{len(responses)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voices", nargs="+", default=["piper/joe-medium", "flite/slt"])
    args = parser.parse_args()
    settings = Settings(_env_file=None, openai_api_key=None)  # type: ignore[call-arg]
    registry = Registry.load(settings)
    voices = [v for v in (registry.get(i) for i in args.voices) if isinstance(v, TextToSpeech)]
    clips = [(text, spoken(voice, text)) for voice in voices for text in SENTENCES]
    total = sum(a.duration_s for _, a in clips)
    print(f"{len(clips)} clips ({total:.1f} s) spoken by {', '.join(args.voices)}")
    stt_table(registry, clips)
    streaming_cost(registry, clips[0][1])
    questions = [spoken(voices[0], q.text) for q in S2S_QUESTIONS]
    s2s_table(registry, questions)


if __name__ == "__main__":
    main()
