"""Answer key of lesson 2, Who was at the table.

Roles, lists and counts are computed from the actors table when checked; the constant
keys (which options are right) are salted hashes made with ``lessonkit hash ID ANSWER``.
"""

from .._checkers import Choice, Matching, MultiChoice, Numeric, Value
from .._data import load
from .._facts import row

MATCH_PEOPLE = ("stubb", "bolojan", "fidan", "costa", "rutte")


def _attending(kind: str) -> list[str]:
    actors = load("actors")
    return sorted(actors.loc[(actors["kind"] == kind) & (actors["at_summit"] == "attended"), "name"])


EXERCISES = [
    Matching("actors.roles", "Match each person to the role they held.",
             hints=("Pick each person in the actor explorer: the first line under the name is the role.",
                    "In the actors table, look up each person's row and read the role column."),
             pairs=lambda: {row("actors", p)["name"]: row("actors", p)["role"] for p in MATCH_PEOPLE}),
    MultiChoice("actors.absent", "Which of these states were NOT at the table in Lancaster House?",
                options={"a": "United States", "b": "Canada", "c": "Hungary", "d": "Estonia",
                         "e": "Turkey", "f": "Norway"},
                hints=("Look at the tile map: orange squares were absent.",
                       "Three of the six are right; one of them is across the Atlantic."),
                answer_hashes=frozenset({
                    "de7a428033935aafe823c114c507c9d87bffc549929bacc31a6a8bc9d1487569",
                    "6df23f599f397d87065e099b2372a58089260895f652a2f51117b8d54fa17c90",
                    "01d56221eeed7c725c3cc2a07460b891f43c87a0a0287f6edfd114d315bf1652"})),
    Choice("actors.why", "Why did it matter that the United States was not at the table?",
           options={"a": "Starmer said the plan would be taken to Washington and needed strong US backing",
                    "b": "the United States had left NATO the week before",
                    "c": "the United States had said it would block any European plan"},
           hints=("Pick the United States in the actor explorer and read its note.",),
           explanations={"a": "The Europeans could plan, but said they needed the US behind the plan.",
                         "b": "Nothing in the data says so. Check a claim in a source before you use it.",
                         "c": "No source in the data says this. The note says the US was not among the invitees."},
           answer_hash="b8d0dd15d4f7648f00334761610a2ba4096bec3ac2018f5e525b5abdb4f64132"),
    Choice("actors.counts", "Outlets reported different numbers of leaders at the summit. "
                            "What is the most likely reason?",
           options={"a": "some outlets made the numbers up",
                    "b": "they counted in different ways: with or without the host, the heads of the EU "
                         "and NATO, a minister, or non-European guests",
                    "c": "the summit was held in two rounds on different days"},
           hints=("Look at the table of counting rules: each rule gives a different total.",),
           explanations={"a": "Nothing suggests that. The reported totals can all be reached by honest rules.",
                         "b": "A number means little until you know what was counted.",
                         "c": "All the head-count rows have the same date: it was one meeting."},
           answer_hash="a74700f7c93524b15ab6d2e80140ea315fe890f9dd96a56ae8642ff331011cc7"),
    Value("actors.states", "Using the actors table, make a list of the names of the states that attended, "
                           "sorted from A to Z.",
          hints=("Keep the rows where kind is 'state' and at_summit is 'attended'.",
                 "Take the name column and sort it: sorted(rows[\"name\"])."),
          answer=lambda: _attending("state")),
    Numeric("actors.n_states", "How many states were at the table?",
            hints=("Count the states only, not the organisations or the people.",
                   "len() of your list from the previous exercise."),
            answer=lambda: len(_attending("state")), tolerance=0,
            traps=((lambda: len(_attending("state")) + len(_attending("organisation")),
                    "that counts the organisations (the EU and NATO bodies) too; count only states."),
                   (lambda: len(_attending("person")),
                    "that is the number of people at the table; count the states."))),
]
