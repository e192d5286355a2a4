"""The pure functions behind widgets and figures, checked against the tables directly."""

import math

import pytest

from lessonkit import LessonkitError, analysis, load
from lessonkit.lessons import news


def test_timeline_is_in_date_order_and_split_around_the_summit():
    t = analysis.timeline()
    assert list(t["date"]) == sorted(t["date"])
    parts = [analysis.timeline(period=p) for p in analysis.PERIODS]
    assert sum(len(p) for p in parts) == len(t)
    assert (parts[0]["date"].dt.date < analysis.summit_date()).all()
    assert (parts[2]["date"].dt.date > analysis.summit_date()).all()


def test_timeline_filters_by_actor_and_theme():
    gbr = analysis.timeline(actor="gbr")
    assert len(gbr) > 0 and all("gbr" in ids.split(";") for ids in gbr["actor_ids"])
    assert set(analysis.timeline(theme="ceasefire")["theme"]) == {"ceasefire"}
    assert analysis.timeline(actor="nobody").empty
    with pytest.raises(LessonkitError, match="period must be one of"):
        analysis.timeline(period="during")


def test_rates_are_used_as_stated_or_inverted():
    rates = load("exchange_rates").set_index("rate_id")
    rid = rates.index[0]
    r = rates.loc[rid]
    assert analysis.rate(r["base"], r["quote"], rid) == (pytest.approx(r["rate"]), rid)
    assert analysis.rate(r["quote"], r["base"], rid)[0] == pytest.approx(1 / r["rate"])
    assert analysis.convert(10, r["base"], r["quote"], rid) == pytest.approx(10 * r["rate"])
    with pytest.raises(LessonkitError):
        analysis.rate(r["base"], r["quote"], "no-such-rate")


def test_in_currency_converts_each_row_with_its_currency():
    rows = analysis.pledges(donor="gbr")
    rows = rows[rows["amount"].notna()]
    converted = analysis.in_currency(rows, "GBP")
    for _, row in converted.iterrows():
        expected = row["amount"] * analysis.rate(row["currency"], "GBP")[0]
        assert math.isclose(row["amount_GBP"], expected)


def test_versions_of_one_announcement():
    pledges = load("pledges")
    group = pledges["report_group"].dropna().value_counts().index[0]
    v = analysis.versions(group)
    assert len(v) >= 2 and set(v["pledge_id"]) <= set(pledges["pledge_id"])
    with pytest.raises(LessonkitError):
        analysis.versions("no-such-group")


def test_position_matrix_holds_each_actors_latest_stance():
    m = analysis.position_matrix()
    rows = analysis.positions()
    last = rows.sort_values("date").groupby(["actor", "topic"])["stance"].last()
    for (actor, topic), stance in last.items():
        assert m.loc[actor, topic] == stance


def test_disagreements_list_each_actor_once():
    for topic in load("topics")["topic_id"]:
        groups = analysis.disagreements(topic)
        actors = [a for names in groups.values() for a in names]
        assert len(actors) == len(set(actors))


def test_attendance_names_who_came_for_each_state():
    a = analysis.attendance("state").set_index("actor_id")
    assert isinstance(a.loc["gbr", "represented_by"], str)
    assert a.loc["gbr", "at_summit"] == "attended"


def test_claims_and_verdict_counts_agree():
    counts = news.verdict_counts()
    assert counts.sum() == len(analysis.claims())
    for verdict, n in counts.items():
        assert len(analysis.claims(verdict)) == n
