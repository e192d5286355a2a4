"""Merge the fact-finders' source lists (data/staging/sources-*.csv) into data/sources.csv.

Rows with the same source_id must be identical; the seed comes first, the rest by id.
    python tools/merge_sources.py
"""
import csv
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def main() -> int:
    merged, header = {}, None
    for path in sorted((DATA / "staging").glob("sources-*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header = header or reader.fieldnames
            for row in reader:
                old = merged.get(row["source_id"])
                if old and old != row:
                    print(f"{path.name}: {row['source_id']} differs from an earlier row:\n  {old}\n  {row}")
                    return 1
                merged[row["source_id"]] = row
    rows = sorted(merged.values(), key=lambda r: (r["kind"] != "seed", r["source_id"]))
    with (DATA / "sources.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} sources")
    return 0


if __name__ == "__main__":
    sys.exit(main())
