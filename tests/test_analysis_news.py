"""Lesson 6: the claims table drives the verdict exercises."""

from lessonkit import analysis, check, load
from lessonkit._facts import row
from lessonkit.lessons import news


def test_verdict_counts_add_up_to_the_claims():
    assert news.verdict_counts().sum() == len(load("claims"))


def test_the_verdict_exercise_follows_the_data(monkeypatch):
    from lessonkit.lessons import news

    assert news.verdict_letter() == "c"  # c34 is marked misleading in the data
    assert check("news.verdict", "c").status == "correct"
    monkeypatch.setattr(news, "VERDICT_CLAIM", "c32")  # an inaccurate claim
    assert news.verdict_letter() == "b"
    assert check("news.verdict", "b").status == "correct"
    assert check("news.verdict", "c").status == "incorrect"


def test_the_wrong_count_includes_both_verdicts():
    from lessonkit.lessons import news

    claims = load("claims")
    assert news.wrong_count() == len(analysis.claims("inaccurate")) + len(analysis.claims("misleading"))
    assert news.wrong_count() < len(claims)
    only_misleading = check("news.share", round(news.misleading_percent()))
    assert only_misleading.status == "incorrect" and "add the inaccurate" in str(only_misleading)
    assert check("news.share", round(news.wrong_percent())).passed  # the share to the nearest per cent


def test_the_guess_is_compared_with_the_share_of_wrong_claims(capsys):
    from lessonkit.lessons import news

    share = news.wrong_count() / len(load("claims"))
    letter = news.wrong_share_letter()
    assert share < news.GUESS_SHARES[letter]
    assert all(share >= most for most in list(news.GUESS_SHARES.values())[:list(news.GUESS_SHARES).index(letter)])
    news.compare_guess(letter)
    assert "Your guess matches" in capsys.readouterr().out
    news.compare_guess(None)
    assert "You made no guess" in capsys.readouterr().out


def test_the_opinion_options_print_the_excerpts_they_name(capsys):
    from lessonkit.lessons import news

    news.show_options("news.opinion")
    lines = capsys.readouterr().out.splitlines()
    excerpts = load("claims").set_index("claim_id")["seed_excerpt"]
    assert lines[0] == f"(a) {excerpts['c17']}" and len(lines) == 5


def test_the_titles_exercise_rests_on_its_correction_row():
    """news.titles says the report's text repeats a former title and its caption gives the office
    he held; that holds only while correction k001 says so."""
    k = row("corrections", "k001")
    assert (k["table"], k["row_id"], k["field"]) == ("actors", "kosachev", "role")
    assert "photo caption" in k["reason"] and "former committee title" in k["reason"]
    assert k["new"].startswith("Deputy Chairman of the Federation Council") and "since 2020" in k["reason"]
    assert row("actors", "kosachev")["role"] == k["new"]
    src = row("sources", k["source_id"])
    assert "Straits Times" in src["publisher"] and "Reuters" in src["publisher"]


def test_lesson_6_lists_as_errors_only_wrong_claims_without_a_recorded_doubt():
    """The errors shown in Lesson 6 are inaccurate or misleading, and no explanation says another reading holds."""
    import re
    from pathlib import Path

    lesson = Path(__file__).parents[1] / "notebooks" / "06-reading-the-news-critically.md"
    text = lesson.read_text(encoding="utf-8")
    listed = re.search(r'errors = claims\[claims\["claim_id"\]\.isin\(\[([^\]]*)\]\)\]', text)
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
