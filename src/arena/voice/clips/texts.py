"""The curated texts behind the clip library: STT sentences by category and spoken S2S questions.

Each text is the ground truth of the clips spoken from it, so it is written the way a careful
listener would transcribe the speech (digits where people write digits).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Category = Literal["clean", "noisy", "fast", "numbers", "jargon", "voices"]
CATEGORIES: tuple[Category, ...] = ("clean", "noisy", "fast", "numbers", "jargon", "voices")


@dataclass(frozen=True)
class ClipText:
    """One sentence to be spoken, with a stable key used in clip ids."""

    key: str
    text: str


# Everyday sentences: the clean, noisy, fast and voice-variety clips all speak these.
EVERYDAY: tuple[ClipText, ...] = (
    ClipText("weather", "The weather today is sunny with a light breeze from the west."),
    ClipText("train", "Please remember to buy milk and bread on your way home from the station."),
    ClipText("library", "The library closes early on Sundays, so plan your visit for the morning."),
    ClipText("garden", "She planted tomatoes and basil in the small garden behind the house."),
    ClipText("meeting", "Our team meeting has been moved to the large room on the second floor."),
    ClipText("coffee", "He ordered a cup of black coffee and read the newspaper by the window."),
)

NUMBERS: tuple[ClipText, ...] = (
    ClipText("phone", "You can reach the front desk at 555-0142 until six in the evening."),
    ClipText("date", "The contract starts on the 3rd of March 2025 and runs for two years."),
    ClipText("amount", "The total comes to 249 dollars and 99 cents including tax."),
    ClipText("flight", "Flight 718 to Denver departs from gate 22 at half past four."),
    ClipText("address", "The office is at 1600 Maple Avenue, suite 310."),
)

JARGON: tuple[ClipText, ...] = (
    ClipText(
        "medical-statin",
        "The patient was prescribed atorvastatin for hyperlipidemia and mild hypertension.",
    ),
    ClipText(
        "medical-mri",
        "An MRI of the lumbar spine showed a herniated disc with nerve root compression.",
    ),
    ClipText(
        "finance-ebitda",
        "Quarterly EBITDA improved while the amortization of intangible assets increased.",
    ),
    ClipText(
        "finance-bond",
        "The bond yield rose as investors priced in another hike by the central bank.",
    ),
)

# Spoken questions for speech-to-speech battles: short, answerable, and grounded in everyday
# knowledge so an offline responder and a hosted LLM can both give a sensible answer.
S2S_QUESTIONS: tuple[ClipText, ...] = (
    ClipText("capital-france", "What is the capital of France?"),
    ClipText("minutes-hour", "How many minutes are there in an hour?"),
    ClipText("boil-water", "At what temperature does water boil?"),
    ClipText("largest-planet", "Which planet is the largest in our solar system?"),
    ClipText("sleep-tips", "Can you give me a tip for sleeping better?"),
    ClipText("days-week", "How many days are there in a week?"),
)
