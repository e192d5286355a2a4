"""Answer key of Lesson 5, the ceasefire question.

Who proposed which ceasefire and when come from the positions and events tables; the
truce-game answers are computed with :class:`lessonkit.game.TruceGame`; constant answers
are salted hashes (``lessonkit hash ID ANSWER``).
"""

from .._checkers import Choice, Matching, MultiChoice, Numeric, Ordering, Value
from .._data import load
from .._facts import row, value
from ..game import TruceGame, smallest_stable_penalty

# How the exercise names each proposal -> the positions row that records who made it.
PROPOSALS = {
    "the one-month partial truce": "fra-ceasefire-20250303",
    "the full ceasefire Ukraine accepted at Jeddah": "usa-ceasefire-20250311",
    "the pause in strikes on energy infrastructure": "usa-ceasefire-20250318",
    "direct EU talks with Russia on a ceasefire": "hun-ceasefire-20250301",
}
ORDER_EVENTS = ("trump-putin-call-march", "partial-truce-proposal", "black-sea-talks", "putin-response",
                "jeddah-talks")
PENALTY_GAME = {"gain": 6, "verification": 0.75}
CHANCES = (0, 0.25, 0.5, 0.75, 1)
HOLD_GAME = {"gain": 4, "penalty": 10}


def _proposers() -> dict[str, str]:
    return {label: row("actors", value("positions", pid, "actor_id"))["name"] for label, pid in PROPOSALS.items()}


def _events_by_date() -> list[str]:
    events = load("events").set_index("event_id").loc[list(ORDER_EVENTS)]
    return list(events.sort_values("date").index)


def _holds() -> list[float]:
    return [v for v in CHANCES
            if ("keep", "keep") in TruceGame(verification=v, **HOLD_GAME).equilibria()]


def _penalty() -> float:
    return smallest_stable_penalty(**PENALTY_GAME)


EXERCISES = [
    Matching("ceasefire.proposers", "Match each ceasefire idea to the state that proposed it.",
             hints=("Filter the positions table on topic_id == 'ceasefire' and read the summary column: "
                    "who 'proposed' or made the 'proposal'?",
                    "The Jeddah ceasefire and the energy pause were both put forward by the same state; "
                    "Ukraine accepted the first and Russia the second.",
                    "The partial truce was announced by France, naming the UK as co-author; London then said "
                    "it did not recognise the plan."),
             pairs=_proposers),
    MultiChoice("ceasefire.cover", "What would the one-month partial truce have covered?",
                options={"a": "the air", "b": "the sea", "c": "energy infrastructure",
                         "d": "fighting on the ground", "e": "an exchange of prisoners"},
                hints=("Read the summary of the row 'fra-ceasefire-20250303' in the positions table.",
                       "It was called 'partial' because one big part of the war was left out."),
                answer_hashes=frozenset({
                    "cf7c2011f4090ffca0b221812bb387d3ff6e0f924ce610a9abf66a32c3335252",
                    "4c0826cdde9e1508e527b8179d12f054c31164b2c654a903a37cda35be6a389c",
                    "9fe8b1be62eaf3fc6f02c30d07fb8fb0c5656cd0a5147cd091b6c1b1d4ece099"})),
    Ordering("ceasefire.order", "Put these ceasefire events in order, earliest first.",
             hints=("Look the five event ids up in the events table and compare their dates.",
                    "Sort: events[events['event_id'].isin(ids)].sort_values('date')['event_id']."),
             order=_events_by_date),
    Numeric("ceasefire.penalty", "Smallest penalty (in points) at which keeping the truce is a stable outcome, "
                                 "for the gain and verification given in the lesson.",
            hints=("Try penalties 0, 0.5, 1, 1.5 ... and stop at the first one where ('keep', 'keep') is in "
                   "TruceGame(...).equilibria().",
                   "A break is only seen part of the time, so the penalty a side expects is penalty × chance "
                   "it is seen. Keeping pays when that expected penalty is at least the gain."),
            answer=_penalty, unit="points",
            traps=((lambda: PENALTY_GAME["gain"],
                    "that would be enough only if every break were seen; here a break is seen only part of "
                    "the time, so the penalty must be larger."),
                   (lambda: PENALTY_GAME["gain"] * PENALTY_GAME["verification"],
                    "you multiplied the gain by the chance a break is seen; the expected penalty is "
                    "penalty × chance, so divide instead."))),
    Value("ceasefire.holds", "The chances of being seen (from the list in the lesson) at which keeping the "
                             "truce is a stable outcome.",
          hints=("Loop over the chances and build TruceGame(gain=..., penalty=..., verification=chance) "
                 "for each one.",
                 "Keep a chance when ('keep', 'keep') in game.equilibria(); a list comprehension does it "
                 "in one line."),
          answer=_holds),
    Choice("ceasefire.model", "What can the truce game tell us?",
           options={"a": "what Russia and Ukraine will actually do",
                    "b": "the chance, in per cent, that a real truce holds",
                    "c": "why, in a simple model, a truce holds more easily when a break is likely to be seen "
                         "and punished",
                    "d": "the real gains and losses of each side"},
           hints=("Where do the game's numbers come from: the data, or the sliders?",
                  "A model can show how an idea works; it cannot measure the real world it simplifies."),
           answer_hash="fa02bccbd8cc70a2550d980de57480434495d837619686ab16289d9c1c67c452",
           explanations={"a": "The game has two identical sides and made-up points; real sides differ.",
                         "b": "The points are chosen by you, not measured, so no real probability comes out.",
                         "c": "That is the one idea the model illustrates.",
                         "d": "Nobody can measure those; the points are the sliders' values."}),
]
