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
