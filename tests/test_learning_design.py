"""What the lessons ask students to do (issues 13 and 24), read from the exercise blocks themselves.

- Every exercise names its level: recall (or look up), apply, analyse or evaluate; every
  prediction, and only a prediction, has the level ``prediction`` (a guess has no level).
- The level rule of ``docs/exercise-format.md``, applied mechanically where it can be: an
  exercise whose prompt or hints spell out the code that answers it is ``recall``; an apply,
  analyse or evaluate exercise's answer is not in the output of any lesson cell above it (the
  executed teacher edition).
- At least 60% of the scored and written exercises are apply, analyse or evaluate, at least
  half are analyse or evaluate, and every lesson has at least two analyse or evaluate tasks;
  the test prints the count by level per lesson.
- Every lesson has a predict-then-reveal task (kind ``prediction``) and a written
  justification (kind ``written``).
- No exercise's answer is printed right before it: in the executed teacher edition, the
  output of the last lesson cell before the exercise's prompt (solution cells are the
  student's own and are skipped) must not hold an answer the checker would accept: a number
  it marks correct, the accepted text, every item of the expected list, the right option's
  text, every pair of a matching on one line, or an ordering's items in order.
"""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path
from typing import Any

import nbformat
import pytest

from . import shown_text as st
from .lesson_source import front_matter

LEVELS = ("recall", "apply", "analyse", "evaluate")
HIGHER = ("apply", "analyse", "evaluate")
TOP = ("analyse", "evaluate")
OVERALL_TARGET, TOP_TARGET, TOP_PER_LESSON = 0.60, 0.50, 2
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
SHORT_MONTHS = "|".join(m[:3] for m in MONTHS.split("|"))
DATE = re.compile(rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}} (?:{MONTHS}|{SHORT_MONTHS})\.?"
                  rf"(?: \d{{4}})?\b|\b(?:{MONTHS}) \d{{1,2}},? \d{{4}}\b")
NUMBER = re.compile(r"(?<![\w.])[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])[-−]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def specs(path: Path) -> list:
    """The exercise blocks of a lesson source."""
    from lessonkit._keys import parse_lesson

    return parse_lesson(path)


@pytest.fixture(scope="module")
def blocks() -> dict[str, list]:
    return {p.name: specs(p) for p in st.LESSONS}


def share_table(blocks: dict[str, list]) -> tuple[str, dict[str, int], float, float]:
    """The printed count by level per lesson (predictions apart), each lesson's number of analyse
    or evaluate tasks, the overall apply-or-higher share and the overall analyse-or-evaluate share."""
    head = f"{'lesson':40} {'n':>3} " + " ".join(f"{lv:>8}" for lv in LEVELS) + f" {'predict':>8} {'higher':>7}"
    lines, tops, total, higher, top = [head], {}, 0, 0, 0
    for name, found in blocks.items():
        scored = [s for s in found if s.kind != "prediction"]
        counts = {lv: sum(s.level == lv for s in scored) for lv in LEVELS}
        up = sum(counts[lv] for lv in HIGHER)
        tops[name] = sum(counts[lv] for lv in TOP)
        total, higher, top = total + len(scored), higher + up, top + tops[name]
        lines.append(f"{name:40} {len(scored):3d} " + " ".join(f"{counts[lv]:8d}" for lv in LEVELS)
                     + f" {len(found) - len(scored):8d} {up / max(len(scored), 1):7.0%}")
    every = [s for f in blocks.values() for s in f if s.kind != "prediction"]
    lines.append(f"{'all lessons':40} {total:3d} " + " ".join(f"{sum(s.level == lv for s in every):8d}" for lv in LEVELS)
                 + f" {sum(len(f) for f in blocks.values()) - total:8d} {higher / max(total, 1):7.0%}")
    return "\n".join(lines), tops, higher / max(total, 1), top / max(total, 1)


def test_every_exercise_names_its_level(blocks):
    missing = [f"{name}: {s.label}" for name, found in blocks.items() for s in found
               if s.level not in LEVELS and s.kind != "prediction"]
    assert not missing, f"exercises without a level among {LEVELS}: {missing}"
    guesses = [f"{name}: {s.label} ({s.level})" for name, found in blocks.items() for s in found
               if (s.kind == "prediction") != (s.level == "prediction")]
    assert not guesses, f"a prediction's level is 'prediction', and only a prediction's: {guesses}"
    empty = [name for name, found in blocks.items() if not found]
    assert not empty, f"lessons with no exercise blocks: {empty}"


def test_exercises_ask_students_to_apply_analyse_and_evaluate(blocks):
    text, tops, higher, top = share_table(blocks)
    print(f"\nExercises by level (predictions apart; targets: {OVERALL_TARGET:.0%} apply or higher, "
          f"{TOP_TARGET:.0%} analyse or evaluate, {TOP_PER_LESSON} analyse or evaluate per lesson):\n" + text
          + f"\nanalyse or evaluate: {top:.0%}")
    assert higher >= OVERALL_TARGET, f"only {higher:.0%} of all exercises are apply/analyse/evaluate"
    assert top >= TOP_TARGET, f"only {top:.0%} of all exercises are analyse/evaluate"
    low = {name: n for name, n in tops.items() if n < TOP_PER_LESSON}
    assert not low, "lessons with fewer than two analyse/evaluate tasks: " + ", ".join(f"{k} {v}" for k, v in low.items())


# --- the level rule, applied mechanically --------------------------------------------------

SOLUTION = re.compile(r"# BEGIN SOLUTION\n(.*?)# END SOLUTION\n(.*?)```", re.S)


def solutions(text: str) -> dict[str, list[str]]:
    """Each exercise's solution lines in a lesson source (the region of the cell that checks it)."""
    found: dict[str, list[str]] = {}
    for m in SOLUTION.finditer(text):
        label = re.search(r"""check\(["']([\w.-]+)["']""", m.group(2))
        if label:
            found[label.group(1)] = [line for line in m.group(1).splitlines() if line.strip()]
    return found


def _code(text: str) -> str:
    """Code with spaces dropped and one kind of quote, so that a dictated line matches as typed."""
    return re.sub(r"\s+", "", text).replace('"', "'")


def _expressions(lines: list[str]) -> list[str]:
    """The right-hand sides of a solution's lines that are code (a literal answer is not)."""
    import ast

    found = []
    for line in lines:
        if line.lstrip().startswith("#"):
            continue
        expr = line.split("=", 1)[1] if re.match(r"^\s*[A-Za-z_]\w*\s*=(?!=)", line) else line
        try:
            ast.literal_eval(expr.strip())
        except (ValueError, SyntaxError):
            found.append(expr.strip())
    return found


def dictated(spec, lines: list[str]) -> bool:
    """True when the prompt or the hints spell out every code expression of the solution (whole,
    or inside one outer call such as list(...) or len(...))."""
    told = _code(spec.body + " " + " ".join(spec.options.get("hints") or []))
    exprs = _expressions(lines)
    if not exprs:
        return False
    for expr in exprs:
        code = _code(expr)
        inner = re.fullmatch(r"[A-Za-z_]\w*\((.*)\)", code)
        if code not in told and not (inner and inner.group(1) in told):
            return False
    return True


def test_an_exercise_whose_code_is_dictated_is_recall(blocks):
    wrong = []
    for lesson in st.LESSONS:
        found = solutions(lesson.read_text(encoding="utf-8"))
        for spec in blocks[lesson.name]:
            if spec.level != "recall" and spec.label in found and dictated(spec, found[spec.label]):
                wrong.append(f"{spec.label} ({spec.level})")
    assert not wrong, f"the prompt or hints give the code, so these are recall: {wrong}"


def test_the_dictation_rule_catches_a_dictated_line_and_spares_a_method():
    from lessonkit._keys import parse_text

    text = front_matter("demo", 5) + textwrap.dedent('''\

        ```{exercise}
        ---
        label: demo.before
        kind: value
        level: apply
        answer: 3
        hints:
        - "Sort: events[events['event_id'].isin(ids)].sort_values('date')['event_id']."
        ---
        Count the events: type `len(analysis.timeline(period="before"))`.
        ```

        ```{exercise}
        ---
        label: demo.ids
        kind: value
        level: apply
        answer: [a]
        hints:
        - "Sort: events[events['event_id'].isin(ids)].sort_values('date')['event_id']."
        ---
        Put them in order.
        ```

        ```{exercise}
        ---
        label: demo.days
        kind: numeric
        level: apply
        answer: 11
        hints:
        - Subtract the earlier date from the later one.
        ---
        How many days passed?
        ```
        ''')
    specs = {s.label: s for s in parse_text(text, "demo")}
    assert dictated(specs["demo.before"], ['n = len(analysis.timeline(period="before"))'])
    assert dictated(specs["demo.ids"], ['order = list(events[events["event_id"].isin(ids)].sort_values("date")["event_id"])'])
    assert not dictated(specs["demo.days"], ['gap = (dates["jeddah-talks"] - dates["oval-office-clash"]).days'])
    assert not dictated(specs["demo.days"], ["gap = 11"])  # a typed answer is not code


def test_every_lesson_has_a_prediction_and_a_written_justification(blocks):
    lacking = [f"{name} has no {kind} exercise" for name, found in blocks.items()
               for kind in ("prediction", "written") if not any(s.kind == kind for s in found)]
    assert not lacking, "; ".join(lacking)


# --- no answer printed right before its exercise ---------------------------------------------


def _norm(text: str) -> str:
    return " ".join(str(text).replace("’", "'").casefold().split())


def _contains(haystack: str, needle: str) -> bool:
    """needle, as whole words, in haystack (both normalised)."""
    needle = _norm(needle)
    return bool(needle) and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", _norm(haystack)) is not None


def numbers_in(text: str) -> list[float]:
    """Every number a student could copy from a text, as shown (commas for thousands allowed);
    dates are not numbers to copy.

    >>> numbers_in("UK: 2,260 million (2.26 bn) on 12 Feb 2025, 3 March and 2025-03-02, 15 leaders, 1.6e+09")
    [2260.0, 2.26, 15.0, 1600000000.0]
    """
    text = DATE.sub(" ", text)
    return [float(m.group(0).replace(",", "").replace("−", "-")) for m in NUMBER.finditer(text)]


def _is_number(x: Any) -> bool:
    import numbers

    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _close(shown: float, want: float, tolerance: float = 0.01) -> bool:
    return abs(shown - want) <= tolerance * max(abs(want), 1e-12)


def table_rows(expected) -> list[list]:
    """The cells of each row of a Series (label, value) or DataFrame (its columns).

    >>> import pandas as pd
    >>> table_rows(pd.Series({"a": 1.5}))
    [['a', 1.5]]
    """
    if hasattr(expected, "to_frame") and not hasattr(expected, "columns"):
        return [[label, value] for label, value in expected.items()]
    return [list(row) for row in expected.itertuples(index=False)]


def _item_on(line: str, item: Any) -> bool:
    if _is_number(item):
        return any(_close(n, float(item)) for n in numbers_in(line))
    return _contains(line, str(item))


def listed(shown: str, items: list) -> bool:
    """The items, and nothing else, on consecutive lines (one each, in any order): a printed
    list or a table of exactly the answer; a longer list that holds them is not a giveaway.

    >>> listed("chances:\\n| 0 | France\\n| 1 | Norway\\nend", ["Norway", "France"])
    True
    >>> listed("| France\\n| Italy\\n| Norway", ["Norway", "France"])
    False
    >>> listed("| Canada\\n| France\\n| Norway", ["Norway", "France"])
    False
    """
    lines = [line for line in shown.splitlines() if line.strip()]
    n = len(items)
    for i in range(len(lines) - n + 1):
        window = lines[i:i + n]
        hits = [[k for k, item in enumerate(items) if _item_on(line, item)] for line in window]
        if all(len(h) == 1 for h in hits) and sorted(h[0] for h in hits) == list(range(n)):
            before = lines[i - 1] if i else ""
            after = lines[i + n] if i + n < len(lines) else ""
            if not _looks_like(before, window[0]) and not _looks_like(after, window[-1]):
                return True
    return False


def _looks_like(other: str, line: str) -> bool:
    """Another row of the same list or table (so the answer is only part of what is shown)."""
    def shape(text: str) -> tuple[str, int]:
        return re.sub(r"[^|‖]", "", text), len(text.split())

    return bool(other) and shape(other)[0] == shape(line)[0] and abs(shape(other)[1] - shape(line)[1]) <= 1


def _row_on(line: str, row: list) -> bool:
    """Every cell of a table row on one line of output (numbers within 1%)."""
    found = numbers_in(line)
    for cell in row:
        if _is_number(cell):
            if cell == cell and not any(_close(n, float(cell)) for n in found):
                return False
        elif str(cell).strip() and not _contains(line, str(cell)):
            return False
    return True


def giveaway(exercise, shown: str) -> str | None:
    """Why the text shown above the exercise gives its answer away, or None.

    A single-digit whole-number answer is not checked against numbers (such digits are in
    almost every output); every other known answer is.
    """
    kind = type(exercise).__name__
    if kind in ("Written", "Prediction"):
        return None
    expected = exercise.expected()
    if expected is None:
        return None
    if kind == "Numeric" or (kind == "Value" and _is_number(expected)):
        if float(expected).is_integer() and abs(expected) < 10:
            return None
        for n in numbers_in(shown):
            if exercise.evaluate(int(n) if n.is_integer() else n).status == "correct":
                return f"the number {n:g}, which the checker accepts, is shown"
        return None
    if kind == "Text":
        hit = next((a for a in expected if len(_norm(a)) >= 3 and _contains(shown, a)), None)
        return f"the accepted answer {hit!r} is shown" if hit else None
    if kind in ("Choice", "MultiChoice"):
        right = [expected] if isinstance(expected, str) else list(expected)
        texts = [exercise.options[k] for k in right if k in exercise.options]
        wrong = [t for k, t in exercise.options.items() if k not in right]
        if texts and all(_contains(shown, t) for t in texts) and not all(_contains(shown, t) for t in wrong):
            return f"the right option{'s' if len(texts) > 1 else ''} ({'; '.join(texts)}) and not all others are shown"
        return None
    if kind == "Matching":
        lines = shown.splitlines()
        if expected and all(any(_contains(line, k) and _contains(line, v) for line in lines)
                            for k, v in expected.items()):
            return "every pair of the matching is shown on one line"
        return None
    if kind == "Ordering":
        text = _norm(shown)
        places = [text.find(_norm(item)) for item in expected]
        if expected and min(places) >= 0 and places == sorted(places):
            return "every item is shown, in the right order"
        return None
    if isinstance(expected, (list, tuple)) and len(expected) >= 2 and \
            all(isinstance(x, str) or _is_number(x) for x in expected):
        if _norm(str(list(expected))) in _norm(shown) or listed(shown, list(expected)):
            return "the expected list is shown, item by item"
        return None
    if hasattr(expected, "to_frame") or hasattr(expected, "itertuples"):  # a pandas Series or DataFrame
        rows = table_rows(expected)
        lines = shown.splitlines()
        if rows and all(any(_row_on(line, row) for line in lines) for row in rows):
            return f"every row of the expected table ({len(rows)}) is shown"
        return None
    if isinstance(expected, str) and len(_norm(expected)) >= 3 and _contains(shown, expected):
        return f"the expected text {expected!r} is shown"
    return None


def prompt_index(nb: nbformat.NotebookNode, label: str) -> int | None:
    """The index of the markdown cell holding the exercise's prompt."""
    for i, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("lessonkit", {})
        if cell.cell_type == "markdown" and isinstance(meta, dict) and meta.get("exercise") == label:
            return i
    heading = re.compile(rf"\*\*Exercise {re.escape(label)}\b")
    return next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and heading.search(c.source)), None)


def shown_before(nb: nbformat.NotebookNode, index: int) -> str:
    """The output of the last lesson cell (not a student's answer cell) before cell ``index``."""
    for cell in reversed(nb.cells[:index]):
        if cell.cell_type == "code" and not st.is_solution(cell) and not st.is_instructor(cell):
            return st.cell_output_text(cell)
    return ""


def giveaways(nb: nbformat.NotebookNode, exercises: dict) -> list[str]:
    """Every exercise of the notebook whose answer the cell before its prompt shows."""
    found = []
    for label, exercise in exercises.items():
        index = prompt_index(nb, label)
        if index is None:
            found.append(f"{label}: its prompt is not in the notebook")
            continue
        why = giveaway(exercise, shown_before(nb, index))
        if why:
            found.append(f"{label}: {why}")
    return found


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> Path:
    return st.editions(tmp_path_factory)


@pytest.mark.parametrize("lesson", st.LESSONS, ids=[p.stem for p in st.LESSONS])
def test_no_answer_is_printed_by_the_cell_before_its_exercise(editions, lesson):
    from lessonkit._exercises import exercises

    nb = st.read(editions, "teacher", lesson)
    found = giveaways(nb, exercises(st.KEYS[lesson.name]))
    assert not found, f"{lesson.name}: " + "; ".join(found)


def _one_word_choice(exercise) -> bool:
    if type(exercise).__name__ not in ("Choice", "MultiChoice"):
        return False
    right = exercise.expected()
    right = [right] if isinstance(right, str) else right
    return any(len(exercise.options.get(k, "").split()) == 1 for k in right)


def shown_above(nb: nbformat.NotebookNode, index: int) -> list[str]:
    """The output of every lesson cell (not a student's answer cell) above cell ``index``."""
    return [st.cell_output_text(c) for c in nb.cells[:index]
            if c.cell_type == "code" and not st.is_solution(c) and not st.is_instructor(c)]


@pytest.mark.parametrize("lesson", st.LESSONS, ids=[p.stem for p in st.LESSONS])
def test_no_apply_or_higher_answer_is_in_any_output_above_it(editions, lesson):
    """The level rule: an exercise is apply or higher only if its answer is not on screen, so
    no cell above its prompt, however far up, may show it. (A choice whose right option is one
    word, like a verdict, is checked against the cell right before it only: such a word is
    printed all over a lesson about other rows.)"""
    from lessonkit._exercises import exercises

    nb = st.read(editions, "teacher", lesson)
    found = []
    for label, exercise in exercises(st.KEYS[lesson.name]).items():
        if exercise.level not in HIGHER or _one_word_choice(exercise):
            continue
        index = prompt_index(nb, label)
        for shown in shown_above(nb, index) if index is not None else []:
            why = giveaway(exercise, shown)
            if why:
                found.append(f"{label} ({exercise.level}): {why}")
                break
    assert not found, f"{lesson.name}: answers on screen, so these are recall: " + "; ".join(found)


CRAFTED = front_matter('giveaway', 5) + textwrap.dedent('''\

    # A crafted lesson whose cells print the answers

    ```{code-cell} ipython3
    from lessonkit import check
    print("Total: 1,234.5 million")
    ```

    +++

    ```{exercise}
    ---
    label: giveaway.total
    kind: numeric
    level: recall
    answer: 1234.5
    ---
    What is the total, in millions? Write just the number.
    ```

    ```{code-cell} ipython3
    :tags: [solution]
    # BEGIN SOLUTION
    total = 1234.5
    # END SOLUTION
    check("giveaway.total", total)
    ```

    ```{code-cell} ipython3
    import pandas as pd
    pd.DataFrame({"state": ["Poland", "France", "Norway"]}).sort_values("state")
    ```

    +++

    ```{exercise}
    ---
    label: giveaway.states
    kind: value
    level: apply
    answer: ["France", "Norway", "Poland"]
    ---
    Make a sorted list of the three states.
    ```

    ```{code-cell} ipython3
    :tags: [solution]
    # BEGIN SOLUTION
    states = ["France", "Norway", "Poland"]
    # END SOLUTION
    check("giveaway.states", states)
    ```

    ```{code-cell} ipython3
    print("The host was Keir Starmer. Other guests: none listed.")
    ```

    +++

    ```{exercise}
    ---
    label: giveaway.host
    kind: choice
    level: recall
    answer: b
    options:
      a: Emmanuel Macron
      b: Keir Starmer
    ---
    Who hosted? Write the letter.
    ```

    ```{code-cell} ipython3
    :tags: [solution]
    # BEGIN SOLUTION
    host = "b"
    # END SOLUTION
    check("giveaway.host", host)
    ```

    ```{code-cell} ipython3
    pd.Series({"uk-loan": 2.26e9, "uk-missiles": 1.6e9}, name="amount").to_frame()
    ```

    +++

    ```{exercise}
    ---
    label: giveaway.amounts
    kind: value
    level: apply
    answer_from: giveaway_probe.amounts
    ---
    Make a Series of the two amounts, by row id.
    ```

    ```{code-cell} ipython3
    :tags: [solution]
    # BEGIN SOLUTION
    amounts = pd.Series({"uk-loan": 2.26e9, "uk-missiles": 1.6e9}, name="amount")
    # END SOLUTION
    check("giveaway.amounts", amounts)
    ```

    ```{code-cell} ipython3
    print("Nothing here gives the answer: it is a word with 12 letters.")
    ```

    +++

    ```{exercise}
    ---
    label: giveaway.place
    kind: text
    level: recall
    accepted: [Lancaster House]
    ---
    Where was the summit held? Write the name in quotes.
    ```

    ```{code-cell} ipython3
    :tags: [solution]
    # BEGIN SOLUTION
    place = "Lancaster House"
    # END SOLUTION
    check("giveaway.place", place)
    ```
    ''')


PROBE = """import pandas as pd


def amounts():
    return pd.Series({"uk-loan": 2.26e9, "uk-missiles": 1.6e9}, name="amount")
"""


def test_the_giveaway_check_catches_answers_printed_right_before(tmp_path, monkeypatch):
    """A lesson built and executed by lessonkit whose cells print four answers and hide one."""
    from lessonkit._exercises import exercises
    from lessonkit.teacher.editions import build

    source = tmp_path / "lessons" / "99-giveaway.md"
    source.parent.mkdir()
    source.write_text(CRAFTED, encoding="utf-8")
    monkeypatch.setenv("LESSONKIT_KEYS", str(source.parent))
    lib = tmp_path / "lib"  # the module of the table exercise's answer, for the kernel and for the test
    lib.mkdir()
    (lib / "giveaway_probe.py").write_text(PROBE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(lib))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(lib), os.environ.get("PYTHONPATH")])))
    build([source], tmp_path / "out", editions=("teacher",))
    nb = nbformat.read(tmp_path / "out" / "teacher" / "99-giveaway.ipynb", as_version=4)
    found = giveaways(nb, exercises("giveaway"))
    assert [f.split(":")[0] for f in found] == ["giveaway.total", "giveaway.states", "giveaway.host",
                                                "giveaway.amounts"], found
    assert "1234.5" in found[0]
