"""Rewrite the lesson table in README.md from notebooks/lessons.toml (the one ordered list).

    python tools/readme_lessons.py          # rewrite
    python tools/readme_lessons.py --check  # exit 1 if README.md is out of date
"""
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- lessons:start -->", "<!-- lessons:end -->"


def table() -> str:
    lessons = tomllib.loads((ROOT / "notebooks" / "lessons.toml").read_text(encoding="utf-8"))["lesson"]
    rows = ["| # | lesson | file | minutes |", "| --- | --- | --- | --- |"]
    for entry in lessons:
        rows.append(f"| {entry['file'][:2]} | {entry['title']} | `notebooks/{entry['file']}` | {entry['minutes']} |")
    return "\n".join(rows)


def render(readme: str) -> str:
    before, rest = readme.split(START)
    _, after = rest.split(END)
    return f"{before}{START}\n{table()}\n{END}{after}"


def main() -> int:
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    if "--check" in sys.argv:
        return 0 if render(text) == text else 1
    path.write_text(render(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
