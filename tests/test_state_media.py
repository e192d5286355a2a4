"""State-funded publishers are classed by one criterion, whichever state funds them.

data/README.md states it: `state_media` when the state owns the outlet or provides most of its
money and no law or charter guarantees its editorial independence; otherwise the publisher is
classed by its editorial standards like any outlet. tools/source_report.py lists every
state-owned or state-funded publisher in STATE_FUNDED with its state, status and reason.
"""

import importlib.util
from pathlib import Path

import pytest

from lessonkit._paths import data_dir

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("source_report", ROOT / "tools" / "source_report.py")
report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(report)


def sources() -> dict[str, dict]:
    return {r["source_id"]: r for r in report.read(data_dir(), "sources")}


def test_every_state_funded_source_is_listed_with_its_class_and_reason(capsys):
    listed = []
    for sid, row in sources().items():
        found = report.state_funded(row)
        if found:
            key, state, status, reason = found
            listed.append((sid, row["reliability"], state, status, reason))
    with capsys.disabled():
        print("\nState-owned or state-funded publishers:")
        for sid, cls, state, status, reason in listed:
            print(f"  {sid}: {cls} ({state}, {status}) - {reason}")
    # both kinds are present, and the list is the one the README names
    assert {status for *_, status, _ in listed} == {"controlled", "independent"}
    assert all(reason.strip() for *_, reason in listed)
    controlled = {sid for sid, _, _, status, _ in listed if status == "controlled"}
    assert controlled == {sid for sid, r in sources().items() if r["reliability"] == "state_media"}


def test_classes_follow_the_criterion():
    assert report.state_media_problems(sources()) == []


def test_every_entry_of_the_table_is_used():
    keys = {report.state_funded(r)[0] for r in sources().values() if report.state_funded(r)}
    assert keys == set(report.STATE_FUNDED), set(report.STATE_FUNDED) - keys


@pytest.mark.parametrize("sid, changes, problem", [
    # a state broadcaster with a legal guarantee of independence may not be classed state media...
    ("voazimbabwe-20250313-putin", {"reliability": "state_media", "controlled_by": "American"}, "independent by law"),
    ("bbc-20250303-belfast-missiles", {"reliability": "state_media", "controlled_by": "British"}, "independent by law"),
    # ...and one without it may not be classed as an ordinary outlet, whichever state it is
    ("aljazeera-20250302-leaders-gather", {"reliability": "editorial", "controlled_by": ""}, "must be state_media"),
    ("aa-20250217-scholz-premature", {"reliability": "outlet", "controlled_by": ""}, "must be state_media"),
    ("sputnikglobe-20250226-lavrov-peacekeepers", {"controlled_by": "Chinese"}, "must be state_media"),
    # a state_media class needs an entry that explains it
    ("kyivindependent-20250302-king", {"reliability": "state_media", "controlled_by": "Ukrainian"}, "not in STATE_FUNDED"),
])
def test_a_class_against_the_criterion_is_caught(sid, changes, problem):
    rows = sources()
    rows[sid] = dict(rows[sid], **changes)
    found = report.state_media_problems(rows)
    assert any(p.startswith(sid + ":") and problem in p for p in found), found
