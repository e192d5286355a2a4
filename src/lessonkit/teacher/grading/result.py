"""The result of grading one submission: a typed, frozen value, stored as JSON in the cache."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..._feedback import Status


@dataclass(frozen=True, slots=True)
class Result:
    """What grading one file found (the student's name is decided later, seeing every file).

    ``scores`` is 1 or 0 per exercise and ``verdicts`` the key's (status, message) per
    exercise, both empty when the file was not graded; ``answers`` a fingerprint of each
    counted answer (to spot identical submissions); ``student`` the name a learning record
    gives, if any; ``cacheable`` is False for a failure worth trying again (a kernel that did
    not start, a grader bug).

    >>> r = Result.ungraded("the file is empty")
    >>> Result.from_json(r.to_json()) == r, r.graded, r.problems
    (True, False, ('the file is empty',))
    """

    graded: bool
    scores: dict[str, int] = field(default_factory=dict)
    verdicts: dict[str, tuple[Status, str]] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    written: dict[str, str] = field(default_factory=dict)  # written answers and predictions, for the report
    student: str | None = None
    cacheable: bool = True

    @classmethod
    def ungraded(cls, problem: str, cacheable: bool = True) -> Result:
        """A file that could not be graded, and why."""
        return cls(graded=False, problems=(problem,), cacheable=cacheable)

    def to_json(self) -> dict[str, Any]:
        """The result as plain JSON (verdicts as [status, message] lists)."""
        out: dict[str, Any] = {"graded": self.graded, "scores": self.scores,
                               "verdicts": {e: [str(s), m] for e, (s, m) in self.verdicts.items()},
                               "answers": self.answers, "problems": list(self.problems), "cacheable": self.cacheable,
                               "written": self.written}
        if self.student is not None:
            out["student"] = self.student
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any], shared: Shared | None = None) -> Result:
        """A result from :meth:`to_json`'s form; raises KeyError, TypeError or ValueError if it is not one.

        With shared, parts equal to those of results read before are the same objects (see :meth:`shared`)."""
        student = data.get("student")
        result = cls(graded=bool(data["graded"]), scores={str(e): int(s) for e, s in data["scores"].items()},
                     verdicts={str(e): (Status(v[0]), str(v[1])) for e, v in data["verdicts"].items()},
                     answers={str(e): str(a) for e, a in (data.get("answers") or {}).items()},
                     problems=tuple(str(p) for p in data["problems"]),
                     written={str(e): str(t) for e, t in (data.get("written") or {}).items()},
                     student=student if isinstance(student, str) else None,
                     cacheable=bool(data.get("cacheable", True)))
        return result.shared(shared) if shared is not None else result

    def shared(self, shared: Shared) -> Result:
        """This result with its scores, verdicts, answers and problems shared with equal ones
        of other results: a class of many records keeps each distinct part once."""
        return Result(self.graded, shared.dict(self.scores), shared.dict({e: shared(v) for e, v in self.verdicts.items()}),
                      shared.dict({e: shared(a) for e, a in self.answers.items()}), shared(self.problems),
                      shared.dict(self.written), self.student, self.cacheable)


class Shared:
    """One object for each distinct value seen: results of a large class share their parts.

    Results never change their dicts (they are frozen values), so equal ones can be one object.

    >>> share = Shared()
    >>> share.dict({"x": 1}) is share.dict({"x": 1}), share(("a", "b")) is share(("a", "b"))
    (True, True)
    """

    def __init__(self) -> None:
        self._seen: dict[Any, Any] = {}
        self._dicts: dict[tuple, dict[str, Any]] = {}

    def __call__(self, value: Any) -> Any:
        """The first value equal to value (hashable values only)."""
        return self._seen.setdefault(value, value)

    def dict(self, value: dict[str, Any]) -> dict[str, Any]:
        """The first dict with the same items, in the same order (values hashable)."""
        return self._dicts.setdefault(tuple(value.items()), value)
