"""The capstone memo's evidence check: every claim cites a row of the right kind."""

import re
from pathlib import Path

import pytest

from lessonkit import check, load
from lessonkit.lessons.capstone import check_memo, citations, memo_checker, resolve, sentences

LESSON = Path(__file__).parents[1] / "notebooks" / "07-capstone-in-their-shoes.md"

GOOD = """From: the United Kingdom. To: the other delegations.

Our position. The UK supports a coalition of the willing to guarantee Ukraine's security
[gbr-security-guarantees-20250302]. At the White House the Prime Minister said the UK was ready to
put troops into Ukraine to support a deal [gbr-european-troops-20250227].

What we offer. We offer export finance for air defence missiles made in Belfast [uk-lmm-ef-pm-remarks].
The UK loan signed in March had been announced in October 2024 [uk-era-loan-announced-2024]."""


def lacking(text: str) -> dict[int, list[str]]:
    return {s.number: list(s.problems) for s in check_memo(text).lacking}


def test_a_good_memo_passes_and_says_so():
    result = check_memo(GOOD)
    assert result.ok, str(result)
    assert len(result.claims) == 4
    assert str(result).startswith("4 sentences checked: each cites a row of the right kind, names that row's actor")


def test_the_lessons_model_memo_passes():
    text = LESSON.read_text(encoding="utf-8")
    memo = re.search(r'# BEGIN SOLUTION\nmemo = """(.*?)"""', text, re.S).group(1)
    assert check_memo(memo).ok, str(check_memo(memo))
    assert check("capstone.memo", memo).status == "recorded"


def test_a_claim_without_a_citation_is_named_by_its_sentence():
    memo = GOOD + "\nRussia opposes any European troops in Ukraine."
    result = check_memo(memo)
    assert not result.ok
    [bad] = result.lacking
    assert bad.text == "Russia opposes any European troops in Ukraine."
    assert "a stance" in bad.problems[0] and "cites no row" in bad.problems[0]
    assert "positions row" in bad.problems[0]
    assert f"Sentence {bad.number}: Russia opposes" in str(result)
    assert str(result).startswith("1 of 5 sentences that make a claim lack evidence")


def test_money_backed_by_a_position_row_is_the_wrong_kind():
    problems = lacking("The UK offered export finance worth £1.6 billion [gbr-security-guarantees-20250302].")
    assert list(problems) == [1]
    [message] = problems[1]
    assert "needs a pledges row" in message
    assert "[gbr-security-guarantees-20250302] is a positions row" in message


def test_a_stance_backed_by_a_pledge_row_is_the_wrong_kind():
    problems = lacking("Italy opposes sending troops [uk-lmm-ef-pm-remarks].")
    assert "needs a positions row" in problems[1][0] and "is a pledges row" in problems[1][0]


def test_a_date_accepts_any_row_that_carries_a_date_but_not_an_actor_row():
    assert check_memo("Leaders met in London in March 2025 [london-summit].").ok
    assert check_memo("The UK loan was signed in March 2025 [uk-era-loan-ht-gbp].").ok
    problems = lacking("Leaders met in London in March 2025 [gbr].")
    assert "needs a events, positions, pledges or exchange rates row" in problems[1][0]


def test_a_number_needs_a_row_and_a_list_number_does_not():
    problems = lacking("The deal covers more than 5,000 air defence missiles.")
    assert "a number but cites no row" in problems[1][0]
    assert check_memo("The UK deal covers more than 5,000 air defence missiles [uk-lmm-ef-pm-remarks].").ok
    assert check_memo("1. We ask partners to act together.\n2. We ask them to reply.").lacking == ()


def test_an_unknown_id_is_reported_with_the_closest_real_id():
    problems = lacking("The UK hosted the summit in March 2025 [london-sumit].")
    assert problems[1][0] == "[london-sumit] is not a row id in the data; did you mean [london-summit]?"


def test_a_source_id_is_not_a_row():
    source = load("positions").set_index("position_id").loc["gbr-european-troops-20250227", "source_id"]
    problems = lacking(f"The UK was ready to send troops [{source}].")
    assert problems[1][0].startswith(f"[{source}] is a source, not a row of the data")


def test_a_citation_after_the_full_stop_belongs_to_its_sentence():
    assert sentences("We support it. [a] Mr. Smith said no.") == ["We support it [a].", "Mr. Smith said no."]
    assert check_memo("The UK supports a coalition. [gbr-security-guarantees-20250302] Next, we ask for help.").ok


def test_questions_and_sentences_without_claims_need_no_citation():
    result = check_memo("What do we want? We ask our partners to act together.")
    assert not result.lacking and not result.ok  # nothing to check is not a pass
    assert "No sentence makes a claim" in str(result)


def test_ids_inside_a_citation_do_not_count_as_claim_words():
    # "loan" inside the id must not make the sentence a money claim needing a pledge row
    assert check_memo("Zelenskyy visited Downing Street [zelenskyy-downing-street-loan].").ok


def test_several_ids_in_one_bracket_are_each_resolved():
    found = citations("The UK pledged export finance [uk-lmm-ef-pm-remarks; london-summit, gbr].")
    assert [(c.id, c.table) for c in found] == [("uk-lmm-ef-pm-remarks", "pledges"), ("london-summit", "events"),
                                                 ("gbr", "actors")]
    assert "1,600,000,000 GBP" in found[0].summary and "Export finance" in found[0].summary


def test_a_markdown_link_is_not_a_citation():
    assert citations("See the [glossary](glossary.md).") == []


def test_resolve_summarises_each_kind_of_row():
    assert resolve("gbr-european-troops-20250227").summary.startswith("United Kingdom supports on European troops")
    assert resolve("london-summit").summary.startswith("2 March 2025: ")
    assert resolve("GBR").table == "actors"  # ids are matched without regard to case


@pytest.mark.parametrize("answer, says", [(..., "Not attempted yet"), ("   ", "Not attempted yet"),
                                          (42, "A memo is text"), (None, "Not attempted yet")])
def test_bad_input_gets_a_message_not_a_traceback(answer, says):
    result = check_memo(answer)
    assert not result.ok and str(result).startswith(says)


def test_the_html_is_escaped_and_names_the_sentence():
    html = check_memo("<b>Russia</b> opposes troops for $5 billion.")._repr_html_()
    assert "&lt;b&gt;Russia&lt;/b&gt;" in html and "<b>Russia" not in html
    assert "&#36;5" in html and "Sentence 1:" in html


def test_the_widget_checks_and_records_the_memo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    memo = GOOD + "\nRussia opposes troops."
    [bad] = check_memo(memo).lacking
    box = memo_checker(memo)
    area, button, out = box.children[1], box.children[2], box.children[3]
    button.click()
    assert f"Sentence {bad.number}:</strong> <q>Russia opposes troops.</q>" in out.value
    assert "capstone.memo" in out.value  # the saved-for-your-teacher feedback
    record = (tmp_path / "lessonkit-record-capstone.json").read_text(encoding="utf-8")
    assert "Russia opposes troops." in record
    area.value = "  "
    button.click()
    assert out.value == "<p>Write your memo in the box above, then press the button.</p>"


def test_the_evidence_exercise_agrees_with_the_checker():
    """capstone.evidence asks which sentence cites the wrong kind of row: the checker finds that one only."""
    from lessonkit._exercises import get_exercise

    exercise = get_exercise("capstone.evidence")
    failing = [letter for letter, sentence in exercise.options.items() if not check_memo(sentence).ok]
    assert failing == [exercise.expected()]


def test_the_check_says_what_it_checked_and_catches_a_wrong_number_a_gift_and_a_loaded_word():
    """The issue's two memos: a false figure and a gift with the right kind of row cited, and an
    insult with no citation at all; neither passes, and each problem points at its sentence."""
    gift = check_memo("The UK gave Ukraine £100 billion as a gift [uk-lmm-ef-pm-remarks].")
    assert not gift.ok and "Checked: each cites a row of the right kind, names that row's actor" in gift.headline()
    problems = " ".join(gift.lacking[0].problems)
    assert "the number 100 is not one that [uk-lmm-ef-pm-remarks] gives" in problems
    assert "calls the money a gift" in problems and "export finance" in problems
    insult = check_memo("Medvedev is obviously right about the Nazi nobodies.")
    assert not insult.ok and insult.lacking[0].number == 1
    assert all(f"'{w}'" in insult.lacking[0].problems[0] for w in ("obviously", "nazi", "nobodies"))
    quoted = check_memo('Medvedev wrote that London had sworn loyalty to the "Nazi nobodies" in Kyiv '
                        '[medvedev-security-guarantees-20250302].')
    assert quoted.ok, str(quoted)  # his words, in quotation marks and attributed, are reported, not used
    nameless = check_memo("Someone said European troops would be unacceptable [rus-european-troops-20250306].")
    assert "does not name them" in " ".join(nameless.lacking[0].problems) and "Russia" in str(nameless)
    fine = check_memo("The UK announced £1.6 billion of export finance for Ukraine [uk-lmm-ef-pm-remarks].")
    assert fine.ok and fine.headline().startswith("1 sentence checked: each cites a row of the right kind")
