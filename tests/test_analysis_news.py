"""Lesson 6: the claims table drives the verdict exercises."""

from lessonkit import analysis, check, load


def test_verdict_counts_add_up_to_the_claims():
    assert analysis.verdict_counts().sum() == len(load("claims"))


def test_the_verdict_exercise_follows_the_data(monkeypatch):
    from lessonkit.keys import news

    assert news._verdict_label() == "c"  # c34 is marked misleading in the data
    monkeypatch.setattr(news, "VERDICT_CLAIM", "c32")  # an inaccurate claim
    assert news._verdict_label() == "b"


def test_the_wrong_count_includes_both_verdicts():
    from lessonkit.keys import news

    claims = load("claims")
    assert news._wrong_count() == len(analysis.claims("inaccurate")) + len(analysis.claims("misleading"))
    assert news._wrong_count() < len(claims)


def test_medvedev_office_accepts_common_wordings():
    for answer in ("Deputy chairman of Russia's Security Council", "deputy head of the security council"):
        assert check("news.medvedev", answer).status == "correct"
    assert check("news.medvedev", "former president").status == "incorrect"


def test_lesson_6_lists_as_errors_only_wrong_claims_without_a_recorded_doubt():
    """The errors shown in Lesson 6 are inaccurate or misleading, and no explanation says another reading holds."""
    import re
    from pathlib import Path

    lesson = Path(__file__).parents[1] / "notebooks" / "06-reading-the-news-critically.md"
    listed = re.search(r'errors = claims\[claims\["claim_id"\]\.isin\(\[([^\]]*)\]\)\]', lesson.read_text(encoding="utf-8"))
    ids = re.findall(r'"(c\d+)"', listed.group(1))
    claims = load("claims").set_index("claim_id").loc[ids]
    assert set(claims["verdict"]) <= {"inaccurate", "misleading"}
    doubtful = claims[claims["explanation"].str.contains("could|another reading|would be accurate", regex=True)]
    assert doubtful.empty, list(doubtful.index)


def test_claims_quote_the_seed_in_the_order_of_the_article():
    from pathlib import Path

    seed = (Path(__file__).parents[1] / "seeds" / "000_cc7a9aa5aad3444a.txt").read_text(encoding="utf-8")
    places = [seed.find(excerpt) for excerpt in load("claims")["seed_excerpt"]]
    assert -1 not in places, "every excerpt is a verbatim part of the seed"
    assert places == sorted(places), "rows follow the order of the article"
