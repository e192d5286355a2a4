"""How the editions show an exercise block: plain Markdown that JupyterLab renders.

The student sees the label, the level, the prompt and the options; the teacher sees the same
and a note with the answer, the hints in order and, for a written task, the rubric. The cell
carries ``metadata.lessonkit`` (``exercise``: the label, ``kind``, ``level``) and the tag ``exercise``, which
the site build and the graders read.
"""

from __future__ import annotations

import json
from typing import Any

import nbformat

from .. import _exercise_format as exercise_format
from .._directives import source_lines

EXERCISE_TAG = "exercise"
LEVEL_WORDS = {"recall": "recall or look up", "apply": "apply a method", "analyse": "analyse",
               "evaluate": "evaluate and justify", "prediction": "predict (not marked)"}
KIND_NOTES = {
    "prediction": "Predict before you look: your guess is saved, and there is no wrong guess.",
    "written": "A written answer: it is saved for your teacher and not marked automatically.",
}


def _options(spec: exercise_format.ExerciseSpec) -> str:
    options = spec.options.get("options") or {}
    return "\n".join(f"- **({k})** {v}" for k, v in options.items())


def student_markdown(spec: exercise_format.ExerciseSpec) -> str:
    """The block as the student reads it."""
    parts = [f"**Exercise {spec.label}** · *{LEVEL_WORDS[spec.level]}*", spec.body]
    if spec.options.get("options"):
        parts.append(_options(spec))
    if spec.kind in KIND_NOTES:
        parts.append(f"*{KIND_NOTES[spec.kind]}*")
    return "\n\n".join(parts)


def _computed(dotted: str) -> str:
    try:
        value: Any = exercise_format._function(dotted)()
    except Exception as e:  # noqa: BLE001 - the note still names the function
        return f"(not computed here: {type(e).__name__})"
    if hasattr(value, "to_dict"):
        return "(a table or series: run the solution cell to see it)"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return f"`{text if len(text) < 300 else text[:300] + '…'}`"


def teacher_note(spec: exercise_format.ExerciseSpec) -> str:
    """The teacher's note on a block: answer, hints, rubric."""
    field = exercise_format.ANSWER_FIELD.get(spec.kind)
    lines = ["> **For the teacher.**"]
    if field is None:
        lines.append(f"> Not scored: the answer is saved in the learning record ({spec.kind}).")
    elif f"{field}_from" in spec.options:
        dotted = spec.options[f"{field}_from"]
        lines.append(f"> Answer: computed from the data by `{dotted}()`, now {_computed(dotted)}.")
    else:
        lines.append(f"> Answer: `{json.dumps(spec.options.get(field), ensure_ascii=False)}`.")
    for title, name in (("Hints, in order", "hints"), ("Rubric", "rubric"), ("Student's self-check", "self_check")):
        items = spec.options.get(name) or []
        if items:
            lines.append(f">\n> {title}:")
            lines += [f"> {i}. {text}" for i, text in enumerate(items, start=1)]
    return "\n".join(lines)


def render_cell(cell: nbformat.NotebookNode, specs: dict[str, exercise_format.ExerciseSpec], teacher: bool) -> None:
    """Replace every block in a markdown cell by its edition's Markdown, and mark the cell."""
    lines = source_lines(cell.source)
    spans = exercise_format.block_spans(cell.source)
    if not spans:
        return
    found = exercise_format.parse_text(cell.source)
    out: list[str] = []
    last = 0
    for (start, end), parsed in zip(spans, found):
        spec = specs.get(parsed.label, parsed)
        out += lines[last:start]
        text = student_markdown(spec) + (f"\n\n{teacher_note(spec)}" if teacher else "")
        out += text.splitlines()
        last = end
    out += lines[last:]
    cell.source = "\n".join(out).strip("\n")
    first = found[0]
    cell.metadata.setdefault("lessonkit", {}).update(exercise=first.label, kind=first.kind, level=first.level)
    tags = cell.metadata.setdefault("tags", [])
    if EXERCISE_TAG not in tags:
        tags.append(EXERCISE_TAG)


def render(nb: nbformat.NotebookNode, specs: list[exercise_format.ExerciseSpec], teacher: bool) -> None:
    """Render every exercise block of a lesson notebook for one edition."""
    by_label = {s.label: s for s in specs}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            render_cell(cell, by_label, teacher)
