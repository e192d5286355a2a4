"""Lesson 6, reading the news critically: the answers its exercises compute from the claims table.

A corrected verdict in ``data/claims.csv`` corrects every exercise that uses it.
"""

from __future__ import annotations

from .._data import load
from .._facts import value

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


def medvedev_office() -> list[str]:
    """news.medvedev: the office Medvedev held at the time (the part of his role before the ';')."""
    return [value("actors", "medvedev", "role").split(";")[0].strip()]


def sources_of(claim) -> list[str]:
    """The ids of every source a claim's verdict rests on: its main source, then the others.

    >>> sources_of({"source_id": "a", "also_source_ids": "b; c"})
    ['a', 'b', 'c']
    """
    others = claim["also_source_ids"] if isinstance(claim["also_source_ids"], str) else ""
    return [claim["source_id"], *[s.strip() for s in others.split(";") if s.strip()]]
