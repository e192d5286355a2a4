"""The ``lessonkit`` command: open a lesson, build and export editions, build the app view,
grade submissions.

Without lesson files named, commands use ``notebooks/NN-*.md`` in the current folder, else the
lessons installed with the package, so they work from any folder after ``pip install lessonkit``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .._errors import LessonkitError
from .._paths import app_source, default_lessons


def _build(args: argparse.Namespace) -> int:
    from .editions import build_editions

    sources = [Path(p) for p in args.lessons] or default_lessons()
    if not sources:
        print("lessonkit build: no lessons given, none found in notebooks/ and none installed", file=sys.stderr)
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


def _settings(args: argparse.Namespace) -> int:
    from .settings import install_settings

    print(install_settings(args.prefix))
    return 0


def _export(args: argparse.Namespace) -> int:
    from .export import export, export_printable

    if args.printable and args.editions:
        print("lessonkit export: --printable runs the lessons themselves; it cannot use --editions", file=sys.stderr)
        return 2
    if args.printable:
        sources = [Path(p) for p in args.lessons] or default_lessons()
        if not sources:
            print("lessonkit export: no lessons given, none found in notebooks/ and none installed", file=sys.stderr)
            return 2
        for path in export_printable(sources, Path(args.out)):
            print(path)
        return 0
    sources = [] if args.editions else [Path(p) for p in args.lessons] or default_lessons()
    if not sources and not args.editions:
        print("lessonkit export: no lessons given, none found in notebooks/ and none installed", file=sys.stderr)
        return 2
    for path in export(sources, Path(args.out), editions=Path(args.editions) if args.editions else None):
        print(path)
    return 0


def _site(args: argparse.Namespace) -> int:
    from .site import build_site

    sources = [] if args.notebooks else [Path(p) for p in args.lessons] or default_lessons()
    if not sources and not args.notebooks:
        print("lessonkit site: no lessons given, none found in notebooks/ and none installed", file=sys.stderr)
        return 2
    try:
        out = build_site(Path(args.out), lessons=sources, notebooks=Path(args.notebooks) if args.notebooks else None)
    except OSError as e:
        print(f"lessonkit site: could not write the site in {args.out}: {e}", file=sys.stderr)
        return 2
    print(f"{out}  (the student edition as a website: publish this folder; start page index.html)")
    return 0


def _app(args: argparse.Namespace) -> int:
    from .export import build_app

    source = Path(args.source) if args.source else Path(APP_SOURCE)
    if args.source is None and not source.is_file():
        source = app_source()  # not in a checkout: the app view installed with the package
    if not source.is_file():
        print(f"lessonkit app: {source} not found", file=sys.stderr)
        return 2
    target = Path(args.out) if args.out else (source.with_suffix(".ipynb") if args.source else Path(APP_TARGET))
    print(build_app(source, target))
    return 0


def _lesson(args: argparse.Namespace) -> int:
    from .lesson import open_lesson

    return open_lesson(Path(args.out), replace=args.replace, jupyter_args=args.jupyter_args)


def _grade(args: argparse.Namespace) -> int:
    from .grading import main as grade_main

    return grade_main(args)


APP_SOURCE = Path("apps", "explorers.md")
APP_TARGET = Path("apps", "explorers.ipynb")


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    from .. import __version__

    p = argparse.ArgumentParser(prog="lessonkit", description=__doc__)
    p.add_argument("--version", action="version", version=f"lessonkit {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    le = sub.add_parser("lesson", help="build the student edition into a folder and open lesson 0 in JupyterLab",
                        epilog="Other options, and everything after '--', go to 'jupyter lab' "
                               "(for example: lessonkit lesson --port=8890 --no-browser).")
    le.add_argument("--out", default="editions",
                    help="folder for the editions; the lessons go to OUT/student (default: editions)")
    le.add_argument("--replace", action="store_true",
                    help="replace lessons changed since they were built, after a copy in backups/ "
                         "(default: keep them and write the new version beside them as NAME.new.ipynb)")
    le.set_defaults(func=_lesson)
    b = sub.add_parser("build", help="make the teacher and student editions (.ipynb) of lessons")
    b.add_argument("lessons", nargs="*", help="lesson .md files (default: notebooks/NN-*.md, else the installed lessons)")
    b.add_argument("--out", default="editions", help="output folder (default: editions)")
    b.add_argument("--edition", choices=["teacher", "student", "both", "nbgrader"], default="both",
                   help="both (default) is teacher and student; nbgrader writes OUT/nbgrader, the source "
                        "notebooks of nbgrader assignments")
    b.add_argument("--no-execute", action="store_true", help="do not execute the teacher edition")
    b.add_argument("--replace", action="store_true",
                   help="replace notebooks changed since they were built, after copying each into backups/ "
                        "(default: keep them and write the new version beside them as NAME.new.ipynb)")
    b.set_defaults(func=_build)
    s = sub.add_parser("settings", help="copy the module's JupyterLab settings into another environment "
                                                "(pip install already puts them in lessonkit's own)")
    s.add_argument("--prefix", help="the environment's prefix (default: the running Python's)")
    s.set_defaults(func=_settings)
    e = sub.add_parser("export", help="write HTML copies of both editions, readable without a kernel")
    e.add_argument("lessons", nargs="*", help="lesson .md files (default: notebooks/NN-*.md, else the installed lessons)")
    e.add_argument("--out", default="exports", help="output folder (default: exports)")
    e.add_argument("--editions", help="export this folder written by 'lessonkit build' instead of building")
    e.add_argument("--printable", action="store_true",
                   help="write a worksheet to print instead: the student edition with its outputs, exercises blank")
    e.set_defaults(func=_export)
    w = sub.add_parser("site", help="build a static website of the student edition (no solutions), offline")
    w.add_argument("lessons", nargs="*", help="lesson .md files (default: notebooks/NN-*.md, else the installed lessons)")
    w.add_argument("--out", default=str(Path("build", "site")), help="output folder (default: build/site)")
    w.add_argument("--notebooks", help="a folder of student-edition notebooks to publish instead of building "
                                       "them; refused if any holds a solution or an instructor note")
    w.set_defaults(func=_site)
    a = sub.add_parser("app", help="build the app view's notebook (apps/explorers.ipynb) for Voila")
    a.add_argument("source", nargs="?",
                   help="default: apps/explorers.md if there is one here, else the installed app view")
    a.add_argument("--out", help="the notebook to write (default: beside the source; apps/explorers.ipynb "
                                 "for the installed app view)")
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


def parse(argv: list[str]) -> argparse.Namespace:
    """The parsed command line. For ``lesson``, options it does not know, and everything
    after ``--``, are kept in order as ``jupyter_args`` for JupyterLab."""
    p = parser()
    if argv[:1] != ["lesson"]:
        return p.parse_args(argv)
    cut = argv.index("--") if "--" in argv else len(argv)
    args, extra = p.parse_known_args(argv[:cut])
    args.jupyter_args = extra + argv[cut + 1:]
    return args


# The extra that brings each optional top-level module the teacher commands import.
EXTRA_OF_MODULE = {
    "nbclient": "teacher", "nbconvert": "teacher", "jupyter_client": "teacher", "zmq": "teacher",
    "traitlets": "teacher", "tqdm": "teacher", "voila": "teacher",
    "nbgrader": "nbgrader", "jupyter_book": "site", "sphinx_exercise": "site", "sphinx": "site",
}


def missing_extra_hint(command: str, error: ModuleNotFoundError) -> str | None:
    """The one-line install hint for a command whose optional dependency is missing, or None
    when the missing module belongs to no extra (a real error, left to surface)."""
    extra = EXTRA_OF_MODULE.get((error.name or "").split(".")[0])
    if extra is None:
        return None
    return (f"lessonkit {command}: needs the extra '{extra}' ({error.name} is not installed): "
            f'pip install "lessonkit[{extra}]"')


def main(argv: list[str] | None = None) -> int:
    """Run the command; errors become one line on stderr and exit status 2."""
    args = parse(list(sys.argv[1:] if argv is None else argv))
    try:
        return args.func(args)
    except LessonkitError as e:
        print(f"lessonkit {args.command}: {e}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as e:
        hint = missing_extra_hint(args.command, e)
        if hint is None:
            raise
        print(hint, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
