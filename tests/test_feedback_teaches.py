"""Feedback that teaches (issue 24), for every exercise of every lesson.

- Every option of every choice and multiple-choice question has an explanation, and a wrong
  pick shows it; a missed right option shows its own.
- Matching and ordering say, one sentence per item, why a wrong pair or place is wrong.
- A numeric prompt states its unit and its precision, and the answer rounded to that
  precision is right ("2.7" where one decimal place is asked).
- A prediction is saved only with a one-line reason; its reveal shows nothing before a guess,
  then sets the reason beside the data.
"""

from __future__ import annotations

import re

import pytest

from lessonkit import check, reveal
from lessonkit._checkers import Choice, Matching, MultiChoice, Numeric, Ordering
from lessonkit._exercises import NO_GUESS, exercises, lesson_keys

from . import shown_text as st

LESSONS = [st.KEYS[p.name] for p in st.LESSONS]


def all_of(kind: type) -> list:
    return [e for lesson in LESSONS for e in exercises(lesson).values() if type(e) is kind]


@pytest.fixture(autouse=True)
def _own_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # each test writes its own learning records


def test_the_lessons_are_the_packaged_ones():
    assert set(LESSONS) <= set(lesson_keys()) and len(LESSONS) == 8


@pytest.mark.parametrize("exercise", all_of(Choice), ids=lambda e: e.id)
def test_every_wrong_option_of_a_choice_shows_its_explanation(exercise):
    assert set(exercise.explanations) == set(exercise.options), f"{exercise.id}: explain every option"
    right = exercise.expected()
    for letter in exercise.options:
        fb = exercise.evaluate(letter)
        assert fb.status == ("correct" if letter == right else "incorrect")
        assert exercise.explanations[letter] in fb.message, (exercise.id, letter, fb.message)


@pytest.mark.parametrize("exercise", all_of(MultiChoice), ids=lambda e: e.id)
def test_a_multiple_choice_explains_each_wrong_pick_and_each_missed_option(exercise):
    assert set(exercise.explanations) == set(exercise.options), f"{exercise.id}: explain every option"
    right = exercise.expected()
    for letter in exercise.options:
        if letter in right:
            fewer = [x for x in right if x != letter]
            fb = exercise.evaluate(fewer)
            assert fb.status == "incorrect" and exercise.explanations[letter] in fb.message, (letter, fb.message)
        else:
            fb = exercise.evaluate([*right, letter])
            assert fb.status == "incorrect" and exercise.explanations[letter] in fb.message, (letter, fb.message)
    assert exercise.evaluate(right).status == "correct"


@pytest.mark.parametrize("exercise", all_of(Matching), ids=lambda e: e.id)
def test_a_matching_says_why_each_wrong_pair_is_wrong(exercise):
    pairs = exercise.expected()
    why = exercise.why() if callable(exercise.why) else exercise.why
    assert set(why) == set(pairs), f"{exercise.id}: one sentence for each item"
    values = list(pairs.values())
    for item in pairs:
        other = next(v for v in values if v != pairs[item])
        fb = exercise.evaluate(dict(pairs, **{item: other}))
        assert fb.status == "incorrect" and why[item] in fb.message, (item, fb.message)
    assert exercise.evaluate(values).status == "correct"  # a list in the order printed is enough


@pytest.mark.parametrize("exercise", all_of(Ordering), ids=lambda e: e.id)
def test_an_ordering_says_why_each_item_out_of_place_belongs_elsewhere(exercise):
    order = exercise.expected()
    why = exercise.why() if callable(exercise.why) else exercise.why
    assert set(why) == set(order), f"{exercise.id}: one sentence for each item"
    swapped = [order[1], order[0], *order[2:]]
    fb = exercise.evaluate(swapped)
    assert fb.status == "incorrect" and why[order[0]] in fb.message and why[order[1]] in fb.message
    assert why[order[-1]] not in fb.message  # an item in its place needs no reason


PRECISION = re.compile(r"decimal\s+place|nearest|whole\s+number", re.I)


@pytest.mark.parametrize("exercise", all_of(Numeric), ids=lambda e: e.id)
def test_a_numeric_prompt_states_its_unit_and_precision(exercise):
    from lessonkit._keys import specs_for

    spec = next(s for s in specs_for(exercise.id.split(".")[0]) if s.label == exercise.id)
    assert exercise.unit, f"{exercise.id}: name the unit"
    assert PRECISION.search(spec.body), f"{exercise.id}: the prompt must say how precise the answer is"
    if exercise.decimals is not None:
        rounded = round(exercise.expected(), exercise.decimals)
        assert exercise.evaluate(rounded).status == "correct"
        assert exercise.evaluate(f"{rounded:.{exercise.decimals}f}").status == "correct"


def test_the_euro_loan_takes_the_number_asked_for_in_the_forms_students_type():
    target = exercises("money")["money.euros"].expected()
    one_place = f"{target:.1f}"
    for answer in (one_place, float(one_place), f"€{one_place}bn", f" {one_place} billion ", f"{target:.2f}"):
        assert check("money.euros", answer).passed, answer
    whole = check("money.euros", round(target))
    assert whole.status == "incorrect" and "1 decimal place" in whole.message
    assert check("money.euros", f"£{one_place}m").status == "invalid"  # millions are not the unit asked


def test_a_prediction_is_saved_with_its_reason_and_revealed_only_after():
    before = reveal("start.busier", lambda guess: "DATA: 12 before, 26 after")
    assert str(before) == NO_GUESS and "DATA" not in before._repr_html_()
    no_reason = check("start.busier", "b")
    assert no_reason.status == "invalid" and "why" in no_reason.message
    assert str(reveal("start.busier", lambda guess: "DATA")) == NO_GUESS  # not saved without a reason
    assert check("start.busier", "b", "the news kept coming after the summit").status == "recorded"
    after = str(reveal("start.busier", lambda guess: f"DATA for {guess}"))
    assert "DATA for b" in after and "the news kept coming after the summit" in after
