"""Task scenarios for live agent battles: what the caller wants and what the agent knows.

Every scenario carries a user-facing `description` (the only part shown before a vote), the
agent's `system_prompt` with the facts it may use, the `required_slots` a successful call has to
establish (matched by `arena.core.slots`), and simulated tools whose canned results agree with
the system prompt. `caller_lines` is a cooperative caller's script, used by the simulated caller
and by benchmarks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

Category = Literal["booking", "support", "info_retrieval"]
Difficulty = Literal["easy", "medium", "hard"]

CATEGORIES: tuple[Category, ...] = ("booking", "support", "info_retrieval")
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")


class UnknownScenarioError(KeyError):
    """No scenario has the requested name or slug."""

    def __str__(self) -> str:
        names = ", ".join(s.slug for s in SCENARIOS)
        return f"unknown scenario {self.args[0]!r}: choose one of {names}"


@dataclass(frozen=True)
class Tool:
    """A simulated tool the agent may call; `result` is what the call returns, always the same."""

    name: str
    description: str
    result: Mapping[str, Any]

    def as_openai_tool(self) -> dict[str, Any]:
        """The OpenAI `tools` entry for this tool (free-form arguments)."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": {"type": "object", "properties": {}, "additionalProperties": True},
            },
        }


@dataclass(frozen=True)
class Scenario:
    """One task a caller brings to an agent; both agents of a battle get the same scenario."""

    name: str
    category: Category
    difficulty: Difficulty
    description: str
    system_prompt: str
    required_slots: Mapping[str, str]
    success_criteria: str
    tools: tuple[Tool, ...]
    max_turns: int
    max_duration_seconds: int
    caller_lines: tuple[str, ...]

    @property
    def slug(self) -> str:
        """A stable, URL- and CLI-friendly key derived from the name."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

    def tool(self, name: str) -> Tool | None:
        return next((t for t in self.tools if t.name == name), None)

    def public(self) -> dict[str, Any]:
        """The fields a caller may see before voting (nothing about the agents)."""
        return {
            "name": self.name,
            "category": self.category,
            "difficulty": self.difficulty,
            "description": self.description,
            "max_turns": self.max_turns,
            "max_duration_seconds": self.max_duration_seconds,
        }


def _tool(name: str, description: str, **result: Any) -> Tool:
    return Tool(name, description, MappingProxyType(result))


def _slots(**slots: str) -> Mapping[str, str]:
    return MappingProxyType(slots)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        name="Haircut appointment booking",
        category="booking",
        difficulty="easy",
        description="Book a haircut appointment for tomorrow at 2pm at your usual salon.",
        system_prompt=(
            "You are a receptionist at StyleCut Salon. Help customers book haircut appointments. "
            "Available times tomorrow: 10am, 11am, 2pm, 3:30pm, 5pm. Ask for their name, "
            "preferred stylist (optional), and confirm the time. "
            "Stylists available: Maria, James, Priya."
        ),
        required_slots=_slots(service="haircut", date="tomorrow", time="2pm"),
        success_criteria=(
            "Agent confirms a haircut appointment for tomorrow at 2pm with customer name."
        ),
        tools=(
            _tool(
                "check_availability",
                "Check available time slots",
                date="tomorrow",
                available_times=["10am", "11am", "2pm", "3:30pm", "5pm"],
                stylists=["Maria", "James", "Priya"],
            ),
            _tool(
                "book_appointment",
                "Book an appointment",
                status="confirmed",
                confirmation_number="SC-4821",
                service="haircut",
                date="tomorrow",
                time="2pm",
            ),
        ),
        max_turns=8,
        max_duration_seconds=60,
        caller_lines=(
            "Hi, I'd like to book a haircut for tomorrow at 2pm.",
            "My name is Alex Morgan. Maria would be great.",
            "Yes, that's right. Thank you, goodbye.",
        ),
    ),
    Scenario(
        name="Restaurant with dietary needs",
        category="booking",
        difficulty="medium",
        description=(
            "Book a table for 4 at an Italian restaurant downtown this Friday at 7pm. "
            "You have a severe nut allergy."
        ),
        system_prompt=(
            "You are a restaurant booking assistant for BookTable. Help customers find and book "
            "restaurants. Downtown Italian restaurants: Bella Vita (nut-free kitchen available), "
            "Trattoria Roma (cannot guarantee nut-free), Il Giardino (fully nut-free menu). Ask "
            "for party size, date, time, and any dietary needs. Confirm all details before "
            "booking."
        ),
        required_slots=_slots(
            party_size="4",
            cuisine="Italian",
            location="downtown",
            date="Friday",
            time="7pm",
            dietary="nut allergy",
        ),
        success_criteria=(
            "Agent books at a restaurant that accommodates nut allergies, for 4 people, on "
            "Friday around 7pm, and confirms the booking."
        ),
        tools=(
            _tool(
                "search_restaurants",
                "Search for restaurants",
                location="downtown",
                cuisine="Italian",
                restaurants=[
                    {"name": "Bella Vita", "nut_free": "nut-free kitchen available"},
                    {"name": "Trattoria Roma", "nut_free": "cannot guarantee nut-free"},
                    {"name": "Il Giardino", "nut_free": "fully nut-free menu"},
                ],
            ),
            _tool(
                "check_availability",
                "Check table availability",
                restaurant="Il Giardino",
                date="Friday",
                available_times=["6:30pm", "7pm", "8:15pm"],
                max_party_size=6,
            ),
            _tool(
                "make_reservation",
                "Make a reservation",
                status="confirmed",
                confirmation_number="BT-7730",
                restaurant="Il Giardino",
                party_size=4,
                date="Friday",
                time="7pm",
                notes="severe nut allergy",
            ),
        ),
        max_turns=10,
        max_duration_seconds=90,
        caller_lines=(
            "Hi, I need a table for four at an Italian restaurant downtown this Friday at 7pm.",
            "One of us has a severe nut allergy, so it has to be safe for that.",
            "That sounds good, please book it for four people on Friday at 7pm.",
            "Perfect, thank you. Goodbye.",
        ),
    ),
    Scenario(
        name="Hotel reservation with preferences",
        category="booking",
        difficulty="medium",
        description=(
            "Book a hotel room downtown for 2 nights starting this Saturday. You want a king "
            "bed and late checkout."
        ),
        system_prompt=(
            "You are a hotel booking assistant for StayEasy. Downtown hotels: Grand Plaza "
            "($189/night, king available, late checkout $30 extra), City Inn ($129/night, king "
            "available, no late checkout), Luxury Suites ($299/night, king standard, "
            "complimentary late checkout). Help the customer find the right hotel and book."
        ),
        required_slots=_slots(
            check_in="Saturday", nights="2", bed_type="king", late_checkout="yes"
        ),
        success_criteria=(
            "Agent books a hotel with king bed for 2 nights starting Saturday, addresses late "
            "checkout preference."
        ),
        tools=(
            _tool(
                "search_hotels",
                "Search for hotels",
                location="downtown",
                hotels=[
                    {
                        "name": "Grand Plaza",
                        "price_per_night": 189,
                        "king": True,
                        "late_checkout": "$30 extra",
                    },
                    {
                        "name": "City Inn",
                        "price_per_night": 129,
                        "king": True,
                        "late_checkout": "no",
                    },
                    {
                        "name": "Luxury Suites",
                        "price_per_night": 299,
                        "king": True,
                        "late_checkout": "complimentary",
                    },
                ],
            ),
            _tool(
                "book_room",
                "Book a hotel room",
                status="confirmed",
                confirmation_number="SE-2290",
                hotel="Grand Plaza",
                check_in="Saturday",
                nights=2,
                bed_type="king",
                late_checkout=True,
                total_usd=408,
            ),
        ),
        max_turns=10,
        max_duration_seconds=90,
        caller_lines=(
            "Hello, I need a hotel room downtown for two nights starting this Saturday.",
            "I'd like a king bed, and I really need a late checkout.",
            "The Grand Plaza with late checkout works. Please book it.",
            "Great, thanks. Bye.",
        ),
    ),
    Scenario(
        name="Flight rebooking",
        category="booking",
        difficulty="hard",
        description=(
            "Your flight tomorrow at 8am was cancelled. You need to rebook for the same "
            "destination (Chicago). You prefer a direct flight and window seat, departing "
            "before noon."
        ),
        system_prompt=(
            "You are an airline rebooking agent for SkyWay Airlines. The customer's flight SW201 "
            "(8am to Chicago) was cancelled due to weather. Available flights tomorrow to "
            "Chicago: SW305 (10:30am, direct, window available, $0 change fee), SW412 (11:45am, "
            "1 stop in Denver, window available, $0 change fee), SW518 (2pm, direct, aisle only, "
            "$0 change fee). Help rebook and confirm all details including seat preference."
        ),
        required_slots=_slots(
            destination="Chicago", departure="before noon", seat="window", flight_type="direct"
        ),
        success_criteria=(
            "Agent rebooks on a suitable flight before noon with window seat, ideally direct."
        ),
        tools=(
            _tool(
                "search_flights",
                "Search available flights",
                destination="Chicago",
                date="tomorrow",
                flights=[
                    {"flight": "SW305", "departs": "10:30am", "stops": 0, "seats": ["window"]},
                    {
                        "flight": "SW412",
                        "departs": "11:45am",
                        "stops": 1,
                        "via": "Denver",
                        "seats": ["window"],
                    },
                    {"flight": "SW518", "departs": "2pm", "stops": 0, "seats": ["aisle"]},
                ],
                change_fee_usd=0,
            ),
            _tool(
                "rebook_flight",
                "Rebook the customer's flight",
                status="confirmed",
                flight="SW305",
                departs="10:30am",
                destination="Chicago",
                seat="14A window",
                change_fee_usd=0,
            ),
        ),
        max_turns=12,
        max_duration_seconds=120,
        caller_lines=(
            "Hi, my flight to Chicago tomorrow at 8am was cancelled and I need to rebook.",
            "I'd prefer a direct flight that leaves before noon.",
            "And I'd like a window seat, please.",
            "Yes, please book that one. Thank you, goodbye.",
        ),
    ),
    Scenario(
        name="Order status check",
        category="support",
        difficulty="easy",
        description="Check the status of your recent order #78432. You ordered it 3 days ago.",
        system_prompt=(
            "You are a customer support agent for ShopFast. Order #78432: placed 3 days ago, 2 "
            "items (wireless headphones, phone case), shipped yesterday via FedEx, tracking "
            "#FX9876543, estimated delivery in 2 days. Provide order status clearly and offer "
            "the tracking number."
        ),
        required_slots=_slots(order_number="78432"),
        success_criteria="Agent provides order status, shipping info, and tracking number.",
        tools=(
            _tool(
                "lookup_order",
                "Look up order by number",
                order_number="78432",
                placed="3 days ago",
                items=["wireless headphones", "phone case"],
                status="shipped",
                shipped="yesterday",
                carrier="FedEx",
                tracking_number="FX9876543",
                estimated_delivery="in 2 days",
            ),
        ),
        max_turns=6,
        max_duration_seconds=45,
        caller_lines=(
            "Hi, I'd like to check the status of my order.",
            "The order number is 7 8 4 3 2. I placed it three days ago.",
            "Thanks, that's all I needed. Goodbye.",
        ),
    ),
    Scenario(
        name="Return with missing receipt",
        category="support",
        difficulty="medium",
        description=(
            "You want to return a jacket you bought 2 weeks ago but lost the receipt. You paid "
            "with a credit card."
        ),
        system_prompt=(
            "You are a returns specialist for FashionMart. Policy: returns within 30 days with "
            "receipt for full refund. Without receipt: can look up by credit card (last 4 digits "
            "+ approximate date), then issue store credit. Ask for item description, approximate "
            "purchase date, and last 4 digits of card. If found, process the return for store "
            "credit."
        ),
        required_slots=_slots(item="jacket", purchase_date="2 weeks ago", card_last4="any"),
        success_criteria=(
            "Agent looks up the purchase by card, finds it, and processes return for store credit."
        ),
        tools=(
            _tool(
                "lookup_purchase",
                "Look up purchase by card",
                found=True,
                item="jacket",
                purchased="14 days ago",
                amount_usd=89.0,
                payment="credit card",
            ),
            _tool(
                "process_return",
                "Process a return",
                status="processed",
                refund_type="store credit",
                store_credit_usd=89.0,
                return_number="FM-5512",
            ),
        ),
        max_turns=10,
        max_duration_seconds=90,
        caller_lines=(
            "Hi, I want to return a jacket I bought two weeks ago, but I lost the receipt.",
            "I paid with a credit card. The last four digits are 4 2 1 7.",
            "Store credit is fine. Please go ahead with the return.",
            "Thank you, goodbye.",
        ),
    ),
    Scenario(
        name="Billing dispute - double charge",
        category="support",
        difficulty="hard",
        description=(
            "You were charged twice for your monthly subscription ($49.99 each). You're "
            "frustrated and want a refund for the duplicate charge."
        ),
        system_prompt=(
            "You are a billing support agent for CloudServe. The customer's account shows two "
            "charges of $49.99 on the same day — this was a known billing system glitch "
            "affecting some customers. Policy: acknowledge the error, apologize sincerely, "
            "process immediate refund for the duplicate charge, and offer a $10 credit for the "
            "inconvenience. Be empathetic but professional. Do not be defensive."
        ),
        required_slots=_slots(issue="double charge", amount="49.99"),
        success_criteria=(
            "Agent acknowledges the duplicate charge, apologizes, processes refund, and offers "
            "the $10 courtesy credit."
        ),
        tools=(
            _tool(
                "check_billing",
                "Check billing history",
                charges=[
                    {"amount_usd": 49.99, "description": "monthly subscription"},
                    {"amount_usd": 49.99, "description": "monthly subscription"},
                ],
                same_day=True,
                known_issue="billing system glitch",
            ),
            _tool(
                "process_refund",
                "Process a refund",
                status="refunded",
                amount_usd=49.99,
                arrives_in="3 to 5 business days",
            ),
            _tool("apply_credit", "Apply account credit", status="applied", credit_usd=10.0),
        ),
        max_turns=10,
        max_duration_seconds=90,
        caller_lines=(
            "Hi, I was charged twice for my monthly subscription and I'm pretty frustrated.",
            "Both charges were 49.99 dollars. I want the duplicate refunded.",
            "Okay, thank you for sorting that out. Goodbye.",
        ),
    ),
    Scenario(
        name="Store hours and directions",
        category="info_retrieval",
        difficulty="easy",
        description="Ask about the store's Sunday hours and how to get there from downtown.",
        system_prompt=(
            "You are a store information assistant for MegaMart on Oak Street. Hours: Mon-Sat "
            "8am-9pm, Sunday 10am-6pm. Location: 456 Oak Street, 2 miles north of downtown. From "
            "downtown: take Main Street north, turn right on Oak, store is on the left. Parking: "
            "free lot with 200 spaces. Nearest bus stop: Route 7, Oak & Elm stop."
        ),
        required_slots=_slots(info_type="hours"),
        success_criteria="Agent provides Sunday hours and directions from downtown.",
        tools=(),
        max_turns=6,
        max_duration_seconds=45,
        caller_lines=(
            "Hi, what are your store hours on Sunday?",
            "And how do I get there from downtown?",
            "Great, thanks. Goodbye.",
        ),
    ),
    Scenario(
        name="Product comparison",
        category="info_retrieval",
        difficulty="medium",
        description=(
            "Compare the Basic and Premium subscription plans. You want to know the main "
            "differences, especially regarding storage and support."
        ),
        system_prompt=(
            "You are a sales assistant for DataVault. Plans: Basic ($9.99/mo, 100GB storage, "
            "email support, 5 user seats, standard encryption) vs Premium ($24.99/mo, 1TB "
            "storage, priority phone+email support, unlimited seats, advanced encryption, API "
            "access, custom integrations). Annual billing saves 20%. Help the customer "
            "understand which plan fits their needs."
        ),
        required_slots=_slots(),
        success_criteria=(
            "Agent clearly explains storage and support differences between Basic and Premium "
            "plans."
        ),
        tools=(),
        max_turns=8,
        max_duration_seconds=60,
        caller_lines=(
            "Hi, what's the difference between the Basic and Premium plans?",
            "How much storage does each plan have?",
            "And what kind of support comes with each one?",
            "Thanks, that helps. Goodbye.",
        ),
    ),
    Scenario(
        name="Router troubleshooting guide",
        category="info_retrieval",
        difficulty="hard",
        description=(
            "Your internet is not working. You need help troubleshooting your router step by step."
        ),
        system_prompt=(
            "You are a technical support agent for NetConnect ISP. Troubleshooting steps: 1) "
            "Check if router lights are on (power, internet, WiFi). 2) If power light is off, "
            "check power cable connection. 3) If internet light is off/red, unplug router for 30 "
            "seconds then plug back in. 4) Wait 2 minutes for lights to stabilize. 5) If still "
            "no internet light, check coaxial/ethernet cable from wall. 6) Try connecting "
            "directly via ethernet cable to rule out WiFi issues. 7) If still not working, there "
            "may be an outage — check status page or schedule technician visit. Walk through "
            "each step, wait for the customer to report results before moving to the next step."
        ),
        required_slots=_slots(),
        success_criteria=(
            "Agent walks through troubleshooting steps sequentially, waiting for customer "
            "feedback at each step."
        ),
        tools=(
            _tool(
                "check_outage",
                "Check for service outages in the area",
                outage=False,
                message="No outages reported in your area.",
            ),
        ),
        max_turns=15,
        max_duration_seconds=120,
        caller_lines=(
            "Hi, my internet isn't working. Can you help me fix my router?",
            "The power light is on, but the internet light is red.",
            "Okay, I unplugged it and plugged it back in. The internet light is green now.",
            "It works now, thank you. Goodbye.",
        ),
    ),
)


def get_scenario(key: str) -> Scenario:
    """The scenario whose name or slug is `key` (case-insensitive)."""
    wanted = key.strip().lower()
    for scenario in SCENARIOS:
        if wanted in (scenario.name.lower(), scenario.slug):
            return scenario
    raise UnknownScenarioError(key)
