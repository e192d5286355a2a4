"""Edited copies of the data package, so a test can fix the values it reads."""

import csv
import json
import shutil
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def copy_with(tmp_path: Path, monkeypatch, edits: dict | None = None, as_of: object = None) -> Path:
    """Copy data/ into tmp_path, set some cells, and point lessonkit at the copy.

    ``edits`` maps (table, row_id) to {column: new text}; ``as_of`` replaces the package's
    "lessonkit:asOf" (pass ``...`` to delete it).
    """
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("staging", "README.md"))
    by_table: dict[str, dict] = {}
    for (table, row_id), cells in (edits or {}).items():
        by_table.setdefault(table, {})[row_id] = cells
    for table, rows in by_table.items():
        path = folder / f"{table}.csv"
        with path.open(newline="", encoding="utf-8") as f:
            table_rows = list(csv.DictReader(f))
        header = list(table_rows[0])
        found = set()
        for r in table_rows:
            if r[header[0]] in rows:
                r.update(rows[r[header[0]]])
                found.add(r[header[0]])
        assert found == set(rows), f"rows {set(rows) - found} are not in {table}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(table_rows)
    if as_of is not None:
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        if as_of is ...:
            descriptor.pop("lessonkit:asOf", None)
        else:
            descriptor["lessonkit:asOf"] = as_of
        (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    monkeypatch.setenv("LESSONKIT_DATA", str(folder))
    return folder
