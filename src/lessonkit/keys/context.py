"""Answer key of lesson 1, The weekend in context.

Orders, gaps and counts are computed from the events table when checked, so a corrected
date corrects the exercise. Which event answered which is a reading of the summaries, not a
column of the data: that key is stored as a salted hash (``lessonkit hash``) of the pairs.
"""

from itertools import permutations

from .._checkers import Choice, Matching, Numeric, Ordering, Value, digest
from .._data import load
from .._facts import value

# Shown to students in this (shuffled) order; the right order comes from the dates.
ORDER_EVENTS = ("jeddah-talks", "vance-munich", "us-aid-pause", "oval-office-clash",
                "paris-emergency-meeting", "london-summit")
# Later events, and the earlier events they answered (in alphabetical order, not matched). Only
# pairs whose summary says one event answered the other: "alongside" (the intelligence pause and
# the aid pause) records two things happening together, not a response, so it is not a pair.
EFFECTS = ("putin-response", "kremlin-reaction", "northwood-planners")
CAUSES = ("coalition-virtual-meeting", "jeddah-talks", "london-summit")
CAUSE_HASH = "e659f49fab654775cb8e83632e0bb4827a2ee4b72cd976073e28be7aa645b1f0"
GAP = ("oval-office-clash", "jeddah-talks")


def _by_date() -> list[str]:
    events = load("events").set_index("event_id").loc[list(ORDER_EVENTS)]
    return list(events.sort_values("date").index)


def _causes() -> dict[str, str]:
    """The effect → cause pairs whose salted hash is CAUSE_HASH."""
    for causes in permutations(CAUSES):
        text = ";".join(f"{e}={c}" for e, c in zip(EFFECTS, causes))
        if digest("context.cause", text) == CAUSE_HASH:
            return dict(zip(EFFECTS, causes))
    raise RuntimeError("no pairing of CAUSES matches CAUSE_HASH")  # a broken key, not student input


def _gap() -> int:
    return (value("events", GAP[1], "date") - value("events", GAP[0], "date")).days


def _us_after() -> int:
    from ..analysis import timeline

    return len(timeline(actor="usa", period="after"))


EXERCISES = [
    Ordering("context.order", "Put these six events in order, earliest first.",
             hints=("Find each event_id in the timeline explorer or in the events table and note its date.",
                    "Sort the rows of the events table for these ids by their date column."),
             order=_by_date),
    Numeric("context.days", "How many days passed between the Oval Office clash and the Jeddah talks?",
            hints=("Look up the date of both events.",
                   "Subtract the earlier date from the later one; in pandas, (later - earlier).days."),
            answer=_gap, unit="days", tolerance=0,
            traps=((lambda: _gap() + 1, "you counted both the first and the last day; count the days "
                                        "from one date to the other, as a subtraction does."),)),
    Value("context.us_after", "Using analysis.timeline, count the events after the summit that "
                              "involve the United States (actor id 'usa').",
          hints=("analysis.timeline takes actor= and period= arguments.",
                 "analysis.timeline(actor=\"usa\", period=\"after\") gives the rows; len() counts them."),
          answer=_us_after),
    Matching("context.cause", "For each later event, which earlier event was it a response to?",
             hints=("Read each later event's summary: it names what it reacts to.",
                    "'London pledges' points to the summit; 'planning would accelerate' to the video call; "
                    "'the ceasefire idea' to the talks where Ukraine accepted a ceasefire proposal."),
             pairs=_causes),
    Choice("context.sequence", "The day after the summit, Trump paused US military aid to Ukraine. "
                               "What does the timeline alone tell you?",
           options={"a": "that the summit caused the pause",
                    "b": "only that one came after the other; a cause needs a source that says so",
                    "c": "that the two events had nothing to do with each other"},
           hints=("A timeline is a list of dates. What can a list of dates prove?",
                  "Read the summary of the aid pause: what reason does it give?"),
           explanations={"a": "A timeline shows order, not cause. The summary of the pause gives Trump's "
                              "stated reason, and it is not the summit.",
                         "b": "Order is not cause. The summary gives the reason Trump stated.",
                         "c": "The timeline cannot show that either: events close in time may or may not "
                              "be linked. You need sources."},
           answer_hash="0bbd4c8bd3f36ceee185e2e299c0d827150a766a102c87de3d10b52a0b2ded61"),
]
