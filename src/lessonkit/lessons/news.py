"""Lesson 6, reading the news critically: the answers its exercises compute from the claims table.

A corrected verdict in ``data/claims.csv`` corrects every exercise that uses it.
"""

from __future__ import annotations

from .._data import load
from .._facts import value
from .._figure_cache import cached
from ..plots import VERDICT_COLOURS, Chart, _figure, _finish

VERDICTS = {"a": "accurate", "b": "inaccurate", "c": "misleading", "d": "unverifiable", "e": "opinion"}
VERDICT_CLAIM = "c34"  # the one-month ceasefire claim
WRONG = ("inaccurate", "misleading")


def verdict_letter() -> str:
    """news.verdict: the letter of the verdict the claims table gives the one-month ceasefire claim.

    >>> verdict_letter()
    'c'
    """
    verdict = value("claims", VERDICT_CLAIM, "verdict")
    return next(letter for letter, text in VERDICTS.items() if text == verdict)


def wrong_count() -> int:
    """news.wrong: how many claims the data marks inaccurate or misleading."""
    return int(load("claims")["verdict"].isin(WRONG).sum())


def misleading_count() -> int:
    """A trap of news.wrong: only the misleading claims."""
    return int((load("claims")["verdict"] == "misleading").sum())


def inaccurate_count() -> int:
    """A trap of news.wrong: only the inaccurate claims."""
    return int((load("claims")["verdict"] == "inaccurate").sum())


def inaccurate_ids() -> list[str]:
    """news.inaccurate: the ids of the claims marked inaccurate, in the order of the article."""
    claims = load("claims")
    return list(claims.loc[claims["verdict"] == "inaccurate", "claim_id"])


# The guess of news.guess, by letter: the largest share of wrong claims each option allows.
GUESS_SHARES = {"a": 0.10, "b": 0.25, "c": 0.50, "d": 1.0}


def wrong_share_letter() -> str:
    """The option of news.guess that the data's verdicts fall in (a: under 10%, b: under 25%...).

    >>> wrong_share_letter() in GUESS_SHARES
    True
    """
    share = wrong_count() / len(load("claims"))
    return next(letter for letter, most in GUESS_SHARES.items() if share < most or most == 1.0)


# The options of the exercises whose teaching cells show them (the exercise blocks in the lesson
# give the same; a test checks): the cells read them here, since the answer key is hidden
# from a notebook being graded.
OPTIONS = {
    "news.opinion": {"a": "claim `c17`", "b": "claim `c18`", "c": "claim `c32`", "d": "claim `c36`",
                     "e": "claim `c21`"},
    "news.guess": {"a": "almost none of its claims", "b": "fewer than a quarter of its claims",
                   "c": "between a quarter and a half of its claims", "d": "more than half of its claims"},
}


def _options(label: str) -> dict[str, str]:
    return dict(OPTIONS[label])


def show_options(label: str) -> None:
    """Print the excerpts behind an exercise's options ("claim `c17`" becomes the article's words)."""
    excerpts = load("claims").set_index("claim_id")["seed_excerpt"]
    for letter, text in _options(label).items():
        claim_id = text.removeprefix("claim ").strip("` ")
        print(f"({letter}) {excerpts[claim_id]}")


def compare_guess(guess: object) -> None:
    """Print a student's guess for news.guess beside the option the data falls in."""
    options = _options("news.guess")
    actual = wrong_share_letter()
    data = f"The checkers' verdicts put the article in ({actual}): {options[actual]}."
    if guess not in options:
        print(f"You made no guess (run the prediction cell above first). {data}")
        return
    same = ("Your guess matches." if guess == actual
            else "Count the inaccurate and misleading bars to see how far off it was.")
    print(f"Your guess: ({guess}) {options[guess]}. {data} {same}")


def sources_of(claim) -> list[str]:
    """The ids of every source a claim's verdict rests on: its main source, then the others.

    >>> sources_of({"source_id": "a", "also_source_ids": "b; c"})
    ['a', 'b', 'c']
    """
    others = claim["also_source_ids"] if isinstance(claim["also_source_ids"], str) else ""
    return [claim["source_id"], *[s.strip() for s in others.split(";") if s.strip()]]


def verdict_counts():
    """How many claims got each verdict."""
    return load("claims")["verdict"].value_counts().rename_axis("verdict").rename("claims")


@cached
def verdict_chart() -> Chart:
    """Bars of how many of the seed article's claims got each verdict."""
    counts = verdict_counts()
    fig, ax = _figure(7, 3.2)
    ax.bar(counts.index, counts.values, color=[VERDICT_COLOURS[v] for v in counts.index])
    for x, n in enumerate(counts.values):
        ax.text(x, n, str(n), ha="center", va="bottom", fontsize=9)
    ax.set_xlabel("Verdict")
    ax.set_ylabel("Number of claims")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["right", "top"]].set_visible(False)
    alt = "Bar chart of the seed article's claims by verdict: " + ", ".join(f"{n} {v}" for v, n in counts.items()) + "."
    return _finish(fig, "What checking the seed article found", "data/claims.csv", alt)


def guess_shows() -> list[int]:
    """What the reveal of news.guess shows: how many claims are marked inaccurate or misleading."""
    return [wrong_count()]


def _percent(count: int) -> float:
    return 100 * count / len(load("claims"))


def wrong_percent() -> float:
    """news.share: the share of the article's claims marked inaccurate or misleading, in per cent."""
    return _percent(wrong_count())


def misleading_percent() -> float:
    """A trap of news.share: the misleading claims alone, in per cent."""
    return _percent(misleading_count())


def inaccurate_percent() -> float:
    """A trap of news.share: the inaccurate claims alone, in per cent."""
    return _percent(inaccurate_count())
