"""The scenario catalogue: the plan's ten tasks, consistent and safe to show."""

from __future__ import annotations

import pytest

from arena.core.scenarios import (
    CATEGORIES,
    DIFFICULTIES,
    SCENARIOS,
    Scenario,
    UnknownScenarioError,
    get_scenario,
)


def test_ten_scenarios_with_unique_names_and_slugs() -> None:
    assert len(SCENARIOS) == 10
    assert len({s.name for s in SCENARIOS}) == 10
    assert len({s.slug for s in SCENARIOS}) == 10


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
def test_scenario_is_well_formed(scenario: Scenario) -> None:
    assert scenario.category in CATEGORIES
    assert scenario.difficulty in DIFFICULTIES
    assert scenario.max_turns > 0 and scenario.max_duration_seconds > 0
    assert scenario.caller_lines
    for tool in scenario.tools:
        assert tool.result, tool.name
        assert tool.as_openai_tool()["function"]["name"] == tool.name
    public = scenario.public()
    assert "system_prompt" not in public and "required_slots" not in public


def test_get_scenario_by_name_or_slug() -> None:
    assert get_scenario("Flight rebooking").slug == "flight-rebooking"
    assert get_scenario("ORDER-STATUS-CHECK").name == "Order status check"
    with pytest.raises(UnknownScenarioError, match="choose one of"):
        get_scenario("karaoke night")


def test_canned_tool_results_agree_with_the_system_prompt() -> None:
    flight = get_scenario("flight-rebooking")
    rebook = flight.tool("rebook_flight")
    assert rebook is not None and rebook.result["flight"] in flight.system_prompt
    order = get_scenario("order-status-check").tool("lookup_order")
    assert order is not None and order.result["tracking_number"] == "FX9876543"
