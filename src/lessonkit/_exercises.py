"""Finding exercises by id, checking answers, and the progress summary.

Exercise ids are ``<lesson>.<name>``; each exercise is written once, as an ``{exercise}``
block in its lesson, and :mod:`lessonkit._keys` finds and parses the lesson's key.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from . import _keys, _record, _source
from ._answers import to_json
from ._checkers import RIGHT_BY_CODE, RIGHT_BY_HAND, Exercise, Prediction, Value, describe
from ._errors import UnknownNameError
from ._escape import html_text, mathless
from ._feedback import CORRECT, INCORRECT, INVALID, NOT_ATTEMPTED, RECORDED, Feedback, Status, Verdict

_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9][a-z0-9_-]*$")
GRADING_ENV = "LESSONKIT_GRADING"
ANSWER_MIME = "application/vnd.lessonkit.answer+json"


def grading() -> bool:
    """True in a kernel run by ``lessonkit grade`` (LESSONKIT_GRADING=1): check() then only
    records answers, and no answer key is imported."""
    return os.environ.get(GRADING_ENV, "") == "1"


def grading_check(nonce: str) -> Any:
    """The check() the grader calls in an exercise cell: it rewrites the cell's own calls of
    check() to call this, with a nonce made for that cell's run (so no earlier cell can know
    it). The answer is recorded with the nonce, with whether it came from the kernel's main
    thread, and with the names of check() that the notebook replaced (seen as the cell runs)."""
    def recorded_check(exercise_id: Any, answer: Any, reason: Any = None) -> Feedback:
        import sys
        import threading

        # lessonkit.check as the notebook sees it now, read from the loaded package (always
        # loaded before this module) rather than imported from it: no import cycle.
        public_check = sys.modules[__name__.rpartition(".")[0]].check

        caller = sys._getframe(1).f_globals
        replaced = [name for name, value in (("check", caller.get("check")), ("lessonkit.check", public_check))
                    if value is not check]
        extra = {"nonce": str(nonce), "main_thread": threading.current_thread() is threading.main_thread(),
                 "replaced": replaced}
        return _record_for_grading(exercise_id, answer, extra, reason)

    return recorded_check


def _record_for_grading(exercise_id: Any, answer: Any, extra: dict | None = None, reason: Any = None) -> Feedback:
    """Grading mode of check(): show the answer (and a prediction's reason) as a display output
    of the running cell, in lessonkit's JSON answer form, for the grader to check outside the kernel."""
    eid = exercise_id if isinstance(exercise_id, str) else repr(exercise_id)
    eid = eid[:200]
    try:
        payload = {"exercise": eid, "answer": to_json(answer)}
    except Exception:  # noqa: BLE001 - an answer whose conversion fails is recorded as such
        payload = {"exercise": eid, "answer": {"$type": "repr", "value": "<unreadable answer>"}}
    if isinstance(reason, str) and reason.strip():
        payload["reason"] = reason.strip()[:300]
    payload.update(extra or {})
    message = "answer recorded; the grader checks it."
    try:
        from IPython.display import display

        display({ANSWER_MIME: payload, "text/plain": f"[{eid}] Answer recorded"}, raw=True)
    except Exception as e:  # noqa: BLE001 - outside IPython there is no one to record it for
        message = f"the answer could not be recorded ({type(e).__name__})."
    return Feedback(eid[:60], RECORDED, message)


def lesson_keys() -> list[str]:
    """The lessons that have exercises (the keys of lessons.toml, and any teacher's own)."""
    return _keys.known_lessons()


def exercises(lesson: str) -> dict[str, Exercise]:
    """All exercises of one lesson, by id, in the order the lesson asks them."""
    found = _keys.key_for(lesson) if isinstance(lesson, str) else {}
    if not found:
        raise UnknownNameError(f"no lesson {lesson!r}; lessons with exercises: {', '.join(lesson_keys())}")
    return found


def get_exercise(exercise_id: str) -> Exercise:
    """One exercise by its id, e.g. ``'sample.total'``.

    >>> get_exercise("sample.year").id
    'sample.year'
    >>> get_exercise("sample.yaer")
    Traceback (most recent call last):
    ...
    lessonkit._errors.UnknownNameError: no exercise 'sample.yaer' in lesson 'sample'; did you mean 'sample.year'?
    """
    import difflib

    if not isinstance(exercise_id, str) or not _ID.match(exercise_id):
        raise UnknownNameError(f"{exercise_id!r} is not an exercise id; ids look like 'money.total' "
                               "(copy it from the exercise's cell)")
    lesson = exercise_id.split(".")[0]
    found = exercises(lesson)
    if exercise_id not in found:
        close = difflib.get_close_matches(exercise_id, list(found), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; its exercises are {', '.join(found)}"
        raise UnknownNameError(f"no exercise {exercise_id!r} in lesson {lesson!r}{hint}")
    return found[exercise_id]


REASON_WORDS = 3  # the shortest reason a prediction saves
NO_GUESS = ("Nothing to show yet: save your guess and one line on why (the prediction cell above), then run "
            "this cell again. The data appears here only after you have guessed.")


def _reason_problem(exercise: Exercise, reason: Any) -> str:
    """Why a prediction's reason cannot be saved ('' when it can, or for any other kind)."""
    if not isinstance(exercise, Prediction):
        return ""
    if reason is None or reason is Ellipsis or (isinstance(reason, str) and not reason.strip()):
        return ("add one line on why you guess that, in quotes, in place of the ... after reason =, "
                "and run the cell again: the reveal sets your reason beside the data.")
    if not isinstance(reason, str):
        return f"your reason should be a line of text in quotes, got {describe(reason)}."
    if len(re.findall(r"\w+", reason)) < REASON_WORDS or len(reason) > 300:
        return f"write your reason as one line of {REASON_WORDS} to 50 words, like \"because ...\"."
    return ""


def check(exercise_id: str, answer: Any, reason: Any = None) -> Feedback:
    """Check an answer, save it in the learning record, and say what is right or wrong.

    A prediction also takes ``reason``, one line on why the student guesses that: the guess
    is saved only with it, and :func:`reveal` sets it beside the data.

    >>> print(check("sample.year", ...))
    [sample.year] Not attempted yet: replace the ... with your answer (a number) and run the cell again.
    >>> check("sample.year", "twenty").status == "invalid"
    True

    Never raises: an unknown id or a badly typed answer becomes a friendly message.
    While grading (see :func:`grading`) it only records the answer and checks nothing.
    """
    if grading():
        return _record_for_grading(exercise_id, answer, reason=reason)
    try:
        exercise = get_exercise(exercise_id)
    except UnknownNameError as e:
        note = ""
        if isinstance(exercise_id, str) and _ID.match(exercise_id):
            # kept all the same: a teacher's key may know the id even where this kernel does not
            try:
                _record.append(exercise_id.split(".")[0], {"exercise": exercise_id, "answer": to_json(answer),
                                                           "status": INVALID})
            except Exception as err:  # noqa: BLE001 - the message below matters more
                note = f"your answer could not be saved in the learning record ({type(err).__name__})"
        return Feedback(str(exercise_id)[:60], INVALID, str(e), note=note)
    verdict = _how_it_was_made(exercise, exercise.evaluate(answer))
    problem = _reason_problem(exercise, reason) if verdict.status == RECORDED else ""
    if problem:
        verdict = Verdict(INVALID, problem)
    note = ""
    history: list[dict] = []
    try:
        attempt = {"exercise": exercise_id, "answer": to_json(answer), "status": verdict.status}
        if verdict.status == RECORDED and isinstance(exercise, Prediction):
            attempt["reason"] = str(reason).strip()
        history = _record.append(exercise_id.split(".")[0], attempt)
    except Exception as e:  # a read-only folder must not cost the student the feedback
        note = f"your answer could not be saved in the learning record ({type(e).__name__}: {e})"
    if verdict.status != INCORRECT or not exercise.hints:
        examples = getattr(exercise, "examples", None) if verdict.status == RECORDED else None
        return Feedback(exercise_id, verdict.status, verdict.message, note=note, examples=examples)
    misses = sum(1 for a in history if a.get("exercise") == exercise_id and a.get("status") == INCORRECT)
    n = min(max(misses, 1), len(exercise.hints))
    return Feedback(exercise_id, verdict.status, verdict.message, hint=exercise.hints[n - 1],
                    hint_number=n, hints_total=len(exercise.hints), note=note)


def _how_it_was_made(exercise: Exercise, verdict: Verdict) -> Verdict:
    """For a right answer to a code task, say whether the cell computed it or typed it in."""
    if not isinstance(exercise, Value) or verdict.status != CORRECT:
        return verdict
    typed = _source.typed_literally(_source.current_cell(), exercise.id)
    if typed is None:
        return verdict
    return Verdict(CORRECT, RIGHT_BY_HAND if typed else RIGHT_BY_CODE)




@dataclass(frozen=True)
class Progress:
    """What is done in a lesson: the status of each exercise's last answered attempt."""

    lesson: str
    status: dict[str, str]

    @property
    def done(self) -> int:
        """How many exercises are done: answered correctly, or (predictions and written
        answers, which are never scored) saved."""
        return sum(s in (CORRECT, RECORDED) for s in self.status.values())

    def __str__(self) -> str:
        lines = [f"Lesson {self.lesson}: {self.done} of {len(self.status)} exercises done"]
        lines += [f"  {eid}: {Status(s).words}" for eid, s in self.status.items()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    @mathless
    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td><code>{html_text(e)}</code></td><td>{Status(s).words}</td></tr>"
                       for e, s in self.status.items())
        return (f"<p><strong>Lesson {html_text(self.lesson)}</strong>: {self.done} of {len(self.status)} "
                f"exercises done</p><table><thead><tr><th>exercise</th><th>status</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>")


def progress(lesson: str) -> Progress:
    """The progress summary of one lesson, read from its learning record: the status of each
    exercise's last answered attempt (running a cell that still holds ``...`` erases nothing).

    >>> progress("sample").lesson
    'sample'

    While grading it reads no key and shows no status.
    """
    if grading():
        return Progress(str(lesson), {})
    status: dict[str, str] = {eid: NOT_ATTEMPTED for eid in exercises(lesson)}
    for attempt in _record.attempts(lesson):
        if attempt.get("exercise") in status and attempt.get("status", NOT_ATTEMPTED) != NOT_ATTEMPTED:
            status[attempt["exercise"]] = attempt["status"]
    return Progress(lesson, status)


def prediction(exercise_id: str) -> Any:
    """The guess you saved for a prediction exercise (your last one), or None if there is none.

    Used by a lesson's reveal cell to set your guess beside what the data says.
    """
    from ._answers import from_json

    lesson = exercise_id.split(".")[0] if isinstance(exercise_id, str) else ""
    guesses = [a for a in _record.attempts(lesson) if a.get("exercise") == exercise_id
               and a.get("status") == RECORDED] if lesson else []
    return from_json(guesses[-1]["answer"]) if guesses else None


def _saved_guess(exercise_id: str) -> dict | None:
    lesson = exercise_id.split(".")[0] if isinstance(exercise_id, str) else ""
    guesses = [a for a in _record.attempts(lesson) if a.get("exercise") == exercise_id
               and a.get("status") == RECORDED] if lesson else []
    return guesses[-1] if guesses else None


@dataclass(frozen=True)
class Reveal:
    """What a prediction's reveal cell shows: the waiting line until a guess is saved, then the
    data beside the guess and the student's reason."""

    text: str

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    @mathless
    def _repr_html_(self) -> str:
        paragraphs = "".join(f"<p>{html_text(p)}</p>" for p in self.text.split("\n") if p.strip())
        return f'<div class="lessonkit-reveal" role="status">{paragraphs}</div>'


def reveal(exercise_id: str, show: Any) -> Reveal:
    """A prediction's reveal: ``show(guess)`` (the data beside the guess) and the student's
    reason, only once a guess is saved; before that, one line asking for the guess and nothing
    of the data (so Run All on a fresh notebook gives nothing away)."""
    from ._answers import from_json

    saved = _saved_guess(exercise_id) if not grading() else None
    if saved is None:
        return Reveal(NO_GUESS)
    guess = from_json(saved["answer"])
    shown = show(guess)
    if shown is not None and not isinstance(shown, str):  # a figure or a say(): shown as it is
        from IPython.display import display

        display(shown)
        shown = None
    reason = saved.get("reason") or "(no reason saved)"
    lines = [str(shown)] if shown else []
    lines += [f"Your reason when you guessed: {reason}",
              "Does the data bear it out? If not, what did your reason miss?"]
    return Reveal("\n".join(lines))
