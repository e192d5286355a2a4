"""How far to trust a source: every source is classed, and no fact rests only on weak sources.

The rules are written in data/README.md ("How far to trust a source"); tools/source_report.py
holds them so that the tool and these tests judge the data the same way.
"""

import csv
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lessonkit import load
from lessonkit._paths import data_dir

ROOT = Path(__file__).resolve().parents[1]
DATA = data_dir()
_spec = importlib.util.spec_from_file_location("source_report", ROOT / "tools" / "source_report.py")
report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(report)

# Rows that lead with a weak source although a stronger one is listed, and why: the citation a
# student sees (say() cites a row's main source) must be where the row's quote was read.
LEADS_WITH_WEAK = {
    ("positions", "fra-ceasefire-20250303"): "Barrot's words were read in CGTN's Reuters-based text only",
    ("positions", "deu-us-role-20250217"): "Scholz's words of 17 February were read in A News's Reuters text "
                                           "and Anadolu's report only",
}
WEAK = {"state_media", "partisan", "aggregator"}
STRENGTH = ["official", "editorial", "outlet", "state_media", "partisan", "aggregator", "seed"]


def sources(data: Path = DATA) -> dict[str, dict]:
    return {r["source_id"]: r for r in report.read(data, "sources")}


@pytest.fixture
def copy_of_data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    return folder


def _rewrite(folder: Path, table: str, row_id: str, **changes) -> None:
    path = folder / f"{table}.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0])
    for row in rows:
        if next(iter(row.values())) == row_id:
            row.update(changes)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# --- the data as it is --------------------------------------------------------------------


def test_every_source_has_a_class_a_basis_and_keeps_its_promises():
    loaded = load("sources")
    assert loaded["reliability"].notna().all() and loaded["basis"].str.strip().astype(bool).all()
    assert report.source_problems(sources()) == []


def test_no_row_rests_only_on_weak_sources():
    """Zero, with no exceptions: a row no strong source supports is fixed or removed."""
    assert report.weak_rows(DATA, sources()) == []


def test_one_id_per_source():
    assert report.duplicate_urls(sources()) == {}


def test_copy_flags_agree_with_the_url_host():
    assert report.copy_problems(sources()) == []


def test_a_second_id_for_one_url_is_caught():
    rows = sources()
    rows["second-id"] = dict(rows["aljazeera-20250302-leaders-gather"],
                             url=rows["aljazeera-20250302-leaders-gather"]["url"].replace("https://www.", "http://") + "/")
    assert list(report.duplicate_urls(rows).values()) == [["aljazeera-20250302-leaders-gather", "second-id"]]


@pytest.mark.parametrize("sid, changes", [
    ("kyivindependent-20250302-king", {"copy": "true", "note": "Copy on kyivindependent.com."}),  # own site
    ("spacewar-20250306-turkey-troops", {"copy": "false"}),  # AFP's text on spacewar.com
    ("kyivindependent-20250302-king", {"url": "https://todayheadline.co/x/"}),  # not a copy, yet elsewhere
])
def test_a_copy_flag_that_disagrees_with_the_host_is_caught(sid, changes):
    rows = sources()
    rows[sid] = dict(rows[sid], **changes)
    assert any(p.startswith(sid + ":") for p in report.copy_problems(rows))


def test_propaganda_network_sites_appear_only_in_claims():
    assert report.propaganda_misuse(DATA, sources()) == []


def test_only_the_seed_row_is_of_class_seed():
    seeds = [s for s, r in sources().items() if r["reliability"] == "seed"]
    assert seeds == ["seed-article"] and sources()["seed-article"]["kind"] == "seed"


def test_the_report_tool_runs_and_prints_the_counts():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "source_report.py")],
                         capture_output=True, text=True, check=True).stdout
    weak = len(report.weak_rows(DATA, sources()))
    assert f"Rows resting only on weak sources: {weak} " in out
    assert f"  official     {sum(r['reliability'] == 'official' for r in sources().values())}" in out


# --- the rules catch what they must -------------------------------------------------------


def test_a_row_resting_on_an_aggregator_is_caught(copy_of_data):
    _rewrite(copy_of_data, "events", "london-summit", source_id="pledgetimes-20250306-eu-council",
             also_source_ids="")
    weak = report.weak_rows(copy_of_data, sources(copy_of_data))
    assert ("events", "london-summit", ["pledgetimes-20250306-eu-council"]) in weak


def test_an_aggregator_beside_a_strong_source_is_not_caught(copy_of_data):
    _rewrite(copy_of_data, "events", "london-summit", also_source_ids="pledgetimes-20250306-eu-council")
    assert ("events", "london-summit") not in {(t, r) for t, r, _ in report.weak_rows(copy_of_data, sources(copy_of_data))}


def test_state_media_may_report_only_its_own_state(copy_of_data):
    # Russian state media alone may carry a Russian official's position...
    _rewrite(copy_of_data, "positions", "rus-security-guarantees-20250303",
             source_id="sputnikafrica-20250303-party-of-war", also_source_ids="")
    ids = {(t, r) for t, r, _ in report.weak_rows(copy_of_data, sources(copy_of_data))}
    assert ("positions", "rus-security-guarantees-20250303") not in ids
    # ...but not a French one, nor a claim or an event.
    _rewrite(copy_of_data, "positions", "fra-european-troops-20250302",
             source_id="sputnikafrica-20250303-party-of-war", also_source_ids="")
    _rewrite(copy_of_data, "events", "kremlin-reaction",
             source_id="sputnikafrica-20250303-party-of-war", also_source_ids="")
    ids = {(t, r) for t, r, _ in report.weak_rows(copy_of_data, sources(copy_of_data))}
    assert {("positions", "fra-european-troops-20250302"), ("events", "kremlin-reaction")} <= ids


def test_a_seed_only_row_is_allowed_in_claims_but_not_in_events(copy_of_data):
    _rewrite(copy_of_data, "events", "london-summit", source_id="seed-article", also_source_ids="")
    ids = {(t, r) for t, r, _ in report.weak_rows(copy_of_data, sources(copy_of_data))}
    assert ("events", "london-summit") in ids
    assert ("claims", "c05") not in ids  # the seed's own claim, kept to be checked


def test_a_propaganda_site_outside_claims_is_caught(copy_of_data):
    _rewrite(copy_of_data, "sources", "sputnikafrica-20250303-party-of-war",
             url="https://eu.news-pravda.com/world/2025/03/03/1.html")
    misuse = report.propaganda_misuse(copy_of_data, sources(copy_of_data))
    assert ("positions", "rus-security-guarantees-20250303", "sputnikafrica-20250303-party-of-war") in misuse
    assert all(table != "claims" for table, _, _ in misuse)


@pytest.mark.parametrize("changes, problem", [
    ({"basis": " "}, "needs a class and a basis"),
    ({"basis": "Provisional class from the source kind; to be reviewed."}, "still provisional"),
    ({"reliability": "trustworthy"}, "needs a class and a basis"),
    ({"reliability": "state_media", "controlled_by": ""}, "state media need it"),
    ({"controlled_by": "Russian"}, "controlled_by is for state media only"),
    ({"copy": "true"}, "a copy's note must name where it lives"),
    ({"url": "https://charter97.org./en/news/2025/3/7/632263"}, "malformed or tracking URL"),
    ({"url": "https://www.aljazeera.com/news/x?traffic_source=rss"}, "malformed or tracking URL"),
    ({"title_from": "url", "note": "Headline as shown."}, "a title rebuilt from the URL must be noted"),
])
def test_a_broken_source_row_is_named(changes, problem):
    row = dict(sources()["kyivindependent-20250302-leaders-gather"], **changes)
    found = report.source_problems({"kyivindependent-20250302-leaders-gather": row})
    assert any(problem in p and p.startswith("kyivindependent-20250302-leaders-gather: ") for p in found), found


def test_a_row_leads_with_its_strongest_source():
    """say() and the widgets cite a row's main source: it must not be a weak one when the row
    lists a stronger one (state media, a partisan site or an aggregator would then be what a
    student sees for a fact that a wire or an official text supports)."""
    classes = {sid: r["reliability"] for sid, r in sources().items()}
    leading_weak = set()
    for table in ("actors", "topics", "events", "pledges", "exchange_rates", "positions", "claims"):
        for row in report.read(DATA, table):
            main = row["source_id"]
            others = [s for s in (row["also_source_ids"] or "").split(";") if s]
            if main and classes[main] in WEAK and any(
                    STRENGTH.index(classes[s]) < STRENGTH.index(classes[main]) for s in others):
                leading_weak.add((table, next(iter(row.values()))))
    assert leading_weak == set(LEADS_WITH_WEAK), "lead with the strongest source, or say why not"
