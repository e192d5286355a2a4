"""Build the teacher and student editions of lessons from their MyST Markdown source.

Each edition is an ordered list of small steps over one notebook; every step that touches
solutions goes through :mod:`lessonkit.teacher.markup`.

A build never overwrites a notebook someone has changed since it was built: each notebook
carries a fingerprint of its cells as built (``metadata.lessonkit.built_cells``). A changed
copy built from the same version of the lesson is left alone and nothing is written; one
built from an older version is left as it is and the new version is written beside it, under
a name that differs at its start (``(new version) NAME.ipynb``, so a file browser that cuts
long names still tells them apart), unless ``replace`` is asked for, which first copies the
old one into ``backups/``.

Builds are reproducible: two builds of the same sources in the same environment are
byte-identical (no execution timestamps, widget ids numbered per lesson, stable cell ids),
and each notebook already carries the metadata JupyterLab writes on opening it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from .. import _keys
from .._record import write_atomic
from . import exercise_blocks
from .edition_steps import (  # noqa: F401  (re-exported: where builders and tests import them)
    STUDENT_STEPS,
    TEACHER_STEPS,
    Step,
    check_markup,
    clear_outputs,
    drop_instructor_notes,
    lesson_id,
    make_edition,
    mark_edition,
    read_lesson,
    set_lab_metadata,
    stub_solutions,
    unmark_solutions,
)
from .lab_metadata import KERNEL

if TYPE_CHECKING:
    from traitlets.config import Config

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# The random uuid4 hex that ipywidgets gives each model, alone or in "IPY_MODEL_<id>".
MODEL_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")


def number_widgets(nb: nbformat.NotebookNode, lesson: str) -> None:
    """After running: replace each widget model's random id, in the outputs and in the saved
    widget state, by one made from the lesson and the model's place in the order the lesson
    created them, so two builds write the same bytes and every reference still resolves."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    models = list(state)  # in the order the kernel opened them
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            model = output.get("data", {}).get(WIDGET_VIEW, {}).get("model_id")
            if model and model not in models:
                models.append(model)
    if not models:
        return
    stable = {old: uuid.uuid5(uuid.NAMESPACE_URL, f"lessonkit:{lesson}:widget:{n}").hex
              for n, old in enumerate(models, start=1)}
    renamed = json.loads(MODEL_ID.sub(lambda m: stable.get(m.group(0), m.group(0)),
                                      json.dumps({"cells": nb.cells, "metadata": nb.metadata})))
    nb.cells = [nbformat.from_dict(cell) for cell in renamed["cells"]]
    nb.metadata = nbformat.from_dict(renamed["metadata"])


def _kernel_config(folder: Path) -> Config:
    """How a build's kernel is reached. On POSIX it talks over Unix sockets in folder (private
    to this build), not over TCP: nothing is open to other users of the machine, and the kernel
    has no reason to warn, once per lesson, that its traffic could be read."""
    from traitlets.config import Config

    if os.name != "posix":
        return Config()
    return Config({"KernelManager": {"transport": "ipc", "ip": str(folder / "k")}})


def execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 120) -> nbformat.NotebookNode:
    """Run a notebook in a fresh kernel in folder cwd, with its learning record kept aside and
    the exercise keys read from the lesson sources in cwd (the ones being built)."""
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="lessonkit-build-") as records:
        keys = os.pathsep.join(p for p in (str(Path(cwd).resolve()), os.environ.get(_keys.KEYS_ENV, "")) if p)
        old = {name: os.environ.get(name) for name in ("LESSONKIT_RECORD_DIR", _keys.KEYS_ENV)}
        os.environ.update({"LESSONKIT_RECORD_DIR": records, _keys.KEYS_ENV: keys})
        try:
            NotebookClient(nb, config=_kernel_config(Path(records)), timeout=timeout, kernel_name=KERNEL,
                           shutdown_kernel="immediate",
                           record_timing=False,  # no timestamps: builds are reproducible
                           resources={"metadata": {"path": str(cwd)}}).execute()
        finally:
            for name, value in old.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    return nb


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write a notebook atomically (never a half-written file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, nbformat.writes(nb) + "\n")


def cells_fingerprint(nb: nbformat.NotebookNode) -> str:
    """A hash of what a student can change in a notebook: each cell's kind, source and outputs."""
    cells = [[c.get("cell_type"), c.get("source", ""), c.get("outputs", [])] for c in nb.cells]
    return hashlib.sha256(json.dumps(cells, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def stamp(nb: nbformat.NotebookNode) -> None:
    """Record the fingerprint of the cells as built in the notebook's metadata."""
    nb.metadata.setdefault("lessonkit", {})["built_cells"] = cells_fingerprint(nb)


def unchanged_since_built(path: Path) -> bool:
    """True if the notebook at path still has the cells it was built with (False if unreadable)."""
    try:
        nb = nbformat.read(path, as_version=4)
        built = nb.metadata.get("lessonkit", {}).get("built_cells")
        return isinstance(built, str) and built == cells_fingerprint(nb)
    except Exception:  # not a notebook, or not one we built: treat it as the student's work
        return False


@dataclass(frozen=True)
class Placed:
    """Where one built notebook went, and what happened to a changed copy already there."""

    path: Path
    kept: Path | None = None  # a changed notebook left untouched; the new version is ``path``
    backup: Path | None = None  # where a changed notebook was copied before ``path`` was replaced
    same: bool = False  # a changed notebook built from this same version: left alone, nothing written

    @property
    def news(self) -> bool:
        """Whether the student needs to hear about this notebook (a new version, or a backup)."""
        return bool(self.kept or self.backup)

    def __str__(self) -> str:
        if self.kept:
            return (f"{self.path}  (a new version of this lesson: your copy {self.kept.name} has your changes and "
                    "is kept as it is. Your answers are also safe in your learning record "
                    f"(lessonkit-record-*.json). To swap your copy for the new version, run `make lesson REPLACE=1` "
                    f"(or `lessonkit lesson --replace`): your copy is first backed up in {self.kept.parent / 'backups'})")
        if self.backup:
            return f"{self.path}  (replaced; the copy with your changes is backed up in {self.backup})"
        return str(self.path)


NEW_VERSION = "(new version)"


def _beside(path: Path) -> Path:
    """The first free name for a new version beside a changed notebook: ``(new version) NAME.ipynb``,
    then ``(new version 2) NAME.ipynb``... (the start of the name differs from the student's copy)."""
    n = 1
    while True:
        label = NEW_VERSION if n == 1 else f"{NEW_VERSION[:-1]} {n})"
        candidate = path.with_name(f"{label} {path.name}")
        if not candidate.exists() or unchanged_since_built(candidate):
            return candidate
        n += 1


def _built_from(path: Path) -> str | None:
    """The fingerprint of the build a notebook came from (its cells as built), if it says."""
    try:
        built = nbformat.read(path, as_version=4).metadata.get("lessonkit", {}).get("built_cells")
    except Exception:  # not a notebook, or not one we built
        return None
    return built if isinstance(built, str) else None


def _backup(path: Path) -> Path:
    """Copy a changed notebook to ``backups/NAME-YYYYMMDD-HHMMSS.ipynb`` beside it."""
    folder = path.parent / "backups"
    folder.mkdir(exist_ok=True)
    when = datetime.now().strftime("%Y%m%d-%H%M%S")
    target, n = folder / f"{path.stem}-{when}{path.suffix}", 1
    while target.exists():
        n += 1
        target = folder / f"{path.stem}-{when}-{n}{path.suffix}"
    shutil.copy2(path, target)
    return target


def _drop_untouched_new_versions(path: Path) -> None:
    """Remove the new versions left beside path by earlier builds (``(new version...) NAME.ipynb``,
    and the older ``NAME.new*.ipynb``), unless someone changed them."""
    olds = [*path.parent.glob(f"{path.stem}.new*{path.suffix}"),
            *(p for p in path.parent.glob(f"{NEW_VERSION[:-1]}*) {path.name}"))]
    for new in olds:
        if unchanged_since_built(new):
            new.unlink()


def place(nb: nbformat.NotebookNode, path: Path, replace: bool = False) -> Placed:
    """Write a built notebook to path without losing a changed copy already there.

    A missing or unchanged notebook is simply written. A changed one built from this same
    version is left alone (nothing is written). A changed one built from another version is
    kept and the new version goes beside it; with ``replace`` it is first copied into ``backups/``.
    """
    stamp(nb)
    if not path.exists() or unchanged_since_built(path):
        write_notebook(nb, path)
        _drop_untouched_new_versions(path)
        return Placed(path)
    if not replace and _built_from(path) == nb.metadata["lessonkit"]["built_cells"]:
        _drop_untouched_new_versions(path)
        return Placed(path, same=True)
    if replace:
        backup = _backup(path)
        write_notebook(nb, path)
        _drop_untouched_new_versions(path)
        return Placed(path, backup=backup)
    new = _beside(path)
    write_notebook(nb, new)
    return Placed(new, kept=path)


def build(sources: list[Path], out: Path, editions: tuple[str, ...] = ("teacher", "student"),
          run_teacher: bool = True) -> list[Path]:
    """Build editions of each lesson into ``out/teacher`` and ``out/student``; return the files.

    Like :func:`build_editions`, which also says what happened to changed copies.
    """
    return [placed.path for placed in build_editions(sources, out, editions, run_teacher)]


def build_editions(sources: list[Path], out: Path, editions: tuple[str, ...] = ("teacher", "student"),
                   run_teacher: bool = True, replace: bool = False) -> list[Placed]:
    """Build editions of each lesson into ``out/teacher`` and ``out/student``, never losing a
    notebook changed since it was built (see :func:`place`).

    The teacher and student folders also get the lessons' answer keys, derived from their
    exercise blocks (``.lessonkit/keys/<lesson>.json``), which ``check()`` in a notebook there
    uses; they are written last, once every notebook is built. The nbgrader edition gets none:
    nbgrader would release them to students.

    Raises MarkupError (naming lesson, cell and line) or ExerciseFormatError (naming lesson,
    exercise and line) before writing anything if a lesson's markup is malformed; raises
    nbclient's CellExecutionError if the teacher edition fails.
    """
    lessons = []
    for src in sources:
        nb = read_lesson(src)
        lesson = lesson_id(nb, src)
        check_markup(nb, f"{Path(src).name} ({lesson})")
        specs = _keys.parse_lesson(src)
        lessons.append((Path(src), nb, lesson, specs))
    written = []
    for src, nb, lesson, specs in lessons:
        name = src.with_suffix(".ipynb").name
        if "student" in editions:
            student = make_edition(nb, lesson, STUDENT_STEPS)
            exercise_blocks.render(student, specs, teacher=False)
            written.append(place(student, out / "student" / name, replace))
        if "teacher" in editions:
            teacher = make_edition(nb, lesson, TEACHER_STEPS)
            exercise_blocks.render(teacher, specs, teacher=True)
            if run_teacher:
                execute(teacher, cwd=src.parent)
                number_widgets(teacher, lesson)
            written.append(place(teacher, out / "teacher" / name, replace))
        if "nbgrader" in editions:  # source notebooks for nbgrader (see nbgrader_edition)
            from .nbgrader_edition import make_nbgrader_edition
            released = make_nbgrader_edition(nb, lesson)
            exercise_blocks.render(released, specs, teacher=False)
            written.append(place(released, out / "nbgrader" / name, replace))
    for _, _, lesson, specs in lessons:
        for edition in set(editions) & {"student", "teacher"}:
            _keys.write_key(specs, lesson, out / edition)
    for edition in editions:
        written += [Placed(copy_glossary(folder, out / edition)) for folder in {src.parent for src, *_ in lessons}
                    if (folder / GLOSSARY).is_file()]
    return written


# The glossary the lessons link to (``glossary.md`` beside them): it goes into every edition.
GLOSSARY = "glossary.md"


def copy_glossary(lessons_folder: Path, edition_folder: Path) -> Path:
    """Copy the lessons' glossary into one edition's folder, whole or not at all; return its path."""
    target = edition_folder / GLOSSARY
    edition_folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{GLOSSARY}.tmp")
    partial.write_bytes((lessons_folder / GLOSSARY).read_bytes())
    partial.replace(target)
    return target
