"""Exercise checking: right, wrong, not attempted and badly typed answers, for every kind."""

import json
import math
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessonkit import Feedback, check, progress
from lessonkit._checkers import Numeric, Value, normalize
from lessonkit._exercises import exercises, get_exercise, lesson_keys
from lessonkit._facts import value
from lessonkit._record import record_path

RIGHT = {
    "sample.venue": "Lancaster House",
    "sample.kind": "b",
    "sample.attended": ["c", "a"],
}


def reference_answer(exercise_id):
    """The right answer of a sample exercise, from the data or the constant above."""
    ex = get_exercise(exercise_id)
    if exercise_id in RIGHT:
        return RIGHT[exercise_id]
    return ex.expected()


@pytest.mark.parametrize("exercise_id", list(exercises("sample")))
def test_the_reference_answer_passes_and_is_recorded(exercise_id):
    fb = check(exercise_id, reference_answer(exercise_id))
    assert fb.passed, str(fb)
    attempts = json.loads(record_path("sample").read_text())["attempts"]
    assert attempts[-1]["exercise"] == exercise_id and attempts[-1]["status"] == "correct"


@pytest.mark.parametrize("exercise_id", list(exercises("sample")))
def test_ellipsis_is_not_attempted_yet(exercise_id):
    fb = check(exercise_id, ...)
    assert fb.status == "not_attempted"
    assert "Not attempted yet" in str(fb)


def test_numeric_unit_slip_gets_a_millions_billions_hint():
    target = value("pledges", "uk-lmm-ef-pm-remarks", "amount") / 1e9
    fb = check("sample.missiles", target * 1000)
    assert fb.status == "incorrect"
    assert "thousands, millions and billions" in fb.message


def test_numeric_wrong_currency_gets_a_currency_hint():
    rate = value("exchange_rates", "market-gbp-eur-2025-03-03", "rate")
    fb = check("sample.missiles", value("pledges", "uk-lmm-ef-pm-remarks", "amount") / 1e9 * rate)
    assert fb.status == "incorrect"
    assert "euros" in fb.message


def test_numeric_says_too_large_or_too_small():
    assert "too small" in check("sample.year", 1999).message
    assert "too large" in check("sample.year", 2031).message


def test_numeric_accepts_a_numeric_string_and_explains_words():
    assert check("sample.year", " 2025 ").passed
    fb = check("sample.year", "2025 AD")
    assert fb.status == "invalid" and "just the number" in fb.message


def test_hints_come_one_at_a_time():
    first = check("sample.states", 1000)
    second = check("sample.states", 2000)
    third = check("sample.states", 3000)
    assert (first.hint_number, second.hint_number, third.hint_number) == (1, 2, 2)
    assert first.hint != second.hint


def test_text_forgives_case_spacing_accents_and_spellings():
    assert check("sample.venue", "  lancaster   HOUSE ").passed
    assert normalize("Zelenskyy") == normalize("Zelensky") == normalize("ZELENSKIY")
    assert normalize("Jonas Gahr Støre") == normalize("jonas gahr store")
    assert normalize("Emmanuel Macrón") == normalize("emmanuel macron")


def test_choice_accepts_label_or_option_text():
    assert check("sample.kind", "B").passed
    assert check("sample.kind", "credit to buy from the lender's own industry").passed
    assert check("sample.kind", "a").status == "incorrect"


def test_multiple_choice_says_what_is_missing_and_extra():
    fb = check("sample.attended", ["a", "b"])
    assert fb.status == "incorrect"
    assert "'b' should not be there" in fb.message and "1 correct option is missing" in fb.message


def test_ordering_says_which_position_is_wrong():
    right = get_exercise("sample.order").expected()
    wrong = [right[1], right[0], right[2]]
    fb = check("sample.order", wrong)
    assert fb.status == "incorrect" and "position 1" in fb.message


def test_matching_names_the_wrong_pair():
    pairs = get_exercise("sample.roles").expected()
    first = next(iter(pairs))
    answer = dict(pairs, **{first: "Astronaut"})
    fb = check("sample.roles", answer)
    assert fb.status == "incorrect" and repr(first) in fb.message


def test_value_compares_series_and_dataframes():
    want = pd.DataFrame({"kind": ["grant", "loan"], "amount": [1.0, 2.0]})
    ex = Value("sample.x", "", answer=lambda: want)
    assert ex.evaluate(want.copy()).status == "correct"
    assert "no column 'amount'" in ex.evaluate(want[["kind"]]).message
    assert "4 rows; expected 2" in ex.evaluate(pd.concat([want, want])).message
    series = Value("sample.y", "", answer=lambda: pd.Series({"GBP": 1.0, "EUR": 2.0}))
    assert series.evaluate(pd.Series({"EUR": 2.0, "GBP": 1.0})).status == "correct"
    assert "'EUR'" in series.evaluate(pd.Series({"EUR": 3.0, "GBP": 1.0})).message


def test_unknown_exercise_gets_a_did_you_mean():
    fb = check("sample.yaer", 2025)
    assert fb.status == "invalid" and "did you mean 'sample.year'" in fb.message
    assert check("nolesson.x", 1).status == "invalid"
    assert check(None, 1).status == "invalid"


def test_feedback_renders_escaped_html_and_is_deterministic(tmp_path, monkeypatch):
    outputs = []
    for run in ("first", "second"):  # two fresh sessions, the same answer
        monkeypatch.setenv("LESSONKIT_RECORD_DIR", str(tmp_path / run))
        (tmp_path / run).mkdir()
        fb = check("sample.venue", "<script>alert(1)</script>")
        outputs.append((str(fb), fb._repr_html_()))
    assert outputs[0] == outputs[1]
    assert "<script>" not in outputs[0][1] and "&lt;script&gt;" in outputs[0][1]
    assert str(Feedback("a.b", "correct", "ok")) == "[a.b] Correct: ok"


def test_progress_shows_the_latest_status_of_each_exercise():
    check("sample.year", 1990)
    check("sample.kind", "b")
    p = progress("sample")
    assert p.status["sample.year"] == "incorrect" and p.status["sample.kind"] == "correct"
    assert p.done == 1 and "1 of 8" in str(p)


def test_progress_is_not_erased_by_running_a_fresh_copy():
    """Run All on a fresh copy checks every ... again: progress keeps the answers given before."""
    check("sample.year", 2025)
    check("sample.kind", "a")
    for exercise_id in exercises("sample"):
        check(exercise_id, ...)
    p = progress("sample")
    assert p.status["sample.year"] == "correct" and p.status["sample.kind"] == "incorrect"
    assert p.status["sample.venue"] == "not_attempted" and p.done == 1


def test_an_unwritable_record_folder_still_gives_feedback(tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("LESSONKIT_RECORD_DIR", str(tmp_path / "a-file" / "records"))
    fb = check("sample.year", 2025)
    assert fb.passed and "could not be saved" in fb.note


# --- property-based: no answer, however odd, makes any checker raise ------------------------

odd_answers = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=50) | st.just(...) | st.just("x" * 100_000) | st.binary(max_size=10)
    | st.complex_numbers() | st.just(pd.Series([1, 2])) | st.just(pd.DataFrame({"a": [1]})),
    lambda children: st.lists(children, max_size=4) | st.tuples(children, children)
    | st.dictionaries(st.text(max_size=5), children, max_size=3) | st.sets(st.integers(), max_size=3),
    max_leaves=8,
)
ALL_IDS = [eid for lesson in lesson_keys() for eid in exercises(lesson)]


@pytest.mark.parametrize("exercise_id", ALL_IDS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=odd_answers)
def test_no_answer_makes_a_checker_raise(exercise_id, answer):
    fb = check(exercise_id, answer)
    assert isinstance(fb, Feedback)
    assert fb.status in {"correct", "incorrect", "not_attempted", "invalid", "recorded"}
    assert fb.message and len(fb.message) < 600
    str(fb), fb._repr_html_()


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=1e-3, max_value=1e12), st.floats(min_value=1e-3, max_value=1e12))
def test_numeric_is_correct_exactly_within_tolerance(target, answer):
    ex = Numeric("sample.p", "", answer=target, tolerance=0.01)
    status = ex.evaluate(answer).status
    assert (status == "correct") == math.isclose(answer, target, rel_tol=0.01, abs_tol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_unknown_ids_never_raise(exercise_id):
    assert check(exercise_id, 1).status == "invalid"


def test_a_teachers_own_keys_folder_is_found(tmp_path):
    import subprocess
    import sys

    (tmp_path / "mine.md").write_text(
        "---\nlessonkit:\n  lesson: mine\n---\n\n```{exercise}\n---\nlabel: mine.answer\nkind: numeric\n"
        "level: recall\nanswer: 42\nhints:\n- Multiply.\n---\nWhat is six times seven?\n```\n")
    code = "from lessonkit import check; print(check('mine.answer', 42).status, check('mine.answer', 41).hint)"
    env = dict(__import__("os").environ, LESSONKIT_KEYS=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "correct Multiply."


# --- feedback that understands what students really type -----------------------------------


def _two_decimals(exercise_id):
    """The expected answer of a numeric exercise written with two decimals, as text."""
    return f"{get_exercise(exercise_id).expected():.2f}"


def test_a_decimal_comma_is_explained_not_marked_too_large():
    whole, decimals = _two_decimals("money.euros").split(".")
    fb = check("money.euros", f"{whole},{decimals}")
    assert fb.status == "invalid"
    assert "decimals with a point, not a comma" in fb.message and f"{whole}.{decimals}" in fb.message
    assert check("money.euros", f"{whole}.{decimals}").passed
    assert "too large" in check("sample.year", "1,999,999").message  # a thousands separator stays one


def test_an_unquoted_decimal_comma_a_tuple_is_explained():
    whole, decimals = _two_decimals("money.euros").split(".")
    fb = check("money.euros", (int(whole), int(decimals)))
    assert fb.status == "invalid"
    assert "a comma makes two numbers" in fb.message and f"{whole}.{decimals}" in fb.message
    fb = check("money.per_missile", (320, 0))  # 320,000 typed without quotes
    assert fb.status == "invalid" and "without commas" in fb.message


def test_a_number_rounded_too_far_is_told_how_precise_to_be():
    from lessonkit._checkers import Numeric

    target = 2.7346  # a rate-converted sum, like the loan in euros
    loose = Numeric("sample.rate", "", answer=target)
    fb = loose.evaluate(round(target, 1))
    assert fb.status == "incorrect"
    assert "rounded to 1 decimal place" in fb.message and "give it to 2 decimal places" in fb.message
    assert "too small" not in fb.message and "too large" not in fb.message
    assert "a whole number" in loose.evaluate(round(target)).message
    assert "too" in loose.evaluate(round(target, 1) + 0.5).message  # a plain miss stays one
    stated = Numeric("sample.rate", "", answer=target, decimals=1)  # the prompt asks for 1 decimal place
    assert stated.evaluate(2.7).status == stated.evaluate("2.7").status == "correct"
    fb = stated.evaluate(3)
    assert fb.status == "incorrect" and "the question asks for 1 decimal place" in fb.message


def test_surnames_are_enough_where_each_names_one_person():
    pairs = get_exercise("positions.speakers").expected()
    fb = check("positions.speakers", {k: v.split()[-1] for k, v in pairs.items()})
    assert fb.passed and "Surnames alone are enough" in fb.message
    from lessonkit._checkers import Ordering

    order = Ordering("sample.o", "", order=("Pete Hegseth", "Donald Trump", "JD Vance", "Steve Witkoff"))
    fb = order.evaluate([name.split()[-1].upper() for name in order.expected()])
    assert fb.status == "correct" and "Surnames alone are enough" in fb.message
    assert order.evaluate(order.expected()).message == "that is the right order."


def test_a_surname_shared_by_two_names_is_not_enough():
    from lessonkit._checkers import Matching

    ex = Matching("sample.m", "", pairs={"A": "Donald Trump", "B": "Donald Tusk", "C": "Lara Trump"})
    assert ex.evaluate({"A": "Trump", "B": "Tusk", "C": "Lara Trump"}).status == "incorrect"
    assert ex.evaluate({"A": "Donald Trump", "B": "Tusk", "C": "Lara Trump"}).status == "correct"


def test_the_right_items_in_the_wrong_order_are_named_as_such():
    right = get_exercise("news.inaccurate").expected()
    assert len(right) > 1, "the data no longer makes this case"
    fb = check("news.inaccurate", list(reversed(right)))
    assert fb.status == "incorrect" and "right items, in the wrong order" in fb.message
    states = get_exercise("actors.states").expected()
    fb = check("actors.states", states[1:] + states[:1])
    assert "right items, in the wrong order" in fb.message


def test_ids_without_their_prefix_are_explained():
    right = get_exercise("news.inaccurate").expected()
    numbers = [int(re.sub(r"\D", "", claim)) for claim in right]
    fb = check("news.inaccurate", numbers)
    assert fb.status == "invalid" and "letters before the number" in fb.message and repr(right[0]) in fb.message
    fb = check("news.inaccurate", [str(n) for n in numbers])
    assert fb.status == "invalid" and repr(right[0]) in fb.message


def test_a_stance_word_instead_of_an_option_letter():
    options = get_exercise("positions.stance").options
    for stance in options.values():
        assert check("positions.stance", stance).status in {"correct", "incorrect"}  # the option's own text
    label = next(k for k, v in options.items() if v == "opposes")
    fb = check("positions.stance", "opposed")
    assert fb.status == "invalid" and f"reads like option '{label}'" in fb.message
    assert "expected one of" in check("positions.stance", "maybe").message


def test_country_names_as_students_write_them():
    states = get_exercise("actors.states").expected()
    assert {"Czech Republic", "United Kingdom"} <= set(states), "the data no longer makes this case"
    spelled = {"Czech Republic": "Czechia", "United Kingdom": "the UK"}
    assert check("actors.states", [spelled.get(s, s) for s in states]).passed
    troops = get_exercise("capstone.troops").expected()
    assert "United Kingdom" in troops
    for uk in ("UK", "Britain", "the United Kingdom", "U.K."):
        answer = {uk if k == "United Kingdom" else k: v for k, v in troops.items()}
        assert check("capstone.troops", answer).passed, uk
    for us in ("US", "USA", "the US", "United States of America"):
        assert normalize(us) == normalize("United States"), us
    assert normalize("the Czech Republic") == normalize("Czechia")


def test_a_right_answer_without_its_cell_gets_a_neutral_message():
    fb = check("start.before", get_exercise("start.before").expected())
    assert fb.passed and fb.message == "that is the right result."


def test_a_literal_typed_for_a_code_task_is_told_so_kindly_in_a_real_kernel(tmp_path):
    """In a notebook, check() reads its own cell: typed-in result or code that computes it."""
    import nbformat
    from nbclient import NotebookClient

    right = get_exercise("start.before").expected()
    cells = ["from lessonkit import analysis, check",
             f"n_before = {right!r}\ncheck('start.before', n_before)",
             "n_before = len(analysis.timeline(period='before'))\ncheck('start.before', n_before)",
             f"check('start.before', {right!r})"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    env_dir = tmp_path / "records"
    env_dir.mkdir()
    NotebookClient(nb, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(env_dir)}}).execute()
    texts = [c.outputs[0]["data"]["text/plain"] for c in nb.cells[1:]]
    assert all(t.startswith("[start.before] Correct:") for t in texts), texts
    assert "typed in by hand" in texts[0] and "code that computes it" in texts[0]
    assert "your code computes the right result" in texts[1]
    assert "typed in by hand" in texts[2]


def _lessons():
    import tomllib

    from lessonkit._paths import lessons_toml

    return [(lesson["file"], lesson["key"]) for lesson in tomllib.loads(lessons_toml().read_text())["lesson"]
            if lesson.get("key")]


@pytest.mark.parametrize("file, key", _lessons())
def test_progress_lists_exercises_in_the_order_the_lesson_asks_them(file, key, tmp_path, monkeypatch):
    from lessonkit._paths import lessons_toml

    text = (lessons_toml().parent / file).read_text()
    asked = list(dict.fromkeys(re.findall(r'check\(\s*"([a-z_]+\.[a-z0-9_.-]+)"', text)))
    monkeypatch.setenv("LESSONKIT_RECORD_DIR", str(tmp_path))
    assert asked and list(progress(key).status) == asked
