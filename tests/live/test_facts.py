"""Facts read from system prompts, retrieval, and speakable text."""

from __future__ import annotations

from arena.core.scenarios import get_scenario
from arena.providers.local.facts import FactIndex, facts_of, numbered_steps, speakable


def test_instructions_are_not_facts() -> None:
    facts = facts_of(get_scenario("Haircut appointment booking").system_prompt)
    assert [f.text for f in facts] == [
        "Available times tomorrow: 10am, 11am, 2pm, 3:30pm, 5pm.",
        "Stylists available: Maria, James, Priya.",
    ]


def test_options_and_their_attributes_are_parsed() -> None:
    (fact,) = facts_of(get_scenario("Restaurant with dietary needs").system_prompt)
    assert [o.name for o in fact.options] == ["Bella Vita", "Trattoria Roma", "Il Giardino"]
    assert fact.options[2].attributes == ("fully nut-free menu",)


def test_answers_are_narrowed_to_what_was_asked() -> None:
    plans = FactIndex(get_scenario("Product comparison").system_prompt)
    assert plans.answer("How much storage does each plan have?") == (
        "Basic, 100 gigabytes storage; and Premium, 1 terabyte storage."
    )
    store = FactIndex(get_scenario("Store hours and directions").system_prompt)
    assert store.answer("What are your hours on Sunday?") == "The hours are Sunday 10 am to 6 pm."
    assert store.answer("Where do I park?") == "The parking is free lot with 200 spaces."
    assert store.answer("zebra") is None


def test_numbered_steps() -> None:
    steps = numbered_steps(get_scenario("Router troubleshooting guide").system_prompt)
    assert len(steps) == 7
    assert steps[0] == "Check if router lights are on (power, internet, WiFi)."
    assert steps[-1].startswith("If still not working, there may be an outage")


def test_speakable() -> None:
    assert speakable("Mon-Sat 8am-9pm") == "Monday to Saturday 8 am to 9 pm"
    assert speakable("$9.99/mo, 100GB, 1TB") == "$9.99 a month, 100 gigabytes, 1 terabyte"
    assert speakable("Order #78432, Oak & Elm, phone+email") == (
        "Order number 78432, Oak and Elm, phone and email"
    )
