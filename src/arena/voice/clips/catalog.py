"""The clip library as data: which text is spoken by which voice with which augmentation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from arena.voice.clips.augment import Augmentation, NoiseKind
from arena.voice.clips.texts import EVERYDAY, JARGON, NUMBERS, S2S_QUESTIONS, Category, ClipText

ClipKind = Literal["stt", "s2s"]

# Voice preferences: the first available TTS system speaks the clip. Natural-sounding voices
# first, so the library still builds where only espeak-ng (bundled in pip) is installed.
Voices = tuple[str, ...]
NATURAL: Voices = ("piper/joe-medium", "flite/slt", "festival/slt-hts", "espeak-ng/en-us")
NATURAL_ALT: Voices = ("flite/slt", "festival/slt-hts", "piper/joe-medium", "espeak-ng/en-us-f3")
VARIETY: tuple[Voices, ...] = (
    ("flite/awb", "espeak-ng/en-gb-scotland"),
    ("espeak-ng/en-gb-scotland", "espeak-ng/en-gb"),
    ("festival/kal", "flite/kal16", "espeak-ng/en-us"),
    ("flite/rms", "espeak-ng/en-us"),
    ("espeak-ng/en-us-f3", "espeak-ng/en-us"),
    ("flite/kal16", "espeak-ng/en-gb"),
)
# Background talkers for babble noise: the bundled espeak-ng voices.
BABBLE_VOICES = ("espeak-ng/en-us", "espeak-ng/en-gb", "espeak-ng/en-us-f3")

NOISY: tuple[tuple[NoiseKind, float], ...] = (
    ("white", 20.0),
    ("pink", 10.0),
    ("babble", 10.0),
    ("brown", 5.0),
    ("pink", 5.0),
    ("babble", 20.0),
)
FAST_TEMPI = (1.4, 1.6, 1.4, 1.6)


@dataclass(frozen=True)
class ClipSpec:
    """One clip to render: a stable id, its ground truth text and how to produce the audio.

    Ids never name a voice or engine: they are shown to users before a vote.
    """

    id: str
    kind: ClipKind
    category: Category | Literal["question"]
    text: str
    voices: tuple[str, ...]
    augmentation: Augmentation = field(default_factory=Augmentation)


def library() -> list[ClipSpec]:
    """Every curated clip: STT clips in all categories, then the spoken S2S questions."""
    return [*_stt_clips(), *_questions()]


def _stt_clips() -> list[ClipSpec]:
    specs: list[ClipSpec] = []
    for i, item in enumerate(EVERYDAY):
        specs.append(_stt("clean", item, NATURAL if i % 2 == 0 else NATURAL_ALT))
    for item, (noise, snr) in zip(EVERYDAY, NOISY, strict=True):
        augmentation = Augmentation(noise=noise, snr_db=snr)
        suffix = f"{noise}-{snr:.0f}db"
        specs.append(_stt("noisy", item, NATURAL, augmentation, suffix))
    for item, tempo in zip(EVERYDAY, FAST_TEMPI, strict=False):
        voices = NATURAL_ALT if tempo > 1.5 else NATURAL
        specs.append(_stt("fast", item, voices, Augmentation(tempo=tempo), f"x{tempo:g}"))
    for i, item in enumerate(NUMBERS):
        specs.append(_stt("numbers", item, NATURAL if i % 2 == 0 else NATURAL_ALT))
    for i, item in enumerate(JARGON):
        specs.append(_stt("jargon", item, NATURAL if i % 2 == 0 else NATURAL_ALT))
    for i, (item, voices) in enumerate(zip(EVERYDAY, VARIETY, strict=True)):
        specs.append(_stt("voices", item, voices, suffix=f"v{i + 1}"))
    return specs


def _stt(
    category: Category,
    item: ClipText,
    voices: tuple[str, ...],
    augmentation: Augmentation | None = None,
    suffix: str = "",
) -> ClipSpec:
    clip_id = f"{category}-{item.key}" + (f"-{suffix}" if suffix else "")
    return ClipSpec(clip_id, "stt", category, item.text, voices, augmentation or Augmentation())


def _questions() -> list[ClipSpec]:
    return [
        ClipSpec(
            f"question-{item.key}",
            "s2s",
            "question",
            item.text,
            NATURAL if i % 2 == 0 else NATURAL_ALT,
        )
        for i, item in enumerate(S2S_QUESTIONS)
    ]
