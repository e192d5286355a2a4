"""How far the data can be trusted: sources by class, and rows that rest only on weak sources.

    python tools/source_report.py                      # report on data/
    python tools/source_report.py --data DIR           # report on another copy of the tables
    python tools/source_report.py --before DIR         # also list rows and sources DIR has and data/ lacks
    python tools/source_report.py --classes FILE.csv   # judge sources with the classes in FILE

The rules are the ones data/README.md states ("How far to trust a source") and that
tests/test_sources.py enforces. The functions read plain CSV, so the tool also reports on an
older copy of the data (for example one taken with `git archive 1915324 data`).
"""
import argparse
import csv
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
# Classes, strongest first (the same list as tools/make_datapackage.py).
CLASSES = ["official", "editorial", "outlet", "state_media", "partisan", "aggregator", "seed"]
# A row needs at least one source of these classes...
STRONG = {"official", "editorial", "outlet"}
# ...except rows that record what the seed article says (they are there to be checked).
SEED_TABLES = {"claims", "pledges"}
# The state a state-controlled outlet speaks for, by the adjective in `controlled_by`.
STATE_OF = {"Russian": "rus", "Chinese": "chn", "Turkish": "tur"}
# Sites of networks known for propaganda or disinformation: only lesson 6's claims may cite them.
PROPAGANDA_HOSTS = ("news-pravda.com",)
# The placeholder basis the reliability columns were introduced with.
PROVISIONAL = "Provisional class"
TABLES = ["actors", "topics", "events", "pledges", "exchange_rates", "positions", "claims"]


def read(data: Path, table: str) -> list[dict]:
    """The rows of one table as dicts of strings."""
    with (data / f"{table}.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def sources_of(row: dict) -> list[str]:
    """The row's main source followed by its further sources."""
    return [row["source_id"]] + [s for s in (row.get("also_source_ids") or "").split(";") if s]


def host(url: str) -> str:
    """The host of a URL without a leading 'www.'."""
    name = urlsplit(url).hostname or ""
    return name[4:] if name.startswith("www.") else name


def speaks_for(actor_id: str, actors: dict[str, dict]) -> str:
    """The state an actor is or represents (a person's `represents`, else the actor itself)."""
    actor = actors.get(actor_id, {})
    return actor.get("represents") or actor_id


def own_state_media(table: str, row: dict, sources: dict[str, dict], actors: dict[str, dict]) -> bool:
    """True when every source is state media of the state whose own official the row reports."""
    if table != "positions":
        return False
    states = {STATE_OF.get(sources[s]["controlled_by"]) for s in sources_of(row)
              if sources[s]["reliability"] == "state_media"}
    only_state_media = all(sources[s]["reliability"] == "state_media" for s in sources_of(row))
    return only_state_media and states == {speaks_for(row["actor_id"], actors)}


def weak_rows(data: Path, sources: dict[str, dict]) -> list[tuple[str, str, list[str]]]:
    """(table, row id, sources) of every row that no official, editorial or outlet source
    supports, leaving out seed rows and a state's media reporting its own officials."""
    actors = {a["actor_id"]: a for a in read(data, "actors")}
    found = []
    for table in TABLES:
        for row in read(data, table):
            ids = sources_of(row)
            classes = {sources[s]["reliability"] for s in ids}
            if classes & STRONG:
                continue
            if classes == {"seed"} and table in SEED_TABLES:
                continue
            if own_state_media(table, row, sources, actors):
                continue
            found.append((table, next(iter(row.values())), ids))
    return found


def propaganda_misuse(data: Path, sources: dict[str, dict]) -> list[tuple[str, str, str]]:
    """(table, row id, source) wherever a propaganda network's site is cited outside claims."""
    flagged = {s for s, r in sources.items() if host(r["url"]).endswith(PROPAGANDA_HOSTS)}
    return [(table, next(iter(row.values())), s) for table in TABLES if table != "claims"
            for row in read(data, table) for s in sources_of(row) if s in flagged]


def source_problems(sources: dict[str, dict]) -> list[str]:
    """Broken promises of sources.csv: class, basis, controller, copy notes, URLs, URL titles."""
    problems = []
    for sid, r in sources.items():
        if r["reliability"] not in CLASSES or not r["basis"].strip():
            problems.append(f"{sid}: needs a class and a basis")
        if r["basis"].startswith(PROVISIONAL):
            problems.append(f"{sid}: the class is still provisional; review it and give a basis")
        if (r["reliability"] == "state_media") != bool(r["controlled_by"]):
            problems.append(f"{sid}: controlled_by is for state media only, and state media need it")
        if r["controlled_by"] and r["controlled_by"] not in STATE_OF:
            problems.append(f"{sid}: unknown controlling state {r['controlled_by']!r}")
        if r["copy"] == "true" and host(r["url"]) not in r["note"]:
            problems.append(f"{sid}: a copy's note must name where it lives ({host(r['url'])})")
        if r["reliability"] != "seed":
            parts = urlsplit(r["url"])
            if (parts.hostname or "").endswith(".") or "utm_" in r["url"] or "traffic_source" in parts.query:
                problems.append(f"{sid}: malformed or tracking URL {r['url']}")
        if r["title_from"] == "url" and "url" not in r["note"].lower():
            problems.append(f"{sid}: a title rebuilt from the URL must be noted")
    return problems


def report(data: Path, classes: Path | None = None, before: Path | None = None) -> str:
    """The text the tool prints."""
    sources = {r["source_id"]: r for r in read(data, "sources")}
    if classes is not None:
        judged = {r["source_id"]: r for r in _read_csv(classes)}
        for sid, r in sources.items():
            if sid in judged:
                r.update({k: judged[sid][k] for k in ("reliability", "controlled_by")})
    rows = sum(len(read(data, t)) for t in TABLES)
    by_class = Counter(r["reliability"] for r in sources.values())
    weak = weak_rows(data, sources)
    lines = [f"Data: {data}", f"{len(sources)} sources, {rows} data rows", "", "Sources by class:"]
    lines += [f"  {c:<12} {by_class.get(c, 0)}" for c in CLASSES]
    lines += ["", f"Titles rebuilt from the URL: {sum(r['title_from'] == 'url' for r in sources.values())}",
              f"Sources that are copies (copy=true): {sum(r['copy'] == 'true' for r in sources.values())}",
              "", f"Rows resting only on weak sources: {len(weak)} (no exceptions)"]
    for table, rid, ids in weak:
        cited = ", ".join(f"{s} ({sources[s]['reliability']})" for s in ids)
        lines.append(f"  {table}:{rid} <- {cited}")
    misuse = propaganda_misuse(data, sources)
    lines += ["", f"Propaganda-network sources cited outside claims: {len(misuse)}"]
    lines += [f"  {t}:{rid} <- {s}" for t, rid, s in misuse]
    if before is not None:
        lines += ["", f"Compared with {before}:"] + _left_out(before, data)
    return "\n".join(lines)


def _read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _left_out(before: Path, after: Path) -> list[str]:
    lines = []
    for table in TABLES + ["sources"]:
        old = {next(iter(r.values())): r for r in read(before, table)}
        new = {next(iter(r.values())) for r in read(after, table)}
        gone = sorted(set(old) - new)
        lines.append(f"  {table}: {len(gone)} left out" + (": " + ", ".join(gone) if gone else ""))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--classes", type=Path, help="a sources.csv whose classes to use instead")
    parser.add_argument("--before", type=Path, help="an older data folder to compare with")
    args = parser.parse_args()
    print(report(args.data, args.classes, args.before))


if __name__ == "__main__":
    main()
