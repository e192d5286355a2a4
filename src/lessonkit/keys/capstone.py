"""Answer key of Lesson 7, the capstone (in their shoes).

The data-backed parts of a position memo are checked against the tables: rows of the
positions table, a total from the pledges table (one figure per announcement, as
``analysis.announcements`` picks it) and stances from ``analysis.position_matrix``.
Constant answers are salted hashes (``lessonkit hash ID ANSWER``).
"""

from .._checkers import Choice, Matching, MultiChoice, Numeric, Value
from .._data import load
from ..analysis import announcements, position_matrix

ROWS_ACTOR = "ita"
# The UK's new money for Ukraine on the summit weekend: only the export finance. The loan signed on
# 1 March had been announced in October 2024 (Lesson 3), so signing it was not new money.
NEW_GROUPS = ("uk-lmm-export-finance-2025-03-02",)
LOAN_SIGNED = "uk-era-loan-signed-2025-03-01"
INSTALMENTS = "uk-era-loan-instalments"
TROOP_ACTORS = ("gbr", "ita", "deu", "rus", "tur")
TROOPS_TOPIC = "European troops in Ukraine"


def _rows():
    positions = load("positions")
    return positions[positions["actor_id"] == ROWS_ACTOR][["position_id", "topic_id", "stance"]]


def _uk(groups) -> float:
    uk = announcements("gbr", recipient="ukr").set_index("report_group")
    return float(uk.loc[list(groups), "amount_GBP"].sum() / 1e9)


def _pm_rounded() -> float:
    pledges = load("pledges").set_index("pledge_id")
    return float((pledges.loc["uk-era-loan-pm-gbp", "amount"] + pledges.loc["uk-lmm-ef-pm-remarks", "amount"]) / 1e9)


def _troops() -> dict[str, str]:
    actors = load("actors").set_index("actor_id")["name"]
    matrix = position_matrix(list(TROOP_ACTORS))
    return {actors[a]: str(matrix.loc[actors[a], TROOPS_TOPIC]) for a in TROOP_ACTORS}


EXERCISES = [
    Value("capstone.rows", "The rows of the positions table for Italy, with the columns position_id, topic_id "
                           "and stance, in the order of the table.",
          hints=("Filter: positions[positions['actor_id'] == 'ita'].",
                 "Then keep three columns with a list inside the brackets: [['position_id', 'topic_id', "
                 "'stance']]."),
          answer=_rows),
    Numeric("capstone.uk_total", "The UK's new money for Ukraine announced on the summit weekend (loans and "
                                 "export finance, one figure per announcement, leaving out anything announced "
                                 "before), in billions of GBP.",
            hints=("Start from analysis.announcements('gbr', recipient='ukr') and keep the rows announced on "
                   "the summit weekend whose kind is loan or export_finance.",
                   "Lesson 3: the loan signed on 1 March had first been announced in October 2024. Signing it "
                   "was not new money; look for the same loan among the earlier rows.",
                   "Add up amount_GBP and divide by 1e9."),
            answer=lambda: _uk(NEW_GROUPS), unit="billion GBP",
            traps=((lambda: _uk(NEW_GROUPS + (LOAN_SIGNED,)),
                    "that counts the loan signed on 1 March. It was first announced in October 2024 (Lesson 3), "
                    "so it was not new money on the summit weekend."),
                   (_pm_rounded, "that adds the Prime Minister's rounded figure for the loan, which was first "
                                 "announced in October 2024 and is not new money."),
                   (lambda: _uk(NEW_GROUPS + (INSTALMENTS,)),
                    "that counts one instalment of the loan as if it were new money; the instalments are "
                    "part of a loan announced in October 2024."))),
    Matching("capstone.troops", "Match each actor to its latest recorded stance on European troops in Ukraine.",
             hints=("Use analysis.position_matrix() and read the column 'European troops in Ukraine'.",
                    "Stances are one of: supports, conditional, undecided, opposes. 'Latest' means the most "
                    "recent dated row."),
             pairs=_troops),
    Choice("capstone.evidence", "What makes a position memo evidence-based?",
           options={"a": "it uses strong words and sounds confident",
                    "b": "each claim points to a row of the data with its source, and each position is "
                         "attributed to whoever holds it",
                    "c": "it agrees with what most people in class think",
                    "d": "it is long and has many numbers"},
           hints=("Could a reader check every sentence of the memo? How?",),
           answer_hash="8b92b33f8a7e3f38de3302a1f5867b80ef3a5017c1b9dfd8121564304d4b6b5c",
           explanations={"a": "Confidence is not evidence.",
                         "b": "A reader can check every claim and see who holds each position.",
                         "c": "Agreement is not evidence either.",
                         "d": "Numbers help only if each one comes from a source you can name."}),
    MultiChoice("capstone.neutral", "Which sentences are written in a neutral, attributed way, fit for a memo?",
                options={"a": "Country X is obviously wrong about troops.",
                         "b": "According to its foreign minister, country X would treat foreign troops as direct "
                              "involvement in the war (positions table, dated row, with source).",
                         "c": "Everyone knows a truce would fail.",
                         "d": "Country Y's prime minister said it would not send soldiers but would support "
                              "others who do (positions table, dated row, with source)."},
                hints=("Look for who says so, and where the reader can check it.",
                       "Words like 'obviously' and 'everyone knows' hide whose view it is."),
                answer_hashes=frozenset({
                    "c5017c40f1c1b8d1a81fe4477244e0c5343a2dba4fcee381e9754b312075561a",
                    "4312779e8bd87146deb825cfb8ae8a36f6255d53e5e139333d9bcba91bd493f1"})),
]
