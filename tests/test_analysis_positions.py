"""The positions lesson's helpers: the matrix for a subset, changes over time, disagreements."""

from lessonkit import analysis
from lessonkit.keys import positions


def test_matrix_for_a_subset_has_only_those_actors():
    m = analysis.position_matrix(["gbr", "rus"])
    assert set(m.index) == {"United Kingdom", "Russia"}


def test_changed_positions_lists_only_actors_with_more_than_one_stance():
    changed = analysis.changed_positions()
    for _, r in changed.iterrows():
        assert len(set(r["history"].split(" → "))) > 1
        assert r["first"] <= r["last"]


def test_latest_stance_in_the_matrix_is_the_last_in_the_history():
    m = analysis.position_matrix()
    for _, r in analysis.changed_positions().iterrows():
        assert m.loc[r["actor"], r["topic"]] == r["history"].split(" → ")[-1]


def test_allies_not_supporting_were_all_at_the_summit():
    names = positions.attended_not_supporting()
    supporters = set(analysis.disagreements("european-troops")["supports"])
    assert names == sorted(names) and not set(names) & supporters


def test_every_matched_quote_has_a_speaker():
    for label, position_id in positions.quote_labels().items():
        assert positions.speaker_name(position_id)
