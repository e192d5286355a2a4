"""Lesson 7, the capstone: the answers its exercises compute, and the memo checker.

The role cards are :mod:`lessonkit.role_cards`; the memo's evidence check is
:mod:`lessonkit.lessons.memo_check`. Both are read here too, as the lesson calls them
(``capstone.role_card``, ``capstone.check_memo``).
"""

from __future__ import annotations

from .._data import load
from .._dates import long_date
from ..analysis import position_matrix, positions
from ..role_cards import ROLE_ACTORS as ROLE_ACTORS  # re-exported: the lesson reads capstone.role_card
from ..role_cards import announcements as announcements
from ..role_cards import role_card as role_card
from .memo_check import (  # noqa: F401  (re-exported: the lesson and its tests call capstone.check_memo)
    RULES,
    Citation,
    EvidenceRules,
    MemoCheck,
    SentenceCheck,
    check_memo,
    citations,
    evidence_rules,
    resolve,
    sentences,
)

# ---------------------------------------------------------------------------------------------
# The answers of the capstone's exercises, computed from the data.

ROWS_ACTOR = "ita"
# The UK's new money for Ukraine on the summit weekend: only the export finance. The loan signed on
# 1 March had been announced in October 2024 (Lesson 3), so signing it was not new money.
NEW_GROUPS = ("uk-lmm-export-finance-2025-03-02",)
LOAN_SIGNED = "uk-era-loan-signed-2025-03-01"
INSTALMENTS = "uk-era-loan-instalments"
TROOP_ACTORS = ("gbr", "ita", "deu", "rus", "tur")
TROOPS_TOPIC = "European troops in Ukraine"


def italy_rows():
    """capstone.rows: Italy's rows of the positions table (position_id, topic_id, stance)."""
    positions = load("positions")
    return positions[positions["actor_id"] == ROWS_ACTOR][["position_id", "topic_id", "stance"]]


def _uk(groups: tuple[str, ...]) -> float:
    uk = announcements("gbr", recipient="ukr").set_index("report_group")
    return float(uk.loc[list(groups), "amount_GBP"].sum() / 1e9)


def uk_new_money() -> float:
    """capstone.uk_total: the UK's new money for Ukraine on the summit weekend, in billions of GBP."""
    return _uk(NEW_GROUPS)


def uk_with_signed_loan() -> float:
    """A trap: the new money plus the loan signed on 1 March (announced in October 2024)."""
    return _uk(NEW_GROUPS + (LOAN_SIGNED,))


def uk_with_instalment() -> float:
    """A trap: the new money plus one instalment of the October 2024 loan."""
    return _uk(NEW_GROUPS + (INSTALMENTS,))


def uk_pm_rounded() -> float:
    """A trap: the Prime Minister's rounded figures for the loan and the export finance, added."""
    pledges = load("pledges").set_index("pledge_id")
    return float((pledges.loc["uk-era-loan-pm-gbp", "amount"] + pledges.loc["uk-lmm-ef-pm-remarks", "amount"]) / 1e9)


def troop_stances() -> dict[str, str]:
    """capstone.troops: five actors' latest recorded stance on European troops in Ukraine."""
    names = load("actors").set_index("actor_id")["name"]
    matrix = position_matrix(list(TROOP_ACTORS))
    return {names[a]: str(matrix.loc[names[a], TROOPS_TOPIC]) for a in TROOP_ACTORS}


GUESS_STANCES = {"a": "supports", "b": "conditional", "c": "undecided", "d": "opposes", "e": None}


def troop_stance_counts() -> dict[str, int]:
    """How many of the actors students can play hold each latest stance on European troops.

    The key "no recorded position" counts the actors with no stated position on the topic.
    """

    column = position_matrix(list(ROLE_ACTORS))[TROOPS_TOPIC]
    counts = {stance: int((column == stance).sum()) for stance in GUESS_STANCES.values() if stance}
    counts["no recorded position"] = int(column.isna().sum())
    return counts


def compare_troops_guess(guess: object) -> None:
    """Print a student's guess for capstone.guess beside the counts of the data."""
    counts = troop_stance_counts()
    data = "The data: " + ", ".join(f"{stance} {n}" for stance, n in counts.items() if n) + "."
    if guess not in GUESS_STANCES:
        print(f"You made no guess (run the prediction cell above first). {data}")
        return
    picked = GUESS_STANCES[guess] or "no recorded position"
    top, total = max(counts.values()), sum(counts.values())
    verdict = (f"That is the most common: {counts[picked]} of the {total} actors." if counts[picked] == top
               else f"{counts[picked]} of the {total} actors hold it; it is not the most common.")
    print(f"Your guess: ({guess}) {picked}. {verdict} {data}")


def memo_checker(text: str = ""):
    """A text area for the memo and a button that checks its evidence and saves it for the teacher.

    Each click shows :func:`check_memo`'s findings and records the memo with
    ``check("capstone.memo", text)``.
    """
    import ipywidgets as w

    from .._exercises import check
    from ..explorer_box import Explorer

    area = w.Textarea(value=text, placeholder="Our position: … [position_id]", description="Your memo",
                      layout=w.Layout(width="100%", height="14em"), style={"description_width": "initial"})
    button = w.Button(description="Check my evidence", button_style="info", tooltip="check every citation")
    out = w.HTML()

    def run(_=None):
        if not area.value.strip():
            out.value = "<p>Write your memo in the box above, then press the button.</p>"
            return
        result = check_memo(area.value)
        out.value = result._repr_html_() + check("capstone.memo", area.value)._repr_html_()

    button.on_click(run)
    box = Explorer([w.HTML("<strong>Memo evidence check</strong>"), area, button, out])
    box.title = "Memo evidence check"
    box.add_class("lessonkit-explorer")
    out.add_class("lessonkit-output")
    return box


def guess_shows() -> list[str]:
    """What the reveal of capstone.guess shows: the counts of each stance, as one line."""
    return [", ".join(f"{stance} {n}" for stance, n in troop_stance_counts().items() if n)]


def troops_why() -> dict[str, str]:
    """capstone.troops' feedback on a wrong match: the actor's latest row on European troops."""
    rows = positions(topic="european-troops")
    out = {}
    for a in TROOP_ACTORS:
        mine = rows[rows["actor_id"] == a].sort_values("date")
        name = str(load("actors").set_index("actor_id").loc[a, "name"])
        if len(mine):
            last = mine.iloc[-1]
            out[name] = f"its latest row, {last['position_id']} of {long_date(last['date'])}, says '{last['stance']}'."
    return out


RATE_ID = "market-gbp-eur-2025-03-03"  # the pound-euro rate of capstone.uk_total (as in Lesson 3)


def _eur(billions_gbp: float) -> float:
    from .._facts import value

    return billions_gbp * float(value("exchange_rates", RATE_ID, "rate"))


def uk_new_money_eur() -> float:
    """capstone.uk_total: the UK's new money on the summit weekend, in billions of euros."""
    return _eur(uk_new_money())


def uk_with_signed_loan_eur() -> float:
    """A trap of capstone.uk_total, in euros (see uk_with_signed_loan)."""
    return _eur(uk_with_signed_loan())


def uk_with_instalment_eur() -> float:
    """A trap of capstone.uk_total, in euros (see uk_with_instalment)."""
    return _eur(uk_with_instalment())


def uk_pm_rounded_eur() -> float:
    """A trap of capstone.uk_total, in euros (see uk_pm_rounded)."""
    return _eur(uk_pm_rounded())
