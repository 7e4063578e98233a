"""Dialogue policies for the offline agents: what to say next, given what the caller said.

`GroundedPolicy` needs no model: it reads the caller's slot values with `arena.core.slots`,
asks for what is still missing, answers questions by retrieval over the scenario's facts,
walks through numbered steps one at a time, confirms, and calls the scenario's simulated
tools (their canned results become `ToolCall` events and the words of its replies).
`arena.providers.local.chat_policy.ChatPolicy` uses an OpenAI-compatible model instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from arena.core import slots
from arena.core.scenarios import Scenario, Tool
from arena.providers.local.facts import FactIndex, numbered_steps, speakable
from arena.voice.live.events import ToolCall

_BUSINESS = re.compile(r"\b(?:at|for) ([A-Z][\w]*(?: [A-Z][\w]*)*)")
_AFFIRM = re.compile(
    r"\b(yes|yeah|yep|sure|correct|right|please do|go ahead|sounds good|perfect|book it|"
    r"that works|works for me|okay|ok|fine|please)\b"
)
_DENY = re.compile(r"^\s*(no|nope|not quite|actually no|wait)\b|\bthat's wrong\b")
_FAREWELL = re.compile(r"\b(goodbye|good bye|bye|that's all|that is all|that's everything)\b")
_RESOLVED = re.compile(r"\b(it works|works now|working now|fixed|green now|it's back|is back)\b")
_NAME = re.compile(r"\b(?:my name is|name's|name is)\s+([a-z]+(?:\s(?!and\b)[a-z]+)?)", re.I)
_CORRECTION = re.compile(r"\b(actually|instead|change|make it|rather|correction)\b")
_QUESTION = re.compile(
    r"\?|^\s*(what|how|when|where|which|who|why|do|does|is|are|can|could|will|would)\b", re.I
)
_STICKY = (slots.SlotKind.COUNT, slots.SlotKind.IDENTIFIER)
_ACTION_PREFIXES = ("book", "make", "rebook", "process", "apply", "schedule", "cancel")

# How a filled slot is said back: "{v}" is the spoken value.
_SAY_SLOT: Mapping[str, str] = {
    "service": "a {v}",
    "date": "{v}",
    "check_in": "checking in {v}",
    "time": "at {v}",
    "party_size": "for {v} people",
    "nights": "for {v} nights",
    "cuisine": "{v} food",
    "location": "{v}",
    "dietary": "noting the {v}",
    "bed_type": "a {v} bed",
    "destination": "to {v}",
    "departure": "leaving {v}",
    "seat": "a {v} seat",
    "flight_type": "a {v} flight",
    "order_number": "order {v}",
    "item": "the {v}",
    "purchase_date": "bought {v}",
    "card_last4": "the card ending in {v}",
    "issue": "the {v}",
    "amount": "{v}",
}
_ASK_SLOT: Mapping[str, str] = {
    "service": "What service would you like?",
    "date": "What day would you like to come in?",
    "check_in": "What day will you be checking in?",
    "time": "What time works best for you?",
    "party_size": "How many people will be in your party?",
    "nights": "How many nights will you be staying?",
    "cuisine": "What kind of food are you in the mood for?",
    "location": "Which area would you like?",
    "dietary": "Does anyone in your party have dietary needs or allergies?",
    "bed_type": "Do you have a bed preference, like a king or a queen?",
    "late_checkout": "Would you like a late checkout?",
    "destination": "Where are you flying to?",
    "departure": "When would you like to leave?",
    "seat": "Do you have a seat preference, window or aisle?",
    "flight_type": "Would you prefer a direct flight?",
    "order_number": "Could I have your order number, please?",
    "item": "Which item would you like to return?",
    "purchase_date": "About when did you buy it?",
    "card_last4": "Could I have the last four digits of the card you paid with?",
    "issue": "Could you tell me what happened?",
    "amount": "How much were you charged?",
    "info_type": "What would you like to know?",
}
_SAY_RESULT: tuple[tuple[str, str], ...] = (
    ("flight", "You're now on flight {flight}"),
    ("departs", ", departing at {departs}"),
    ("seat", ", seat {seat}."),
    ("confirmation_number", " Your confirmation number is {confirmation_number}."),
    ("return_number", " Your return number is {return_number}."),
    ("store_credit_usd", " You'll get ${store_credit_usd:.2f} in store credit."),
    ("arrives_in", " The refund should reach your card in {arrives_in}."),
    ("credit_usd", " I've also added a ${credit_usd:.0f} credit to your account."),
    ("message", " {message}"),
)


@dataclass(frozen=True)
class Reply:
    """What the agent says next, the tools it called on the way, and whether it hangs up."""

    text: str
    tool_calls: tuple[ToolCall, ...] = ()
    end_call: bool = False


class Policy(Protocol):
    """Chooses the agent's words; `respond` may block (run it in a worker thread)."""

    def greeting(self) -> Reply: ...

    def respond(self, heard: str) -> Reply: ...


def business_name(scenario: Scenario) -> str | None:
    """The business the agent speaks for ("StyleCut Salon"), read from the system prompt."""
    first = scenario.system_prompt.split(". ")[0]
    found = _BUSINESS.search(first)
    return found[1] if found else None


def greeting_for(scenario: Scenario) -> str:
    name = business_name(scenario)
    return (
        f"Thanks for calling {name}. How can I help you today?"
        if name
        else ("Hello! How can I help you today?")
    )


def tool_call(tool: Tool, arguments: Mapping[str, Any]) -> ToolCall:
    """A simulated call of `tool`: its canned result, as JSON."""
    return ToolCall(tool.name, dict(arguments), json.dumps(dict(tool.result)))


def say_value(slot: str, value: str) -> str:
    """A canonical slot value (from `arena.core.slots`) as words."""
    if re.fullmatch(r"~?\d{1,2}:\d{2}", value):
        return _say_clock(value)
    if value.startswith(("before ", "after ")):
        word, clock = value.split(" ", 1)
        return f"{word} {_say_clock(clock)}"
    if re.fullmatch(r"\d+d", value):
        days = int(value[:-1])
        if days % 7 == 0:
            weeks = days // 7
            return f"{weeks} week{'s' if weeks > 1 else ''} ago"
        return f"{days} days ago"
    if re.fullmatch(r"\d+\.\d{2}", value) and slot == "amount":
        return f"${value}"
    if value in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"):
        return f"on {value.capitalize()}"
    if slot in ("cuisine", "destination"):
        return value.title()
    return value


def _say_clock(clock: str) -> str:
    if clock == "12:00":
        return "noon"
    hour, minute = (int(part) for part in clock.lstrip("~").split(":"))
    if clock.startswith("~"):
        return f"{hour}:{minute:02d}" if minute else str(hour)
    half = "am" if hour < 12 else "pm"
    hour = hour % 12 or 12
    return f"{hour}:{minute:02d} {half}" if minute else f"{hour} {half}"


@dataclass
class GroundedPolicy:
    """A deterministic agent grounded in the scenario (see the module docstring)."""

    scenario: Scenario
    filled: dict[str, str] = field(default_factory=dict)
    name: str | None = None
    said: set[str] = field(default_factory=set)
    called: set[str] = field(default_factory=set)
    awaiting_confirmation: bool = False
    done: bool = False
    step: int = 0
    asked: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._facts = FactIndex(self.scenario.system_prompt)
        self._steps = numbered_steps(self.scenario.system_prompt)
        prompt = self.scenario.system_prompt.lower()
        self._wants_name = bool(re.search(r"ask for[^.]*\bname\b", prompt))
        self._apologize = "apologiz" in prompt
        self._actions = [t for t in self.scenario.tools if t.name.startswith(_ACTION_PREFIXES)]
        self._lookups = [t for t in self.scenario.tools if t not in self._actions]

    def greeting(self) -> Reply:
        return Reply(greeting_for(self.scenario))

    def respond(self, heard: str) -> Reply:
        text = heard.strip()
        lowered = text.lower()
        if not text:
            return Reply("Sorry, I didn't catch that. Could you say it again?")
        farewell = bool(_FAREWELL.search(lowered))
        if farewell and not self._has_unanswered_request(lowered):
            return Reply(self._farewell(), end_call=True)
        if self._steps:
            return self._troubleshoot(lowered)
        if self.awaiting_confirmation:
            confirmed = self._confirmation(lowered)
            if confirmed is not None and farewell:
                text = confirmed.text.replace(" Is there anything else I can help you with?", "")
                return Reply(f"{text} {self._farewell()}", confirmed.tool_calls, end_call=True)
            if confirmed is not None:
                return confirmed
        return self._next(text)

    def _has_unanswered_request(self, lowered: str) -> bool:
        """A goodbye that also asks to book ("book it, thanks, bye") still gets the booking."""
        return self.awaiting_confirmation and bool(_AFFIRM.search(lowered)) and not self.done

    def _farewell(self) -> str:
        name = f", {self.name.split()[0]}" if self.name else ""
        return f"You're very welcome{name}. Have a great day. Goodbye!"

    def _next(self, text: str) -> Reply:
        parts: list[str] = []
        calls: list[ToolCall] = []
        new = self._read_slots(text)
        if self._apologize and "apology" not in self.said and (new or self.filled):
            self.said.add("apology")
            parts.append("I'm so sorry about that, and thank you for your patience.")
        if new:
            parts.append(self._acknowledge(new))
        lookup = self._lookup(text, calls)
        if lookup:
            parts.append(lookup)
        elif (_QUESTION.search(text) or not new) and not self._identity_missing():
            answer = self._facts.answer(text)
            if answer and answer not in self.said:
                self.said.add(answer)
                parts.append(answer)
        parts.append(self._next_step(calls))
        return Reply(" ".join(p for p in parts if p), tuple(calls))

    def _read_slots(self, text: str) -> dict[str, str]:
        new: dict[str, str] = {}
        correcting = bool(_CORRECTION.search(text.lower()))
        for slot, expected in self.scenario.required_slots.items():
            values = slots.extract(slot, expected, text)
            if not values or self.filled.get(slot) == values[0]:
                continue
            kind = slots.slot_spec(slot, expected).kind
            if slot in self.filled and kind in _STICKY and not correcting:
                continue  # "one of us has an allergy" does not change a party of four
            new[slot] = values[0]
        self.filled.update(new)
        if self._wants_name and self.name is None:
            found = _NAME.search(text)
            if found:
                self.name = found[1].title()
                new["name"] = self.name
        return new

    def _identity_missing(self) -> bool:
        """Account facts wait until the caller has said which order/card it is about."""
        return any(
            slots.slot_spec(slot, expected).kind is slots.SlotKind.IDENTIFIER
            for slot, expected in self.scenario.required_slots.items()
            if slot not in self.filled
        )

    def _acknowledge(self, new: dict[str, str]) -> str:
        pieces = [self._say_slot(slot, value) for slot, value in new.items() if slot != "name"]
        pieces = [p for p in pieces if p]
        thanks = f"Thanks, {new['name'].split()[0]}." if "name" in new else ""
        if not pieces:
            return thanks
        # "Got it." alone first: a short first sentence is spoken sooner.
        said = ", ".join(pieces)
        return f"{thanks} Got it. {said[0].upper()}{said[1:]}.".strip()

    @staticmethod
    def _say_slot(slot: str, value: str) -> str:
        if slot == "late_checkout":
            return "with a late checkout" if value == "yes" else "no late checkout"
        if slot == "info_type":
            return ""
        template = _SAY_SLOT.get(slot, slot.replace("_", " ") + " {v}")
        return template.format(v=say_value(slot, value))

    def _lookup(self, text: str, calls: list[ToolCall]) -> str:
        """Call the lookup tools once there is something to look up; say what they found."""
        if not self.filled or not self._lookups:
            return ""
        spoken: list[str] = []
        for tool in self._lookups:
            if tool.name in self.called:
                continue
            self.called.add(tool.name)
            calls.append(tool_call(tool, self.filled))
            query = " ".join([tool.description, text, *self.filled.values()])
            answer = self._availability(query) or self._facts.answer(query, focus="")
            if answer and answer not in self.said:
                self.said.add(answer)
                spoken.append(answer)
        return " ".join(spoken)

    def _availability(self, query: str) -> str:
        """When the caller asked for a time the facts list as available, say whether it is."""
        wanted = self.filled.get("time")
        found = self._facts.best(query)
        if wanted is None or found is None:
            return ""
        expected = self.scenario.required_slots.get("time", "")
        listed = slots.extract("time", expected, found[0].text)
        if len(listed) < 2:
            return ""
        spoken = say_value("time", wanted)
        if any(slots.matches("time", say_value("time", t), wanted) for t in listed):
            return f"Good news, {spoken} is available."
        options = ", ".join(say_value("time", t) for t in listed)
        return f"I'm sorry, {spoken} isn't available. I have {options}."

    def _next_step(self, calls: list[ToolCall]) -> str:
        missing = [s for s in self.scenario.required_slots if s not in self.filled]
        # Asked twice and still not understood: go on without it rather than loop.
        missing = [s for s in missing if s != "info_type" and self.asked.get(s, 0) < 2]
        if missing:
            slot = missing[0]
            self.asked[slot] = self.asked.get(slot, 0) + 1
            question = _ASK_SLOT.get(slot, f"Could you tell me the {slot.replace('_', ' ')}?")
            return question if self.asked[slot] == 1 else f"Sorry, I didn't catch that. {question}"
        if self._wants_name and self.name is None:
            return "May I have your name, please?"
        if self._actions and not self.done:
            self.awaiting_confirmation = True
            return self._confirm_question()
        return "Is there anything else I can help you with?"

    def _confirm_question(self) -> str:
        summary = [self._say_slot(s, v) for s, v in self.filled.items()]
        summary = [s for s in summary if s]
        option = self._facts.option_named(self._result_names())
        lead = f"{speakable(option.describe())}, " if option else ""
        who = f", under the name {self.name}" if self.name else ""
        return f"Just to confirm: {lead}{', '.join(summary)}{who}. Shall I go ahead?"

    def _result_names(self) -> set[str]:
        names: set[str] = set()
        for tool in self._actions:
            names.update(str(v) for v in tool.result.values() if isinstance(v, str))
        return names

    def _confirmation(self, lowered: str) -> Reply | None:
        if _DENY.search(lowered):
            self.awaiting_confirmation = False
            return Reply("No problem. What would you like to change?")
        if not _AFFIRM.search(lowered):
            return None
        self.awaiting_confirmation = False
        self.done = True
        calls = [tool_call(tool, self.filled) for tool in self._actions]
        self.called.update(tool.name for tool in self._actions)
        said = "".join(self._say_result(tool) for tool in self._actions).strip()
        closing = "Is there anything else I can help you with?"
        return Reply(f"All done. {speakable(said)} {closing}".replace("  ", " "), tuple(calls))

    @staticmethod
    def _say_result(tool: Tool) -> str:
        result = dict(tool.result)
        out = ""
        for key, template in _SAY_RESULT:
            if key in result:
                out += template.format(**result)
        if not out and result.get("status"):
            out = f" The status is {result['status']}."
        return out

    def _troubleshoot(self, lowered: str) -> Reply:
        """Walk through numbered steps one per turn, skipping those the caller ruled out."""
        if _RESOLVED.search(lowered):
            self.step = len(self._steps)
            return Reply(
                "Great, I'm glad it's working now! Is there anything else I can help with?"
            )
        lead = (
            "I'm sorry about the trouble, let's fix it together. First, "
            if self.step == 0
            else ("Thanks. Next, ")
        )
        while self.step < len(self._steps) and _ruled_out(self._steps[self.step], lowered):
            self.step += 1
        if self.step >= len(self._steps):
            return Reply("We've gone through every step. Is there anything else I can help with?")
        step = self._steps[self.step]
        self.step += 1
        calls: tuple[ToolCall, ...] = ()
        extra = ""
        outage = next((t for t in self.scenario.tools if "outage" in t.name), None)
        if outage is not None and "outage" in step.lower():
            calls = (tool_call(outage, {}),)
            extra = " " + str(outage.result.get("message", "")).strip()
        first = step[0].lower() + step[1:]
        return Reply(f"{lead}{speakable(first)}{extra} Let me know how that goes.", calls)


def _ruled_out(step: str, lowered: str) -> bool:
    """A step "If the power light is off, …" when the caller said the power light is on."""
    condition = re.match(r"if (?:the )?([a-z ]+?) (?:light )?is (off|on)\b", step.lower())
    if condition is None:
        return False
    subject, state = condition[1].split()[-1], condition[2]
    opposite = "on" if state == "off" else "off"
    return bool(re.search(rf"\b{subject}\b[a-z ]{{0,12}}\b(is|are) {opposite}\b", lowered))


__all__ = [
    "GroundedPolicy",
    "Policy",
    "Reply",
    "business_name",
    "greeting_for",
    "say_value",
    "tool_call",
]
