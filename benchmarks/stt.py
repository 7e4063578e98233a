"""WER and real-time factor of every offline STT system on the clip library, by category.

Usage: .venv/bin/python -m benchmarks.stt [--audio-dir DIR] [--systems ID ...]
Renders the curated STT clips (cached, as `arena seed` does), warms each system up with one
call, then transcribes every clip. WER is corpus-level per category (all errors / all reference
words, normalized as in `arena.core.wer`); RTF is processing time / audio duration.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import soundfile as sf

from arena.config import Settings
from arena.core.audio import Audio
from arena.core.wer import score
from arena.providers.registry import Registry
from arena.providers.stt import SpeechToText
from arena.voice.clips.catalog import library
from arena.voice.clips.generate import ClipRenderer, RenderedClip
from arena.voice.clips.texts import CATEGORIES


@dataclass
class Tally:
    """Errors, reference words, processing and audio seconds for one system and category."""

    errors: int = 0
    words: int = 0
    seconds: float = 0.0
    audio_s: float = 0.0
    clips: int = 0
    samples: list[str] = field(default_factory=list)

    @property
    def wer(self) -> float:
        return self.errors / self.words if self.words else float("nan")

    @property
    def rtf(self) -> float:
        return self.seconds / self.audio_s if self.audio_s else float("nan")


def load(clip: RenderedClip) -> Audio:
    data, rate = sf.read(str(clip.path), dtype="float32")
    return Audio(data, int(rate))


def measure(system: SpeechToText, clips: list[tuple[RenderedClip, Audio]]) -> dict[str, Tally]:
    system.transcribe(clips[0][1])  # warm-up: model loading is not part of the RTF
    tallies: dict[str, Tally] = defaultdict(Tally)
    for clip, audio in clips:
        start = time.perf_counter()
        text = system.transcribe(audio).text
        elapsed = time.perf_counter() - start
        report = score(clip.spec.text, text)
        for key in (clip.spec.category, "all"):
            tally = tallies[key]
            tally.errors += report.substitutions + report.deletions + report.insertions
            tally.words += len(report.reference.split())
            tally.seconds += elapsed
            tally.audio_s += audio.duration_s
            tally.clips += 1
    return tallies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio-dir", type=Path, default=None, help="clip cache folder")
    parser.add_argument("--systems", nargs="*", default=None, help="STT system ids")
    args = parser.parse_args()
    settings = Settings()
    registry = Registry.load(settings)
    renderer = ClipRenderer(registry, args.audio_dir or settings.audio_dir)
    rendered = renderer.render_all(s for s in library() if s.kind == "stt")
    clips = [(c, load(c)) for c in rendered]
    systems = [
        s
        for s in registry.of_mode("stt")
        if isinstance(s, SpeechToText)
        and s.available().ok
        and (args.systems is None or s.id in args.systems)
        and type(s).__module__.startswith("arena.providers.local.")
    ]
    counts: dict[str, int] = defaultdict(int)
    for clip, _ in clips:
        counts[clip.spec.category] += 1
    total_audio = sum(a.duration_s for _, a in clips)
    print(
        f"{len(clips)} clips, {total_audio:.1f} s of audio: "
        + ", ".join(f"{c} {counts[c]}" for c in CATEGORIES)
    )
    columns = [*CATEGORIES, "all"]
    print("\nWER by category (corpus WER, normalized)\n")
    print("| system | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    results = {s.id: measure(s, clips) for s in systems}
    for system_id, tallies in results.items():
        cells = [f"{tallies[c].wer:.3f}" if c in tallies else "–" for c in columns]
        print(f"| {system_id} | " + " | ".join(cells) + " |")
    print("\nReal-time factor by category (processing s / audio s)\n")
    print("| system | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for system_id, tallies in results.items():
        cells = [f"{tallies[c].rtf:.3f}" if c in tallies else "–" for c in columns]
        print(f"| {system_id} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
