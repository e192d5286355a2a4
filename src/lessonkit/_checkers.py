"""Exercise kinds. Each turns one answer into a Verdict, never raising on bad input.

Expected answers are either computed from the data package (a function, so a corrected
fact corrects its exercise) or written in the lesson's exercise block (see ``_exercise_format``).
Answers are read by :mod:`lessonkit._reading_answers`; a code task's result is compared by
:mod:`lessonkit._comparing_results`.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ._comparing_results import compare
from ._feedback import CORRECT, INCORRECT, INVALID, NOT_ATTEMPTED, RECORDED, Verdict
from ._reading_answers import (
    MAX_TEXT,
    as_number,
    close_enough,
    comma_slip,
    describe,
    is_placeholder,
    normalize,
    number_text,
    precision_slip,
    short,
    strip_unit,
)


@dataclass(frozen=True)
class Exercise:
    """Base of every exercise kind: an id, a prompt and progressive hints."""

    id: str
    prompt: str
    hints: tuple[str, ...] = ()
    expects: str = "an answer"
    level: str = ""  # recall, apply, analyse or evaluate: what the exercise asks the student to do
    max_text: ClassVar[int] = MAX_TEXT  # the longest text answer checked (a kind may allow more)

    def evaluate(self, answer: Any) -> Verdict:
        """Check one answer; bad input becomes an INVALID verdict, never an exception."""
        if is_placeholder(answer):
            return Verdict(NOT_ATTEMPTED, f"replace the ... with your answer ({self.expects}) and run the cell again.")
        if isinstance(answer, str) and len(answer) > self.max_text:
            return Verdict(INVALID, f"that text is {len(answer):,} characters long; expected {self.expects}, "
                                    f"in at most {self.max_text:,} characters.")
        try:
            return self._evaluate(answer)
        except Exception as e:  # a checker must never hand a student a traceback
            return Verdict(INVALID, f"this answer could not be checked ({type(e).__name__}); "
                                    f"expected {self.expects}, got {describe(answer)}.")

    def _evaluate(self, answer: Any) -> Verdict:
        raise NotImplementedError

    def expected(self) -> Any:
        """The expected answer where it is computed from the data, else None."""
        return None


def _value(x: Any) -> Any:
    return x() if callable(x) else x


@dataclass(frozen=True)
class Numeric(Exercise):
    """A number, within a relative tolerance, in a stated unit.

    ``answer`` is the expected value in the unit the question asks for (a number, or a
    function computing it from the data). ``traps`` are known wrong answers, each with the
    hint it earns (for example the same figure in another currency).
    """

    answer: float | Callable[[], float] = 0.0
    unit: str = ""
    tolerance: float = 0.01
    traps: tuple[tuple[Any, str], ...] = ()
    decimals: int | None = None  # the precision the prompt states: the answer rounded to it is right
    expects: str = "a number"

    def expected(self) -> float:
        return float(_value(self.answer))

    def precision(self) -> str:
        """The precision the prompt states, in words ('' when it states none)."""
        if self.decimals is None:
            return ""
        if self.decimals == 0:
            return "a whole number"
        return f"{self.decimals} decimal place{'' if self.decimals == 1 else 's'}"

    def _right(self, value: float, target: float) -> bool:
        if close_enough(value, target, self.tolerance):
            return True
        return self.decimals is not None and abs(value - target) <= 0.5 * 10 ** -self.decimals + 1e-9

    def _evaluate(self, answer: Any) -> Verdict:
        comma = comma_slip(answer, self.expected(), self.tolerance)
        if comma:
            return Verdict(INVALID, comma)
        value = as_number(strip_unit(answer, self.unit))
        unit = f" (in {self.unit})" if self.unit else ""
        if value is None:
            if isinstance(answer, str) and re.search(r"\d", answer):
                return Verdict(INVALID, f"write just the number{unit}, with no words or symbols, "
                                        f"for example 2.5 rather than {answer[:30]!r}.")
            return Verdict(INVALID, f"expected a number{unit}, got {describe(answer)}.")
        if not math.isfinite(value):
            return Verdict(INVALID, f"expected an ordinary number{unit}, got {value!r}.")
        target = self.expected()
        if self._right(value, target):
            return Verdict(CORRECT, f"{number_text(value)}{' ' + self.unit if self.unit else ''} is right.")
        for trap, message in self.traps:
            if self._right(value, float(_value(trap))):
                return Verdict(INCORRECT, message)
        if target:
            ratio = value / target
            for factor in (1e3, 1e6, 1e9):
                for r, times in ((ratio, f"{factor:,.0f} times"), (1 / ratio if ratio else 0, f"1/{factor:,.0f} of")):
                    if r and close_enough(r, factor, self.tolerance):
                        return Verdict(INCORRECT, f"{number_text(value)} is {times} the answer: check the unit{unit}. "
                                                  "It is easy to mix up thousands, millions and billions.")
        rounded = precision_slip(answer, value, target, self.tolerance)
        if rounded and self.decimals is not None:
            rounded = rounded.split(", which")[0] + f"; the question asks for {self.precision()}."
        if rounded:
            return Verdict(INCORRECT, rounded)
        direction = "too large" if value > target else "too small"
        return Verdict(INCORRECT, f"{number_text(value)} is {direction}{unit}.")


def _option_label(options: dict[str, str], answer: Any) -> str | None:
    """The option label an answer names, by its label or its text; None if none."""
    if not isinstance(answer, str):
        return None
    norm = normalize(answer)
    for label, text in options.items():
        if norm in (normalize(label), normalize(text)):
            return label
    return None


SURNAMES_ENOUGH = " Surnames alone are enough here, since each names one person."


def _surname_of(names: list[str], answer: str) -> str | None:
    """The full name in names whose surname the answer is, if exactly one has it; else None.

    >>> _surname_of(["Keir Starmer", "Donald Trump"], "starmer")
    'Keir Starmer'
    >>> _surname_of(["Donald Trump", "Ivanka Trump"], "Trump") is None
    True
    """
    norm = normalize(answer)
    found = [n for n in names if len(normalize(n).split()) > 1 and normalize(n).split()[-1] == norm]
    return found[0] if len(found) == 1 else None


def _stance_like(options: dict[str, str], answer: Any) -> str | None:
    """The label of the one option whose text the answer is a form of ('opposed' for 'opposes')."""
    if not isinstance(answer, str) or not answer.strip():
        return None
    norm = normalize(answer)
    texts = {label: normalize(text) for label, text in options.items() if len(normalize(text).split()) == 1}
    close = [label for label, text in texts.items()
             if (len(norm) >= 4 and text.startswith(norm[:5]))
             or difflib.SequenceMatcher(None, norm, text).ratio() >= 0.8]
    return close[0] if len(close) == 1 else None


@dataclass(frozen=True)
class Choice(Exercise):
    """One option out of several: ``answer`` is the right label, or a function computing it
    from the data."""

    options: dict[str, str] = field(default_factory=dict)
    explanations: dict[str, str] = field(default_factory=dict)
    expects: str = "the letter of one option"
    answer: Callable[[], str] | str = ""

    def expected(self) -> str:
        return str(_value(self.answer))

    def _evaluate(self, answer: Any) -> Verdict:
        choices = ", ".join(f"'{k}'" for k in self.options)
        label = _option_label(self.options, answer)
        if label is None:
            like = _stance_like(self.options, answer)
            if like is not None:
                return Verdict(INVALID, f"{short(answer.strip())} reads like option '{like}' "
                                        f"({short(self.options[like], 60)}): answer with its letter in quotes, "
                                        f"'{like}'.")
            return Verdict(INVALID, f"expected one of {choices} as text, got {describe(answer)}.")
        if self.expected() == label:
            return Verdict(CORRECT, f"'{label}' is right. {self.explanations.get(label, '')}".strip())
        return Verdict(INCORRECT, f"'{label}' is not the best answer. {self.explanations.get(label, '')}".strip())


@dataclass(frozen=True)
class MultiChoice(Exercise):
    """Every correct option out of several (a list of labels)."""

    options: dict[str, str] = field(default_factory=dict)
    answer: Callable[[], list[str]] | tuple[str, ...] = ()
    explanations: dict[str, str] = field(default_factory=dict)
    expects: str = "a list of option letters, like ['a', 'c']"

    def expected(self) -> list[str]:
        return sorted(str(x) for x in _value(self.answer))

    def _evaluate(self, answer: Any) -> Verdict:
        if isinstance(answer, str) or not isinstance(answer, (list, tuple, set, frozenset)):
            return Verdict(INVALID, f"expected {self.expects}, got {describe(answer)}.")
        chosen = set()
        for item in answer:
            label = _option_label(self.options, item)
            if label is None:
                return Verdict(INVALID, f"{describe(item)} is not one of the options "
                                        f"{', '.join(repr(k) for k in self.options)}.")
            chosen.add(label)
        key = set(self.expected())
        right = chosen & key
        wrong = chosen - right
        missing = len(key) - len(right)
        if not wrong and not missing:
            return Verdict(CORRECT, f"all {len(right)} correct options, and nothing else.")
        parts = [f"{len(right)} of your choices {'is' if len(right) == 1 else 'are'} right"]
        if wrong:
            parts.append(f"{', '.join(sorted(repr(w) for w in wrong))} should not be there")
        if missing:
            parts.append(f"{missing} correct option{'s are' if missing > 1 else ' is'} missing")
        why = [f"'{w}': {self.explanations[w]}" for w in sorted(wrong) if self.explanations.get(w)]
        why += [f"One you left out: {self.explanations[m]}" for m in sorted(key - chosen)
                if self.explanations.get(m)]
        return Verdict(INCORRECT, "; ".join(parts) + "." + "".join(f" {w}" for w in why))


@dataclass(frozen=True)
class Ordering(Exercise):
    """Put items in order (a list of labels); the order is computed from the data."""

    order: Callable[[], list[str]] | tuple[str, ...] = ()
    why: Callable[[], dict[str, str]] | dict[str, str] = field(default_factory=dict)  # item: where it belongs
    expects: str = "a list of the labels in order"

    def expected(self) -> list[str]:
        return list(_value(self.order))

    def _evaluate(self, answer: Any) -> Verdict:
        target = self.expected()
        if isinstance(answer, str) or not isinstance(answer, (list, tuple)):
            return Verdict(INVALID, f"expected a list of the {len(target)} labels in order, got {describe(answer)}.")
        if not all(isinstance(a, str) for a in answer):
            return Verdict(INVALID, f"every item in the list should be one of the labels {target!r}.")
        by_form = {normalize(t): t for t in target}
        given = [by_form.get(normalize(a)) or _surname_of(target, a) or a.strip() for a in answer]
        unknown = [a for a in given if a not in target]
        if unknown:
            return Verdict(INVALID, f"{short(unknown[0])} is not one of the labels; use {sorted(target)!r}.")
        if len(given) != len(target) or len(set(given)) != len(given):
            return Verdict(INVALID, f"use each of the {len(target)} labels exactly once.")
        if given == target:
            surnames = any(normalize(a) != normalize(g) for a, g in zip(answer, given))
            return Verdict(CORRECT, "that is the right order." + (SURNAMES_ENOUGH if surnames else ""))
        in_place = sum(g == t for g, t in zip(given, target))
        first_wrong = next(i for i, (g, t) in enumerate(zip(given, target)) if g != t)
        reasons = _value(self.why)
        why = "".join(f" {g}: {reasons[g]}" for g, t in zip(given, target) if g != t and reasons.get(g))
        return Verdict(INCORRECT, f"{in_place} of {len(target)} are in the right place; the first one out of "
                                  f"place is position {first_wrong + 1} ({short(given[first_wrong])}).{why}")


@dataclass(frozen=True)
class Matching(Exercise):
    """Match each left item to a right item (a dict); pairs computed from the data."""

    pairs: Callable[[], dict[str, str]] | dict[str, str] = field(default_factory=dict)
    why: Callable[[], dict[str, str]] | dict[str, str] = field(default_factory=dict)  # left item: its match
    expects: str = "a dictionary like {'left': 'right', ...}, or a list of the matches in the order of the items"

    def expected(self) -> dict[str, str]:
        return dict(_value(self.pairs))

    def _evaluate(self, answer: Any) -> Verdict:
        target = self.expected()
        if isinstance(answer, (list, tuple)) and not isinstance(answer, str):
            if len(answer) != len(target):
                return Verdict(INVALID, f"give {len(target)} matches, one for each item in the order printed; "
                                        f"your list has {len(answer)}.")
            answer = dict(zip(target, answer))  # a list answers the items in the order they are printed
        if not isinstance(answer, dict):
            return Verdict(INVALID, f"expected {self.expects}, got {describe(answer)}.")
        keys = {normalize(k): k for k in target}
        given = {}
        for k, v in answer.items():
            if not isinstance(k, str) or normalize(k) not in keys:
                return Verdict(INVALID, f"{short(k)} is not one of the items to match: {sorted(target)!r}.")
            if not isinstance(v, str):
                return Verdict(INVALID, f"the match for {short(k)} should be text, got {describe(v)}.")
            given[keys[normalize(k)]] = v
        names = sorted(set(target.values()))
        known = {normalize(n) for n in names}
        by_surname = {k: _surname_of(names, v) for k, v in given.items() if normalize(v) not in known}
        given.update({k: full for k, full in by_surname.items() if full})
        missing = [k for k in target if k not in given]
        wrong = [k for k in given if normalize(given[k]) != normalize(target[k])]
        if not missing and not wrong:
            surnames = SURNAMES_ENOUGH if any(by_surname.values()) else ""
            return Verdict(CORRECT, f"all {len(target)} matched correctly.{surnames}")
        parts = [f"{len(target) - len(missing) - len(wrong)} of {len(target)} matched correctly"]
        if wrong:
            parts.append(f"look again at {', '.join(repr(w) for w in wrong[:3])}")
        if missing:
            parts.append(f"still to match: {', '.join(repr(m) for m in missing[:3])}")
        reasons = _value(self.why)
        why = "".join(f" {short(w, 60)} is not {short(given[w], 60)}: {reasons[w]}" for w in wrong if reasons.get(w))
        return Verdict(INCORRECT, "; ".join(parts) + "." + why)


@dataclass(frozen=True)
class Text(Exercise):
    """A short text answer, accepted in any of several forms.

    ``accepted`` holds the accepted variants, or a function computing them from the data.
    """

    accepted: Callable[[], list[str]] | tuple[str, ...] = ()
    expects: str = "a short text"

    def expected(self) -> list[str]:
        return list(_value(self.accepted))

    def _evaluate(self, answer: Any) -> Verdict:
        if not isinstance(answer, str):
            return Verdict(INVALID, f"expected {self.expects} in quotes, like \"Paris\", got {describe(answer)}.")
        norm = normalize(answer)
        plain = [normalize(a) for a in self.expected()]
        if norm in plain:
            return Verdict(CORRECT, f"{short(answer.strip(), 80)} is right.")
        if plain and max(difflib.SequenceMatcher(None, norm, p).ratio() for p in plain) >= 0.8:
            return Verdict(INCORRECT, f"{short(answer.strip(), 80)} is very close: check the spelling.")
        return Verdict(INCORRECT, f"{short(answer.strip(), 80)} is not the answer we are looking for.")


RIGHT_RESULT = "that is the right result."
RIGHT_BY_CODE = "your code computes the right result."
RIGHT_BY_HAND = ("that is the right result, typed in by hand. This exercise asks for code that computes it "
                 "from the data (the hints show how): try it, so that your answer stays right if the data is "
                 "corrected.")


@dataclass(frozen=True)
class Value(Exercise):
    """A code task: the value the student's code computes (number, list, Series or DataFrame)."""

    answer: Callable[[], Any] | Any = None
    tolerance: float = 1e-6
    expects: str = "the value your code computes"

    def expected(self) -> Any:
        return _value(self.answer)

    def _evaluate(self, answer: Any) -> Verdict:
        problem = compare(answer, self.expected(), self.tolerance)
        if problem is None:
            return Verdict(CORRECT, RIGHT_RESULT)
        status, message = problem
        return Verdict(status, message)


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


@dataclass(frozen=True)
class Written(Exercise):
    """A short written answer (a justification): recorded for the teacher, never scored.

    ``rubric`` is what the teacher looks for; ``self_check`` is shown to the student once the
    answer is saved, as questions to ask of their own text.
    """

    max_text: ClassVar[int] = 6_000  # a memo of about a page (a learning record keeps 10,000)
    rubric: tuple[str, ...] = ()
    self_check: tuple[str, ...] = ()
    min_words: int = 10
    expects: str = "a few sentences in quotes"
    examples: Any = None  # ExampleAnswers (_example_answers), shown with the feedback once an answer is saved

    def _evaluate(self, answer: Any) -> Verdict:
        if not isinstance(answer, str):
            return Verdict(INVALID, f"expected {self.expects}, like \"Because ...\", got {describe(answer)}.")
        n = _words(answer)
        if n < self.min_words:
            return Verdict(INVALID, f"that is {n} word{'s' if n != 1 else ''}; write at least {self.min_words}, "
                                    "in full sentences, and run the cell again.")
        ask = "".join(f" ({i}) {q}" for i, q in enumerate(self.self_check, start=1))
        return Verdict(RECORDED, f"your answer ({n} words) is saved for your teacher; it is not marked "
                                 f"automatically." + (f" Read it again and ask yourself:{ask}" if ask else ""))


@dataclass(frozen=True)
class Prediction(Exercise):
    """A guess made before the data is shown: recorded, never scored. With ``options`` the
    guess is one of their letters; otherwise it is a number (in ``unit``) or a short text."""

    options: dict[str, str] = field(default_factory=dict)
    unit: str = ""
    shows: Callable[[], list[Any]] | tuple[Any, ...] = ()  # what the reveal shows (never before a guess)
    expects: str = "your guess"

    def expected(self) -> None:
        return None  # a guess has no right answer; ``shows`` is what the data says

    def _evaluate(self, answer: Any) -> Verdict:
        if self.options:
            label = _option_label(self.options, answer)
            if label is None:
                choices = ", ".join(f"'{k}'" for k in self.options)
                return Verdict(INVALID, f"expected one of {choices} as text, got {describe(answer)}.")
            guess = f"'{label}' ({short(self.options[label], 60)})"
        elif isinstance(answer, bool) or not isinstance(answer, (numbers.Real, str)):
            return Verdict(INVALID, f"expected a number or a short text, got {describe(answer)}.")
        elif isinstance(answer, str) and len(answer.strip()) == 0:
            return Verdict(INVALID, "write your guess between the quotes.")
        else:
            guess = short(answer, 60) + (f" {self.unit}" if self.unit and not isinstance(answer, str) else "")
        return Verdict(RECORDED, f"your prediction {guess} is saved. There is no wrong guess: run the next "
                                 "cells to see what the data says, and compare.")
