"""The range of views is in the data: contested topics hold voices on more than one side."""

from lessonkit import load


def _speakers(topic: str) -> set[str]:
    positions = load("positions")
    actors = load("actors").set_index("actor_id")
    rows = positions[positions["topic_id"] == topic]
    # a person's position counts for the state they represent
    return {actors.loc[a, "represents"] if isinstance(actors.loc[a, "represents"], str) else a
            for a in rows["actor_id"]}


def test_territory_and_nato_membership_are_topics_with_russia_and_ukraine():
    topics = set(load("topics")["topic_id"])
    assert {"territory", "nato-membership"} <= topics
    for topic in ("territory", "nato-membership"):
        assert {"rus", "ukr"} <= _speakers(topic), topic


def test_the_two_sides_of_each_new_topic_disagree():
    positions = load("positions")
    for topic in ("territory", "nato-membership"):
        stances = dict(zip(positions.loc[positions["topic_id"] == topic, "actor_id"],
                           positions.loc[positions["topic_id"] == topic, "stance"]))
        assert stances["rus"] != stances["ukr"], topic


def test_frozen_assets_and_defence_spending_have_an_opposing_or_undecided_voice():
    positions = load("positions")
    for topic in ("frozen-assets", "defence-spending"):
        stances = set(positions.loc[positions["topic_id"] == topic, "stance"])
        assert stances & {"opposes", "undecided"}, topic
        assert "supports" in stances, topic


def test_russia_speaks_on_frozen_assets_and_the_us_positions_of_february_2025_are_recorded():
    positions = load("positions")
    assert ((positions["topic_id"] == "frozen-assets") & (positions["actor_id"] == "rus")).any()
    feb = positions[(positions["actor_id"] == "usa") & (positions["date"].dt.strftime("%Y-%m") == "2025-02")]
    assert {"us-role", "nato-membership", "territory"} <= set(feb["topic_id"])


def test_what_happened_next_reaches_the_as_of_date():
    from lessonkit._data import as_of

    events = load("events")
    later = events[events["date"] > "2025-05-10"]
    assert len(later) >= 3
    assert events["date"].max().date() == as_of()
