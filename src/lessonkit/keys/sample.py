"""Answer key of the sample lesson used to test the exercise machinery (tests/sample/).

One exercise of every kind. Answers from the data are computed when checked; constant
answers are salted hashes made with ``lessonkit hash ID ANSWER``.
"""

from .._checkers import Choice, Matching, MultiChoice, Numeric, Ordering, Text, Value
from .._data import load
from .._facts import row, value

ORDER_EVENTS = ("london-summit", "paris-emergency-meeting", "oval-office-clash")
MATCH_PEOPLE = ("starmer", "macron", "rutte")


def _attending_states() -> int:
    actors = load("actors")
    return int(((actors["kind"] == "state") & (actors["at_summit"] == "attended")).sum())


def _events_by_date() -> list[str]:
    events = load("events").set_index("event_id").loc[list(ORDER_EVENTS)]
    return list(events.sort_values("date").index)


EXERCISES = [
    Numeric("sample.year", "In which year was the London summit held?",
            hints=("Look at the date of the event 'london-summit' in the events table.",
                   "The year is the first four digits of the date."),
            answer=lambda: value("events", "london-summit", "date").year, tolerance=0),
    Numeric("sample.missiles", "How much was the UK's air-defence missile deal worth, in billions of pounds?",
            hints=("Find the row 'uk-lmm-ef-pm-remarks' in the pledges table.", "Divide the amount by 1,000,000,000."),
            answer=lambda: value("pledges", "uk-lmm-ef-pm-remarks", "amount") / 1e9, unit="billion GBP",
            traps=((lambda: value("pledges", "uk-lmm-ef-pm-remarks", "amount") / 1e9
                    * value("exchange_rates", "market-gbp-eur-2025-03-03", "rate"),
                    "that looks like the figure in euros; the question asks for pounds (GBP)."),)),
    Text("sample.venue", "In which building did the leaders meet?",
         hints=("It is a historic house near Buckingham Palace.",),
         accepted_hashes=frozenset({
             "8e2f5b9f6ad57b7731533199614fb773e8f02cb90ec437c3425c6d68d9a368c2",
             "5180ec1ee562bfd176b6f38e8ed61e7b4828f327873636e91c5842ff75a3801d"})),
    Choice("sample.kind", "What is export finance?",
           options={"a": "a gift of money", "b": "credit to buy from the lender's own industry",
                    "c": "a tax"},
           hints=("Who makes the missiles in this deal, and who pays for them?",),
           answer_hash="d535aa06e941f28d28dee914e9d410c34f70a4948b8673c29f49c34ce42afcf0"),
    MultiChoice("sample.attended", "Which of these countries were at the summit?",
                options={"a": "France", "b": "United States", "c": "Canada"},
                hints=("One of them was at the White House two days before, not in London.",),
                answer_hashes=frozenset({
                    "c54222863607664fba996d7df5274849b59cbf1e64e5b238f9547cdebdb3e749",
                    "1583e1c0dc494e2ca6beeac4f20c6b68c7aabd4916cfed88490a797d7a4e5ec3"})),
    Ordering("sample.order", "Put these events in order, earliest first.",
             hints=("Sort the events table by its date column.",), order=_events_by_date),
    Matching("sample.roles", "Match each person to their role.",
             hints=("The actors table has a role column.",),
             pairs=lambda: {row("actors", p)["name"]: row("actors", p)["role"] for p in MATCH_PEOPLE}),
    Value("sample.states", "Using the actors table, count the states that attended.",
          hints=("Filter on kind == 'state' and at_summit == 'attended'.", "Then use len() or .sum()."),
          answer=_attending_states),
]
