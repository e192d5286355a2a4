"""The exceptions lessonkit raises: one root, a few kinds."""

from __future__ import annotations


class LessonkitError(Exception):
    """Root of every error lessonkit raises on purpose."""


class DataError(LessonkitError):
    """A data file breaks its description in data/datapackage.json.

    The message names the file, the line, the column and the rule broken.
    """

    def __init__(self, file: str, rule: str, line: int | None = None,
                 column: str | None = None, row_id: str | None = None) -> None:
        self.file, self.rule, self.line, self.column, self.row_id = file, rule, line, column, row_id
        where = file
        if line is not None:
            where += f", line {line}"
            if row_id:
                where += f" (row {row_id!r})"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {rule}")


class UnknownNameError(LessonkitError, KeyError):
    """A table, exercise, source or actor id that does not exist was asked for."""

    def __str__(self) -> str:  # KeyError would add quotes around the message
        return str(self.args[0])


class MarkupError(LessonkitError):
    """A lesson's solution or block markup is malformed; names lesson, cell and line."""

    def __init__(self, lesson: str, cell: int, line: int | None, problem: str) -> None:
        self.lesson, self.cell, self.line = lesson, cell, line
        where = f"{lesson}, cell {cell}" + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {problem}")


class SubmissionError(LessonkitError):
    """A submission cannot be graded; the message becomes its gradebook row."""


class UsageError(LessonkitError):
    """A command's arguments cannot be used (missing path, bad limit, unknown lesson)."""
