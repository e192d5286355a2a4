"""The ``lessonkit`` command: build and export editions, build the app view, hash answer keys,
grade submissions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .._errors import LessonkitError


def _build(args: argparse.Namespace) -> int:
    from .editions import build_editions

    sources = [Path(p) for p in args.lessons] or sorted(Path("notebooks").glob("[0-9][0-9]-*.md"))
    if not sources:
        print("lessonkit build: no lessons given and none found in notebooks/", file=sys.stderr)
        return 2
    editions = ("teacher", "student") if args.edition == "both" else (args.edition,)
    try:
        placed = build_editions(sources, Path(args.out), editions=editions, run_teacher=not args.no_execute,
                                replace=args.replace)
    except OSError as e:
        print(f"lessonkit build: could not write the editions in {args.out}: {e}", file=sys.stderr)
        return 2
    for where in placed:
        print(where)
    return 0


def _hash(args: argparse.Namespace) -> int:
    from .._checkers import digest

    print(digest(args.exercise_id, args.answer))
    return 0


def _settings(args: argparse.Namespace) -> int:
    from .settings import write_overrides

    print(write_overrides(args.prefix))
    return 0


def _export(args: argparse.Namespace) -> int:
    from .export import export

    sources = [Path(p) for p in args.lessons] or sorted(Path("notebooks").glob("[0-9][0-9]-*.md"))
    if not sources and not args.editions:
        print("lessonkit export: no lessons given and none found in notebooks/", file=sys.stderr)
        return 2
    for path in export(sources, Path(args.out), editions=Path(args.editions) if args.editions else None):
        print(path)
    return 0


def _app(args: argparse.Namespace) -> int:
    from .export import build_app

    if not Path(args.source).is_file():
        print(f"lessonkit app: {args.source} not found (run it from the repository's folder)", file=sys.stderr)
        return 2
    print(build_app(args.source))
    return 0


def _grade(args: argparse.Namespace) -> int:
    from .grading import main as grade_main

    return grade_main(args)


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="lessonkit", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="make the teacher and student editions (.ipynb) of lessons")
    b.add_argument("lessons", nargs="*", help="lesson .md files (default: notebooks/NN-*.md)")
    b.add_argument("--out", default="editions", help="output folder (default: editions)")
    b.add_argument("--edition", choices=["teacher", "student", "both"], default="both")
    b.add_argument("--no-execute", action="store_true", help="do not execute the teacher edition")
    b.add_argument("--replace", action="store_true",
                   help="replace notebooks changed since they were built, after copying each into backups/ "
                        "(default: keep them and write the new version beside them as NAME.new.ipynb)")
    b.set_defaults(func=_build)
    h = sub.add_parser("hash", help="print the salted hash of a constant answer, for an answer key")
    h.add_argument("exercise_id")
    h.add_argument("answer")
    h.set_defaults(func=_hash)
    s = sub.add_parser("settings", help="write the module's JupyterLab settings into an environment")
    s.add_argument("--prefix", help="the environment's prefix (default: the running Python's)")
    s.set_defaults(func=_settings)
    e = sub.add_parser("export", help="write HTML copies of both editions, readable without a kernel")
    e.add_argument("lessons", nargs="*", help="lesson .md files (default: notebooks/NN-*.md)")
    e.add_argument("--out", default="exports", help="output folder (default: exports)")
    e.add_argument("--editions", help="export this folder written by 'lessonkit build' instead of building")
    e.set_defaults(func=_export)
    a = sub.add_parser("app", help="build the app view's notebook (apps/explorers.ipynb) for Voila")
    a.add_argument("source", nargs="?", default="apps/explorers.md", help="default: apps/explorers.md")
    a.set_defaults(func=_app)
    g = sub.add_parser("grade", help="grade learning records and notebooks into a gradebook")
    g.add_argument("submissions", nargs="+", help="files or folders of .json records and .ipynb notebooks")
    g.add_argument("--out", required=True, help="folder for gradebook.csv, feedback and report.html")
    g.add_argument("--lesson", help="the lesson being graded (default: read from the submissions)")
    g.add_argument("--timeout", type=float, default=30, help="seconds per cell (default 30)")
    g.add_argument("--memory", type=int, default=1024, help="memory limit per notebook in MB (default 1024)")
    g.add_argument("--workers", type=int, default=0, help="notebooks run at once (default: 2 per core)")
    g.add_argument("--no-progress", action="store_true", help="no progress bar")
    g.set_defaults(func=_grade)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command; errors become one line on stderr and exit status 2."""
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except LessonkitError as e:
        print(f"lessonkit {args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
