"""Exercises written once, in the lesson: the ``{exercise}`` blocks of a lesson's MyST source.

A block is a fenced MyST directive (```` ```{exercise} ```` or ``:::{exercise}``, found by
:mod:`lessonkit._directives`) whose YAML options hold the kind, the level, the hints and the
answer (literal, or ``<field>_from:`` naming a function that computes it from the data); its
body is the prompt the student reads. This module parses and checks the blocks and turns
them into checkers (see ``docs/exercise-format.md``); :mod:`lessonkit._keys` finds a lesson's.

>>> specs = parse_text('''```{exercise}
... ---
... label: demo.year
... kind: numeric
... level: recall
... answer: 2025
... tolerance: 0
... ---
... In which year was the summit held?
... ```''', lesson="demo")
>>> specs[0].label, specs[0].title
('demo.year', 'In which year was the summit held?')
>>> to_exercise(specs[0]).evaluate(2025).status == "correct"
True
"""

from __future__ import annotations

import difflib
import importlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import _checkers as C
from . import _example_answers
from ._directives import Directive, directives
from ._errors import LessonkitError

KINDS: dict[str, type[C.Exercise]] = {
    "numeric": C.Numeric, "choice": C.Choice, "multichoice": C.MultiChoice, "ordering": C.Ordering,
    "matching": C.Matching, "text": C.Text, "value": C.Value, "written": C.Written,
    "prediction": C.Prediction,
}
LEVELS = ("recall", "apply", "analyse", "evaluate", "prediction")
HIGHER_ORDER = ("apply", "analyse", "evaluate")
PREDICTION = "prediction"  # the level of every prediction, and of nothing else: a guess has no level
COMMON = {"label", "kind", "level", "title", "hints", "expects"}
# The fields of each kind that a block may give (beside COMMON), and those that may be computed.
FIELDS: dict[str, set[str]] = {
    "numeric": {"answer", "unit", "tolerance", "traps", "decimals"},
    "choice": {"answer", "options", "explanations"},
    "multichoice": {"answer", "options", "explanations"},
    "ordering": {"order", "why"},
    "matching": {"pairs", "why"},
    "text": {"accepted"},
    "value": {"answer", "tolerance"},
    "written": {"rubric", "self_check", "min_words", "examples"},
    "prediction": {"options", "unit", "shows"},
}
ANSWER_FIELD = {"numeric": "answer", "choice": "answer", "multichoice": "answer", "ordering": "order",
                "matching": "pairs", "text": "accepted", "value": "answer"}
_LABEL = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9][a-z0-9_-]*$")
_DOTTED = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$")


class ExerciseFormatError(LessonkitError):
    """A malformed ``{exercise}`` block: the message names the lesson file, the exercise and the line."""


class _Plain(yaml.SafeLoader):
    """YAML as a teacher expects it: ``2025-03-02`` stays text (no implicit dates), and only
    true/false are booleans (an option reading ``yes``, ``no`` or ``on`` stays text)."""


class _FastPlain(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same, with libyaml's parser where PyYAML was built with it (errors are then parsed
    again with :class:`_Plain`, whose messages point at the right line)."""


for _loader in (_Plain, _FastPlain):
    _loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                  list("tTfF"))


def _yaml(text: str) -> Any:
    """Options text as YAML (see :class:`_Plain`); raises yaml.YAMLError."""
    try:
        return yaml.load(text, Loader=_FastPlain)
    except yaml.YAMLError:
        return yaml.load(text, Loader=_Plain)


@dataclass(frozen=True)
class ExerciseSpec:
    """One ``{exercise}`` block as written: where it is, its options and its prompt."""

    label: str
    kind: str
    level: str
    title: str
    body: str
    options: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    line: int = 0

    def as_json(self) -> dict[str, Any]:
        """The block as plain JSON data (the form of a key file)."""
        return {"label": self.label, "kind": self.kind, "level": self.level, "title": self.title,
                "body": self.body, "options": self.options, "source": self.source, "line": self.line}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExerciseSpec:
        return cls(**{k: data[k] for k in ("label", "kind", "level", "title", "body", "options", "source", "line")})

    def answer_text(self) -> str:
        """The answer in words for a teacher: the literal, or the function that computes it."""
        name = ANSWER_FIELD.get(self.kind)
        if name is None:
            return "not scored: the answer is recorded for the teacher"
        if f"{name}_from" in self.options:
            return f"computed from the data by {self.options[name + '_from']}()"
        return json.dumps(self.options.get(name), ensure_ascii=False)


def _fail(source: str, line: int, label: str | None, message: str) -> ExerciseFormatError:
    where = f"{source}, line {line}" + (f", exercise {label}" if label else "")
    return ExerciseFormatError(f"{where}: {message}")


def _blocks(text: str, source: str) -> list[Directive]:
    """Each ``{exercise}`` block of the text; an error names the first one never closed."""
    blocks = directives(text, "exercise")
    for block in blocks:
        if not block.closed:
            raise ExerciseFormatError(f"{source}, line {block.line}: the {{exercise}} block is never closed "
                                      f"with {block.fence}")
    return blocks


def block_spans(text: str) -> list[tuple[int, int]]:
    """Where each closed block is: (index of its first line, index after its last line), 0-based,
    counted as :func:`lessonkit._directives.source_lines` counts them."""
    return [(b.start, b.end) for b in directives(text, "exercise") if b.closed]


def _split_options(inner: list[str], source: str, line: int) -> tuple[dict[str, Any], str, int]:
    """The YAML options between ``---`` lines (or ``:name: value`` lines) and the body."""
    if inner and inner[0].strip() == "---":
        close = next((k for k in range(1, len(inner)) if inner[k].strip() == "---"), None)
        if close is None:
            raise _fail(source, line, None, "the options start with --- but never end with ---")
        text, rest, offset = "\n".join(inner[1:close]), inner[close + 1:], close + 1
    else:
        k = 0
        while k < len(inner) and re.match(r"^:[\w-]+:", inner[k]):
            k += 1
        text = "\n".join(re.sub(r"^:([\w-]+):", r"\1:", x) for x in inner[:k])
        rest, offset = inner[k:], k
    try:
        options = _yaml(text) if text.strip() else {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = line + 2 + mark.line if mark is not None else line
        raise _fail(source, at, None, f"the options are not valid YAML ({getattr(e, 'problem', e)})") from None
    if not isinstance(options, dict):
        raise _fail(source, line, None, "the options must be 'name: value' lines")
    return options, "\n".join(rest).strip(), offset


def _check_options(o: dict[str, Any], source: str, line: int, lesson: str | None) -> None:
    label = o.get("label")
    if not isinstance(label, str) or not _LABEL.match(label):
        raise _fail(source, line, None, f"label must look like 'lesson.name' (lower case), got {label!r}")
    if lesson and label.split(".")[0] != lesson:
        raise _fail(source, line, label, f"the label must start with this lesson's key, '{lesson}.'")
    kind = o.get("kind")
    if kind not in KINDS:
        raise _fail(source, line, label, f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if kind == "prediction":
        o.setdefault("level", PREDICTION)
    level = o.get("level")
    if level not in LEVELS:
        raise _fail(source, line, label, f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    if (kind == "prediction") != (level == PREDICTION):
        raise _fail(source, line, label, "a prediction is a guess: its level is 'prediction' (or left out), "
                                         "and only a prediction has that level")
    allowed = COMMON | FIELDS[kind]
    for name, value in o.items():
        base = name[:-5] if name.endswith("_from") else name
        if base not in allowed or (name != base and base in COMMON):
            close = difflib.get_close_matches(name, sorted(allowed | {f + "_from" for f in FIELDS[kind]}), n=1)
            tip = f"; did you mean {close[0]!r}?" if close else f"; a {kind} exercise takes {', '.join(sorted(allowed))}"
            raise _fail(source, line, label, f"unknown option {name!r}{tip}")
        if name != base:
            if not isinstance(value, str) or not _DOTTED.match(value):
                raise _fail(source, line, label, f"{name} must name a function like "
                                                  f"lessonkit.lessons.{lesson or 'x'}.name, got {value!r}")
            if base in o:
                raise _fail(source, line, label, f"give either {base} or {name}, not both")
    hints = o.get("hints", [])
    if not isinstance(hints, list) or not all(isinstance(h, str) for h in hints):
        raise _fail(source, line, label, "hints must be a list of texts (lines starting with '- ')")
    for name in ("rubric", "self_check"):
        if name in o and (not isinstance(o[name], list) or not all(isinstance(x, str) for x in o[name])):
            raise _fail(source, line, label, f"{name} must be a list of texts")
    if "examples" in o and (why := _example_answers.problem(o["examples"], o.get("rubric"))):
        raise _fail(source, line, label, why)
    if "decimals" in o and (not isinstance(o["decimals"], int) or isinstance(o["decimals"], bool)
                            or not 0 <= o["decimals"] <= 6):
        raise _fail(source, line, label, f"decimals must be a whole number from 0 to 6, got {o['decimals']!r}")
    for name in ("options", "explanations", "pairs", "why"):
        if name in o and (not isinstance(o[name], dict) or not all(isinstance(v, str) for v in o[name].values())):
            raise _fail(source, line, label, f"{name} must be a mapping of 'key: text' lines")
    answer_field = ANSWER_FIELD.get(kind)
    if answer_field and answer_field not in o and f"{answer_field}_from" not in o:
        raise _fail(source, line, label, f"a {kind} exercise needs {answer_field} or {answer_field}_from")
    if kind in ("choice", "multichoice"):
        options = o.get("options") or {}
        if not options:
            raise _fail(source, line, label, "a choice needs options (letter: text)")
        given = o.get("answer")
        letters = [given] if kind == "choice" else given
        if given is not None and (not isinstance(letters, list)
                                  or any(str(x) not in {str(k) for k in options} for x in letters)):
            raise _fail(source, line, label, f"answer {given!r} is not among the options {', '.join(map(str, options))}")
        extra = set(map(str, o.get("explanations") or {})) - set(map(str, options))
        if extra:
            raise _fail(source, line, label, f"explanations for options that do not exist: {', '.join(sorted(extra))}")
    for i, trap in enumerate(o.get("traps") or [], start=1):
        if not isinstance(trap, dict) or not isinstance(trap.get("says"), str) \
                or (("value" in trap) == ("from" in trap)) or set(trap) - {"value", "from", "says"}:
            raise _fail(source, line, label, f"trap {i} must have 'says' and either 'value' or 'from'")


def parse_text(text: str, lesson: str | None = None, source: str = "<lesson>") -> list[ExerciseSpec]:
    """Every ``{exercise}`` block of a lesson's text, checked, in the order they appear."""
    specs: list[ExerciseSpec] = []
    for block in _blocks(text, source):
        line = block.line
        options, body, _ = _split_options(block.content, source, line)
        if block.argument and "label" not in options:
            options["label"] = block.argument
        _check_options(options, source, line, lesson)
        label = options["label"]
        if any(s.label == label for s in specs):
            raise _fail(source, line, label, "this label is used by an earlier exercise of the lesson")
        if not body:
            raise _fail(source, line, label, "the block has no prompt: write it after the options")
        title = options.get("title") or _first_sentence(body)
        kept = {k: v for k, v in options.items() if k not in ("label", "kind", "level", "title")}
        specs.append(ExerciseSpec(label, options["kind"], options["level"], str(title), body, kept, source, line))
    return specs


def _first_sentence(body: str) -> str:
    text = re.sub(r"[*_`]", "", " ".join(body.split()))
    m = re.match(r"(.+?[.?!])(\s|$)", text)
    return (m.group(1) if m else text)[:160]


def lesson_key_of(text: str) -> str | None:
    """The lesson key in a lesson's front matter (``lessonkit: lesson: money``)."""
    m = re.match(r"^---\n(.*?)\n---", text, re.S)
    if not m:
        return None
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError:
        return None
    value = (meta.get("lessonkit") or {}).get("lesson") if isinstance(meta, dict) else None
    return value if isinstance(value, str) else None


def parse_lesson(path: Path | str) -> list[ExerciseSpec]:
    """Every exercise block of one lesson file (``notebooks/NN-slug.md``)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    return parse_text(text, lesson_key_of(text), path.name)


def _function(dotted: str) -> Callable[[], Any]:
    """A zero-argument callable that imports and calls ``dotted`` when the answer is needed."""
    module_name, _, name = dotted.rpartition(".")

    def compute() -> Any:
        try:
            target = getattr(importlib.import_module(module_name), name)
        except (ImportError, AttributeError) as e:
            raise LessonkitError(f"the answer function {dotted} cannot be found ({e})") from None
        return target()

    compute.__qualname__ = dotted
    compute.answer_from = dotted  # type: ignore[attr-defined]  # marks a computed answer (teacher/grading/key.py)
    return compute


def to_exercise(spec: ExerciseSpec) -> C.Exercise:
    """The checker of one block."""
    kwargs: dict[str, Any] = {"id": spec.label, "prompt": spec.title, "level": spec.level}
    for name, value in spec.options.items():
        if name.endswith("_from"):
            kwargs[name[:-5]] = _function(value)
        elif name == "hints" or name in ("rubric", "self_check"):
            kwargs[name] = tuple(value)
        elif name == "traps":
            kwargs[name] = tuple((_function(t["from"]) if "from" in t else t["value"], t["says"]) for t in value)
        elif name in ("options", "explanations", "pairs", "why"):
            kwargs[name] = {str(k): v for k, v in value.items()}
        elif name == "answer" and spec.kind == "multichoice":
            kwargs[name] = tuple(str(x) for x in value)
        elif name == "answer" and spec.kind == "choice":
            kwargs[name] = str(value)
        elif name == "examples":
            kwargs[name] = _example_answers.from_options(value, spec.options.get("rubric", []))
        elif name in ("order", "accepted"):
            kwargs[name] = tuple(value)
        else:
            kwargs[name] = value
    return KINDS[spec.kind](**kwargs)
