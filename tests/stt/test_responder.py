"""The grounded responder's answers, and the chat responder against the OpenAI emulator."""

from __future__ import annotations

from datetime import datetime

import pytest

from arena.config import Settings
from arena.providers.local.responder import (
    FALLBACK,
    NOT_HEARD,
    ChatResponder,
    GroundedResponder,
    ResponderError,
    responder_for,
)
from arena.voice.clips.texts import S2S_QUESTIONS
from tests.fakes.openai_api import OpenAIEmulator

NOON = datetime(2026, 3, 14, 15, 5)


def grounded() -> GroundedResponder:
    return GroundedResponder(clock=lambda: NOON)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is the capital of France?", "Paris"),
        ("how many minutes are there in an hour", "sixty minutes"),
        ("At what temperature does water boil?", "100 degrees Celsius"),
        ("which planet is the largest in our solar system", "Jupiter"),
        ("Can you give me a tip for sleeping better?", "same time every day"),
        ("how many days are there a week", "seven days"),
        ("What's seven plus five?", "Seven plus five is twelve."),
        ("what is 12 times 3", "Twelve times three is thirty six."),
        ("what is two hundred divided by eight", "is twenty five."),
        ("ten divided by four", "is 2.5."),
        ("five minus nine", "is minus four."),
        ("What is 2 + 2?", "is four."),
        ("nine divided by zero", "can't divide by zero"),
        ("What time is it?", "It's 3:05 PM."),
        ("What's the date today?", "Today is Saturday, March 14, 2026."),
        ("What is EBITDA?", "earnings before interest"),
        ("what does hypertension mean", "high blood pressure"),
        ("Hello there", "How can I help"),
        ("thanks a lot", "welcome"),
    ],
)
def test_grounded_answers(question: str, expected: str) -> None:
    assert expected in grounded().reply(question)


def test_every_curated_s2s_question_has_a_grounded_answer() -> None:
    for question in S2S_QUESTIONS:
        assert grounded().reply(question.text) not in (FALLBACK, NOT_HEARD), question.text


def test_unknown_and_empty_questions() -> None:
    assert grounded().reply("tell me about quantum chromodynamics") == FALLBACK
    assert grounded().reply(" ... ") == NOT_HEARD


def test_chat_responder_sends_the_utterance_and_returns_the_reply() -> None:
    with OpenAIEmulator(api_key="sk-test") as api:
        api.enqueue_chat("Paris is the capital of France.")
        responder = ChatResponder("gpt-4o-mini", api.base_url, "sk-test")
        assert (
            responder.reply("What is the capital of France?") == "Paris is the capital of France."
        )
        body = api.requests_to("/chat/completions")[0].body
        assert body["model"] == "gpt-4o-mini"
        assert body["messages"][-1] == {"role": "user", "content": "What is the capital of France?"}
        assert "spoken" in body["messages"][0]["content"]


def test_chat_responder_rejected_key() -> None:
    with OpenAIEmulator(api_key="sk-test") as api:
        responder = ChatResponder("gpt-4o-mini", api.base_url, "sk-wrong")
        with pytest.raises(ResponderError, match="check OPENAI_API_KEY"):
            responder.reply("hello")


def test_chat_responder_unreachable() -> None:
    responder = ChatResponder("gpt-4o-mini", "http://127.0.0.1:9/v1", "sk-test")
    with pytest.raises(ResponderError, match="check OPENAI_BASE_URL"):
        responder.reply("hello")


def test_responder_for_settings(settings: Settings) -> None:
    assert isinstance(responder_for(settings), GroundedResponder)
    keyed = settings.model_copy(update={"openai_api_key": "sk-test"})
    chat = responder_for(keyed)
    assert isinstance(chat, ChatResponder)
    assert chat.model == settings.openai_model


def test_time_needs_a_time_question() -> None:
    assert "3:05" not in grounded().reply("what is the best time to sleep")
    assert grounded().reply("could you tell me the time") == "It's 3:05 PM."
