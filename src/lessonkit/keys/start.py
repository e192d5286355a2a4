"""Answer key of lesson 0, Start here: practice exercises that teach the mechanics.

Answers from the data are computed when checked; the one constant answer is a salted hash
made with ``lessonkit hash ID ANSWER``.
"""

from .._checkers import Choice, Numeric, Text, Value
from .._data import load, table_names


def _host_names() -> list[str]:
    """The full name and the surname of the person who represented the host state."""
    actors = load("actors")
    host = actors.loc[actors["attendance_note"].fillna("").str.startswith("Host"), "actor_id"]
    people = actors[(actors["kind"] == "person") & actors["represents"].isin(set(host))
                    & (actors["at_summit"] == "attended")]
    names = list(people["name"])
    return names + [n.split()[-1] for n in names]


def _events_before() -> int:
    from ..analysis import timeline

    return len(timeline(period="before"))


EXERCISES = [
    Text("start.host", "Who hosted the summit? Give the name of the UK's Prime Minister.",
         hints=("Read the sentence printed by the cell with say() at the top of the lesson.",
                "His surname is enough; spelling counts, capitals do not."),
         accepted=_host_names),
    Numeric("start.tables", "How many tables does the data package hold?",
            hints=("Run table_names() in a cell: it lists the tables.",
                   "len(...) counts the items in a list."),
            answer=lambda: len(table_names()), tolerance=0),
    Value("start.before", "Using analysis.timeline, count the events in the timeline that happened "
                          "before the summit.",
          hints=("analysis.timeline(period=\"before\") gives a table of those events only.",
                 "len(table) is its number of rows."),
          answer=_events_before),
    Choice("start.record", "Where is your learning record saved?",
           options={"a": "lessonkit sends it over the internet to your teacher",
                    "b": "in a file named lessonkit-record- plus the lesson key, in the notebook's folder, "
                         "on the computer that runs the notebook",
                    "c": "nowhere: answers are forgotten when you close the notebook"},
           hints=("Read the section 'Where your work is saved' again.",
                  "Look at the folder where this notebook is: a new file appeared after your first check."),
           explanations={"a": "lessonkit sends nothing: the record is a file on the computer running the notebook "
                              "(on a school JupyterHub, that computer is the school's server).",
                         "b": "Hand in the notebook or that file when your teacher asks.",
                         "c": "Every check adds your answer to a file, so your work is kept."},
           answer_hash="6fc533d90b1119eae8bc63607fe594f6dd365734739bbdfbf59a51fe2de03254"),
]
