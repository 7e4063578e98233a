"""Slot extraction and matching: the documented rules, case by case."""

from __future__ import annotations

import pytest

from arena.core.scenarios import SCENARIOS
from arena.core.slots import extract, filled_slots, matches, mentions, normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Two P.M. please", "2 pm please"),
        ("twenty-one guests", "21 guests"),
        ("one hundred and five", "105"),
        ("seventy-eight thousand four hundred thirty-two", "78432"),
        ("nineteen hundred", "1900"),
        ("three thirty", "3 30"),
        ("seven eight four", "7 8 4"),
        ("It's $1,000.", "its $1000"),
        ("2pm", "2 pm"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("slot", "expected", "text"),
    [
        ("time", "2pm", "See you at two p.m. tomorrow"),
        ("time", "2pm", "booked for 14:00"),
        ("time", "2pm", "two o'clock works"),
        ("time", "7pm", "Friday at 7"),
        ("time", "7pm", "seven in the evening"),
        ("time", "3:30pm", "half past three"),
        ("departure", "before noon", "SW305 departs at 10:30am"),
        ("departure", "before noon", "anything before noon"),
        ("date", "Friday", "this Friday"),
        ("date", "tomorrow", "tomorrow then"),
        ("party_size", "4", "a table for four"),
        ("party_size", "4", "four people"),
        ("nights", "2", "two nights"),
        ("order_number", "78432", "seven eight four three two"),
        ("order_number", "78432", "order number 78432"),
        ("card_last4", "any", "ending in 4 2 1 7"),
        ("amount", "49.99", "forty nine dollars and ninety nine cents"),
        ("amount", "49.99", "$49.99"),
        ("purchase_date", "2 weeks ago", "a couple of weeks ago"),
        ("purchase_date", "2 weeks ago", "about fifteen days ago"),
        ("late_checkout", "yes", "with a late check-out"),
        ("late_checkout", "no", "City Inn has no late checkout"),
        ("dietary", "nut allergy", "I'm allergic to nuts"),
        ("flight_type", "direct", "a nonstop flight"),
        ("issue", "double charge", "you charged me twice"),
        ("cuisine", "Greek", "some greek food"),
        ("wifi", "yes", "and wifi please"),
    ],
)
def test_mentions(slot: str, expected: str, text: str) -> None:
    assert mentions(slot, expected, text)


@pytest.mark.parametrize(
    ("slot", "expected", "text"),
    [
        ("time", "2pm", "at 3pm"),
        ("time", "2pm", "at 2am"),
        ("departure", "before noon", "SW518 at 2pm"),
        ("date", "Friday", "on Saturday"),
        ("party_size", "4", "at 4pm for two people"),
        ("order_number", "78432", "order 78433"),
        ("card_last4", "any", "order 78432"),
        ("amount", "49.99", "$10 credit"),
        ("purchase_date", "2 weeks ago", "two months ago"),
        ("late_checkout", "yes", "there is no late checkout"),
        ("flight_type", "direct", "one stop in Denver"),
        ("seat", "window", "an aisle seat"),
        ("service", "haircut", "a hair colouring"),
    ],
)
def test_does_not_mention(slot: str, expected: str, text: str) -> None:
    assert not mentions(slot, expected, text)


def test_extract_lists_every_distinct_value_in_order() -> None:
    text = "We have 10am, 11am, 2pm, and 3:30pm; 2 pm is popular."
    assert extract("time", "2pm", text) == ("10:00", "11:00", "14:00", "15:30")


def test_ambiguous_hour_matches_either_half_of_the_day() -> None:
    assert matches("time", "2pm", "~2:00")
    assert matches("time", "2am", "~2:00")
    assert not matches("time", "2pm", "~3:00")


def test_any_matches_every_value_of_the_kind() -> None:
    assert matches("card_last4", "any", "1234")
    assert extract("card_last4", "any", "the card ends in 12345") == ()


def test_numbers_in_times_and_amounts_are_not_counts() -> None:
    assert extract("party_size", "4", "for 7 pm, it costs 4 dollars") == ()


def test_every_scenario_caller_script_fills_its_required_slots() -> None:
    for scenario in SCENARIOS:
        filled: dict[str, str] = {}
        for line in scenario.caller_lines:
            filled.update(filled_slots(scenario.required_slots, line))
        assert set(filled) == set(scenario.required_slots), scenario.name
