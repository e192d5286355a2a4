"""The data package: it validates, every id resolves, and broken copies fail clearly."""

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from lessonkit import DataError, load, table_names
from lessonkit._data import load_package
from lessonkit._paths import data_dir

DATA = data_dir()


def test_frictionless_validates_the_package():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(DATA / "datapackage.json"))
    problems = [e.message for t in report.tasks for e in t.errors] + [e.message for e in report.errors]
    assert report.valid, problems[:10]


def test_every_field_is_described_and_typed():
    for resource in load_package().descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            assert field.get("description"), (resource["name"], field["name"])
            assert field["type"] in {"string", "integer", "number", "date", "boolean"}


def test_tables_load_with_declared_dtypes():
    pledges = load("pledges")
    assert str(pledges["amount"].dtype) == "Float64"
    assert str(pledges["quantity"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(pledges["announced"])
    assert pd.api.types.is_string_dtype(pledges["pledge_id"])


def test_every_row_has_a_source_that_resolves():
    sources = set(load("sources")["source_id"])
    for name in table_names():
        frame = load(name)
        if name == "corrections":  # a removed row's correction has no source; checked in test_corrections
            assert set(frame["source_id"].dropna()) <= sources
            continue
        assert frame["source_id"].notna().all(), name
        used = set(frame["source_id"])
        if "also_source_ids" in frame:
            used |= {s for v in frame["also_source_ids"].dropna() for s in v.split(";")}
        assert used <= sources, (name, used - sources)


def test_every_actor_id_used_anywhere_resolves():
    actors = set(load("actors")["actor_id"])
    used = set(load("pledges")["donor_id"]) | set(load("pledges")["recipient_id"])
    used |= set(load("positions")["actor_id"]) | set(load("positions")["quote_speaker_id"].dropna())
    used |= set(load("actors")["represents"].dropna())
    used |= {a for v in load("events")["actor_ids"].dropna() for a in v.split(";")}
    assert used <= actors, used - actors


def test_sources_other_than_the_seed_are_public_and_dated():
    sources = load("sources")
    public = sources[sources["kind"] != "seed"]
    assert public["url"].str.match(r"^https?://").all()
    assert public["published"].notna().all()
    assert (sources["kind"] == "seed").sum() == 1


def test_load_returns_a_copy():
    a = load("actors")
    a.loc[0, "name"] = "changed"
    assert load("actors").loc[0, "name"] != "changed"


# --- broken copies of the data -----------------------------------------------------------


@pytest.fixture
def broken(tmp_path):
    """A copy of the data package to break; returns (folder, rows of pledges.csv, writer)."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("staging", "README.md"))
    return folder


def _rows(folder: Path, table: str) -> list[list[str]]:
    with (folder / f"{table}.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _write(folder: Path, table: str, rows: list[list[str]]) -> None:
    with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def _first_with(rows, column, predicate=bool):
    """Index of the first data row whose column satisfies predicate."""
    i = rows[0].index(column)
    return next(n for n in range(1, len(rows)) if predicate(rows[n][i])), i


def _set(folder, table, column, value, predicate=bool):
    rows = _rows(folder, table)
    n, i = _first_with(rows, column, predicate)
    row_id = rows[n][0]
    rows[n][i] = value
    _write(folder, table, rows)
    return n + 1, row_id  # line in the file (header is line 1)


@pytest.mark.parametrize("table, column, value, rule", [
    ("pledges", "announced", "2025-02-30", "is not a date"),
    ("events", "date", "2 March 2025", "is not a date"),
    ("pledges", "item", "", "a value is required"),
    ("pledges", "donor_id", "atlantis", "'atlantis' is not a known id in actors.csv"),
    ("positions", "actor_id", "atlantis", "'atlantis' is not a known id in actors.csv"),
    ("pledges", "amount", "-5", "below the minimum 0"),
    ("pledges", "currency", "JPY", "is not one of GBP, EUR, USD"),
    ("pledges", "amount", "lots", "is not a number"),
    ("claims", "verdict", "true-ish", "is not one of accurate"),
    ("events", "actor_ids", "gbr;atlantis", "'atlantis' is not a known id in actors.csv"),
    ("actors", "source_id", "nowhere-20250302", "'nowhere-20250302' is not a known id in sources.csv"),
])
def test_a_broken_value_names_file_line_column_and_rule(broken, table, column, value, rule):
    line, row_id = _set(broken, table, column, value)
    with pytest.raises(DataError) as e:
        load_package(broken)
    assert e.value.file == f"{table}.csv"
    assert e.value.line == line
    assert e.value.column == column
    assert rule in str(e.value)
    assert str(e.value).startswith(f"{table}.csv, line {line} (row {row_id!r}), column {column!r}: ")


def test_a_duplicated_key_names_both_lines(broken):
    rows = _rows(broken, "pledges")
    rows.append(rows[1])
    _write(broken, "pledges", rows)
    with pytest.raises(DataError) as e:
        load_package(broken)
    assert e.value.line == len(rows)
    assert e.value.column == "pledge_id"
    assert "duplicate pledge_id" in str(e.value) and "first on line 2" in str(e.value)


def test_a_line_with_a_missing_comma_is_named(broken):
    path = broken / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "broken-event,2025-03-02,Title only")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_package(broken)
    assert (e.value.file, e.value.line) == ("events.csv", 3)
    assert "expected 8 cells, found 3" in str(e.value)


def test_an_unclosed_quote_is_named(broken):
    path = broken / "topics.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'bad-topic,"Unclosed,question\n', encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_package(broken)
    assert e.value.file == "topics.csv"
    assert "malformed CSV" in str(e.value) or "expected" in str(e.value)


def test_a_file_saved_in_the_wrong_encoding_is_named(broken):
    path = broken / "pledges.csv"
    text = path.read_text(encoding="utf-8")
    assert "£" in text
    line = text[: text.index("£")].count("\n") + 1
    path.write_bytes(text.encode("cp1252", errors="replace"))
    with pytest.raises(DataError) as e:
        load_package(broken)
    assert (e.value.file, e.value.line) == ("pledges.csv", line)
    assert "not valid UTF-8" in str(e.value)


def test_a_wrong_header_is_named(broken):
    rows = _rows(broken, "actors")
    rows[0][1] = "full_name"
    _write(broken, "actors", rows)
    with pytest.raises(DataError) as e:
        load_package(broken)
    assert (e.value.file, e.value.line) == ("actors.csv", 1)
    assert "the header must be" in str(e.value)


def test_an_inaccurate_claim_needs_a_correction(broken):
    line, _ = _set(broken, "claims", "correction", "", predicate=bool)
    rows = _rows(broken, "claims")
    rows[line - 1][rows[0].index("verdict")] = "inaccurate"
    _write(broken, "claims", rows)
    with pytest.raises(DataError) as e:
        load_package(broken)
    assert (e.value.line, e.value.column) == (line, "correction")


def test_a_missing_file_is_named(broken):
    (broken / "claims.csv").unlink()
    with pytest.raises(DataError, match=r"^claims.csv: the file is missing$"):
        load_package(broken)


def test_the_broken_copies_are_also_caught_by_frictionless(broken):
    """The independent validator agrees with ours on a foreign-key break."""
    frictionless = pytest.importorskip("frictionless")
    _set(broken, "pledges", "donor_id", "atlantis")
    assert not frictionless.validate(str(broken / "datapackage.json")).valid


def test_datapackage_json_is_what_the_schema_tool_writes():
    """data/datapackage.json is generated by tools/make_datapackage.py; they must not drift."""
    import importlib.util

    tool = Path(__file__).resolve().parents[1] / "tools" / "make_datapackage.py"
    spec = importlib.util.spec_from_file_location("make_datapackage", tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (DATA / "datapackage.json").read_text(encoding="utf-8") == module.render()


def test_every_source_is_used_by_some_row():
    used = set()
    for name in table_names():
        if name in ("sources", "corrections"):  # a source only a correction names supports no fact
            continue
        frame = load(name)
        used |= set(frame["source_id"])
        used |= {s for v in frame["also_source_ids"].dropna() for s in v.split(";")}
        if "later_source_id" in frame:
            used |= set(frame["later_source_id"].dropna())
    orphans = set(load("sources")["source_id"]) - used
    assert not orphans, f"sources no row cites: {sorted(orphans)}"


def test_disagreements_are_kept_as_separate_rows():
    """Where outlets disagree, each version stays, with its own source."""
    pledges = load("pledges")
    groups = pledges.dropna(subset=["report_group"]).groupby("report_group")
    disagreeing = [g for g, rows in groups if rows["as_reported"].nunique() > 1]
    assert disagreeing, "no report group records more than one version"
    for g in disagreeing:
        assert groups.get_group(g)["source_id"].nunique() >= 1
    counts = load("events")
    assert counts["event_id"].str.startswith("summit-count-").sum() >= 2
    assert counts["event_id"].str.startswith("paris-chiefs-count-").sum() == 2  # AFP's 30 and AP's 34


def test_totals_of_mixed_aid_are_not_labelled_military_aid():
    """A total of military, financial and humanitarian aid must not be shown as military aid."""
    pledges = load("pledges").set_index("pledge_id")
    totals = pledges[pledges["report_group"] == "us-aid-to-ukraine-totals"]
    assert len(totals) >= 3 and (totals["kind"] == "total_assistance").all()
    assert pledges.loc["us-aid-military-pentagon", "kind"] == "military_aid"


def test_the_as_of_date_is_the_latest_date_the_facts_reach():
    dates = [load("events")["date"].max(), load("positions")["date"].max(),
             load("pledges")["announced"].max(), load("actors")["later_date"].max()]
    described = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    assert described["lessonkit:asOf"] == max(dates).strftime("%Y-%m-%d")


def test_a_later_change_of_role_has_a_date_and_a_source():
    actors = load("actors")
    noted = actors["later_note"].notna()
    assert noted.any()
    assert (noted == actors["later_date"].notna()).all()
    assert (noted == actors["later_source_id"].notna()).all()
    assert actors.loc[noted, "kind"].eq("person").all()


def test_a_quote_from_a_source_not_in_english_has_a_translation():
    positions = load("positions")
    language = positions["source_id"].map(load("sources").set_index("source_id")["language"])
    foreign = positions["quote"].notna() & (language != "en")
    assert foreign.any()
    assert positions.loc[foreign, "quote_english"].notna().all()
    assert positions.loc[positions["quote"].isna(), "quote_english"].isna().all()
