"""What one run of the grader grades a lesson with: its key, and how notebooks are run.

Made by :mod:`lessonkit.teacher.grading.run`; read by :mod:`lessonkit.teacher.grading.gradebook`
(the run's notes) and by the cache (what a notebook's verdicts depend on).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import sandbox as sb
from .key import Key


@dataclass(frozen=True)
class Settings:
    """What one run grades with: the lesson's key and how notebooks are run."""

    key: Key
    version: str
    sandbox: sb.Sandbox
    limits: sb.Limits
    hide: tuple[str, ...]
    source_found: bool  # the lesson's source, for the student edition's stubs
    has_notebooks: bool

    def notebook_settings(self) -> str:
        """What a notebook's verdicts depend on besides the key: limits, sandbox, how stubs are made."""
        from importlib import metadata

        return f"{self.limits}|{self.sandbox.kind}|stubs {self.source_found} jupytext {metadata.version('jupytext')}"
