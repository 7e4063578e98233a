"""The grounded dialogue policy over every scenario's scripted caller, and the chat policy."""

from __future__ import annotations

import json

import pytest

from arena.core.scenarios import SCENARIOS, get_scenario
from arena.providers.local.chat_policy import ChatPolicy, PolicyError
from arena.providers.local.policy import GroundedPolicy, business_name, say_value
from tests.fakes.openai_api import ChatReply, OpenAIEmulator


def dialogue(name: str) -> list[tuple[str, str, list[str], bool]]:
    scenario = get_scenario(name)
    policy = GroundedPolicy(scenario)
    out = []
    for line in scenario.caller_lines:
        reply = policy.respond(line)
        out.append((line, reply.text, [c.name for c in reply.tool_calls], reply.end_call))
    return out


def test_greets_as_the_business() -> None:
    assert business_name(get_scenario("Haircut appointment booking")) == "StyleCut Salon"
    policy = GroundedPolicy(get_scenario("Order status check"))
    assert policy.greeting().text == "Thanks for calling ShopFast. How can I help you today?"


def test_booking_asks_confirms_books_and_says_goodbye() -> None:
    turns = dialogue("Haircut appointment booking")
    first, second, last = turns
    assert "2 pm is available" in first[1] and first[1].endswith("May I have your name, please?")
    assert first[2] == ["check_availability"]
    assert "Just to confirm" in second[1] and "Alex Morgan" in second[1]
    assert "SC-4821" in last[1] and last[2] == ["book_appointment"] and last[3]


def test_missing_slots_are_asked_for() -> None:
    policy = GroundedPolicy(get_scenario("Hotel reservation with preferences"))
    reply = policy.respond("I need a room downtown for two nights starting this Saturday.")
    assert reply.text.endswith("Do you have a bed preference, like a king or a queen?")
    assert [c.name for c in reply.tool_calls] == ["search_hotels"]


def test_a_question_is_answered_from_the_facts() -> None:
    turns = dialogue("Product comparison")
    assert "100 gigabytes" in turns[1][1] and "1 terabyte" in turns[1][1]
    assert "priority phone and email support" in turns[2][1]
    assert turns[-1][3]  # goodbye hangs up


def test_account_facts_wait_for_the_order_number() -> None:
    turns = dialogue("Order status check")
    assert turns[0][1] == "Could I have your order number, please?"
    assert "FX9876543" in turns[1][1] and turns[1][2] == ["lookup_order"]


def test_confirmation_uses_the_option_the_tools_agree_on() -> None:
    turns = dialogue("Restaurant with dietary needs")
    assert "Il Giardino" in turns[1][1] and "for 4 people" in turns[1][1]
    assert turns[2][2] == ["make_reservation"] and "BT-7730" in turns[2][1]


def test_steps_are_walked_one_at_a_time() -> None:
    turns = dialogue("Router troubleshooting guide")
    assert "First, check if router lights are on" in turns[0][1]
    assert "unplug router for 30 seconds" in turns[1][1]  # power light is on: step 2 skipped
    assert "glad it's working" in turns[2][1]


def test_a_slot_asked_twice_is_given_up_rather_than_looping() -> None:
    policy = GroundedPolicy(get_scenario("Order status check"))
    asked = [policy.respond("um, I am not sure").text for _ in range(3)]
    assert asked[0] == "Could I have your order number, please?"
    assert asked[1].startswith("Sorry, I didn't catch that.")
    assert "order number" not in asked[2]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
def test_every_scripted_call_ends_politely(scenario: object) -> None:
    from arena.core.scenarios import Scenario

    assert isinstance(scenario, Scenario)
    policy = GroundedPolicy(scenario)
    replies = [policy.respond(line) for line in scenario.caller_lines]
    assert all(r.text and "{" not in r.text for r in replies)
    assert replies[-1].end_call and "Goodbye" in replies[-1].text


def test_spoken_slot_values() -> None:
    assert say_value("time", "14:00") == "2 pm"
    assert say_value("departure", "before 12:00") == "before noon"
    assert say_value("purchase_date", "14d") == "2 weeks ago"
    assert say_value("amount", "49.99") == "$49.99"
    assert say_value("date", "friday") == "on Friday"


def test_chat_policy_answers_tools_with_canned_results() -> None:
    scenario = get_scenario("Order status check")
    with OpenAIEmulator() as api:
        api.enqueue_chat(
            ChatReply.tool_call("lookup_order", {"order_number": "78432"}),
            "Your order shipped yesterday via FedEx.",
        )
        policy = ChatPolicy(scenario, api.base_url, "test-key", "gpt-4o-mini")
        policy.greeting()
        reply = policy.respond("Where is order 78432?")
        requests = api.requests_to("/chat/completions")
    assert reply.text == "Your order shipped yesterday via FedEx."
    assert [c.name for c in reply.tool_calls] == ["lookup_order"]
    assert json.loads(reply.tool_calls[0].result)["tracking_number"] == "FX9876543"
    first, second = requests
    assert first.body["messages"][0]["content"].startswith(scenario.system_prompt)
    assert {t["function"]["name"] for t in first.body["tools"]} == {"lookup_order", "end_call"}
    assert second.body["messages"][-1]["role"] == "tool"
    policy.close()


def test_chat_policy_hangs_up_through_end_call() -> None:
    with OpenAIEmulator() as api:
        api.enqueue_chat(ChatReply.tool_call("end_call", {}), "Goodbye!")
        policy = ChatPolicy(SCENARIOS[0], api.base_url, "test-key", "m")
        reply = policy.respond("Thanks, bye.")
        policy.close()
    assert reply.end_call and reply.text == "Goodbye!"


def test_chat_policy_with_a_bad_key_fails_clearly() -> None:
    with OpenAIEmulator() as api:
        policy = ChatPolicy(SCENARIOS[0], api.base_url, "wrong", "m")
        with pytest.raises(PolicyError, match="OPENAI_API_KEY"):
            policy.respond("hello")
        policy.close()
