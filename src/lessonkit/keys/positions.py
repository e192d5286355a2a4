"""Answer key of lesson 4, Where they stand.

Answers that come from the data are computed when checked; the constant keys of the Choice
and MultiChoice are salted hashes made with ``lessonkit hash ID ANSWER``.
"""

from .. import analysis
from .._checkers import Choice, Matching, MultiChoice, Ordering, Text, Value
from .._data import load
from .._facts import row

# Quotes to match to their speakers, labelled A, B, C... in this order.
SPEAKER_QUOTES = ("gbr-european-troops-20250227", "ita-european-troops-20250304", "rus-european-troops-20250306",
                  "usa-us-role-20250226", "pol-us-role-20250217")
WHO_SAID = "ukr-ceasefire-20250302"
# Four US voices on European troops, to put in date order.
US_VOICES = ("witkoff-european-troops-20250324", "usa-european-troops-20250224", "vance-european-troops-20250303",
             "usa-european-troops-20250212")
TROOPS = "european-troops"


def quote_labels() -> dict[str, str]:
    """Label (A, B, ...) → position id of each quote to match."""
    return {chr(ord("A") + i): p for i, p in enumerate(SPEAKER_QUOTES)}


def speaker_name(position_id: str) -> str:
    """The name of whoever said a position's quote."""
    return row("actors", row("positions", position_id)["quote_speaker_id"])["name"]


def attended_not_supporting(topic: str = TROOPS) -> list[str]:
    """Actors at the summit whose latest stance on a topic is anything but 'supports', sorted."""
    actors = load("actors")
    present = set(actors.loc[actors["at_summit"] == "attended", "name"])
    stances = analysis.disagreements(topic)
    return sorted(name for stance, names in stances.items() if stance != "supports"
                  for name in names if name in present)


def us_voices_in_order() -> list[str]:
    """The speakers of US_VOICES, earliest statement first."""
    rows = load("positions").set_index("position_id").loc[list(US_VOICES)].sort_values("date")
    return [speaker_name(p) for p in rows.index]


EXERCISES = [
    Choice("positions.stance", "Which one-word stance fits Turkey's position on European troops best?",
           options={"a": "supports", "b": "conditional", "c": "undecided", "d": "opposes"},
           hints=("Read the summary: does Turkey say yes, no, not yet, or yes if something happens?",
                  "'Depending on a ceasefire' is a condition."),
           answer_hash="76c5356610ea1abd074497f7aca22ed8ae2a44146df8adfa7914e80e5e58cc9c",
           explanations={"a": "Turkey did not say yes outright: it named a condition.",
                         "b": "Turkey could send troops if needed, depending on a ceasefire: a yes with a "
                              "condition.",
                         "c": "Undecided fits an actor who says it is too early to say; Turkey named what its "
                              "answer depends on.",
                         "d": "Nothing in the summary rules troops out."}),
    Value("positions.allies", "Actors at the summit that did not say 'supports' on European troops, sorted.",
          hints=("Type stances = analysis.disagreements('european-troops') (a dictionary: stance → list of "
                 "names) and actors = load('actors'); the names at the summit are "
                 "set(actors.loc[actors['at_summit'] == 'attended', 'name']).",
                 "Keep the names from every stance except 'supports', and only those in that set: "
                 "[name for stance, names in stances.items() if stance != 'supports' for name in names if "
                 "name in present].",
                 "Give a sorted list of names: sorted(...)."),
          answer=attended_not_supporting),
    Matching("positions.speakers", "Match each quote (A, B, ...) to the person who said it.",
             hints=("Use the quote explorer, or find each quote in the positions table's quote column.",
                    "The quote_speaker_id column says who spoke; the actors table turns the id into a name.",
                    "Write the full names exactly as the list of speakers prints them."),
             pairs=lambda: {label: speaker_name(p) for label, p in quote_labels().items()}),
    Text("positions.who", "Who said the quote printed before the exercise?",
         hints=("Use the quote explorer, or search the quote column of the positions table.",
                "The quote is about a ceasefire without serious security guarantees: whose country would be "
                "forced into it?"),
         accepted=lambda: [speaker_name(WHO_SAID), speaker_name(WHO_SAID).split()[-1]]),
    MultiChoice("positions.russia", "Which of these positions did Russian officials state, according to the data?",
                options={"a": "European troops in Ukraine would be unacceptable",
                         "b": "a US proposal for a ceasefire was a correct idea, with questions attached",
                         "c": "the London summit's security guarantees were a step towards peace",
                         "d": "frozen Russian assets should be used to help Ukraine"},
                hints=("Pick Russia in the position explorer's topics, or filter the positions table on "
                       "actor_id 'rus' and 'medvedev'.",
                       "Two statements are true; for the others the data records the opposite."),
                answer_hashes=frozenset({
                    "82ecd8f879fd880b71813366a49412b802eeaa4174fe957291646bd15e1702f8",
                    "405965537b45808df455449071f72cd236240cfaaa53576c5f5abc4ade35ca54"})),
    Ordering("positions.us_order", "Put four US voices on European troops in date order, earliest first.",
             hints=("Each voice is one row of the positions table on the topic 'european-troops'.",
                    "Sort those rows by their date column."),
             order=us_voices_in_order),
]
