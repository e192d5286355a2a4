"""Classroom safety and balance: the wellbeing note, offensive quotes flagged and explained,
guidance on giving out roles, a reflection outside the role, lateral reading in lesson 6, the
glossary and its links, and exercise prompts that say what to type."""

import re
from pathlib import Path

import pytest

from lessonkit._exercises import exercises, get_exercise
from lessonkit.teacher import markup
from lessonkit.teacher.editions import STUDENT_STEPS, build_editions, lesson_id, make_edition, read_lesson

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
GLOSSARY = NOTEBOOKS / "glossary.md"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.md"))
WELLBEING = "You do not have to share your own story"
LINK = re.compile(r"\]\(glossary\.md(?:#([^)\s]+))?\)")


def _lesson(number: str) -> Path:
    return next(p for p in LESSONS if p.name.startswith(number))


def _student_cells(path: Path) -> list:
    nb = read_lesson(path)
    return make_edition(nb, lesson_id(nb, path), STUDENT_STEPS).cells


def _instructor_text(path: Path) -> str:
    return "\n".join(c.source for c in read_lesson(path).cells
                     if c.cell_type == "markdown" and markup.INSTRUCTOR_TAG in markup.tags(c))


def _first_index(cells, needle: str) -> int:
    return next(i for i, c in enumerate(cells) if needle in c.source)


@pytest.mark.parametrize("number", ["00", "04", "07"])
def test_students_see_the_wellbeing_note(number):
    cells = _student_cells(_lesson(number))
    assert any(WELLBEING in " ".join(c.source.split()) for c in cells if c.cell_type == "markdown")


@pytest.mark.parametrize("number, first_shown", [("04", "widgets.quote_explorer()"),
                                                 ("06", "widgets.claim_stepper()"),
                                                 ("07", "widgets.role_card_explorer()")])
def test_medvedevs_insult_is_explained_to_students_before_they_see_it(number, first_shown):
    cells = _student_cells(_lesson(number))
    note = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and "Medvedev" in c.source
                and "insult" in c.source and "not agreeing with" in c.source.replace("\n", " "))
    assert note < _first_index(cells, first_shown)


@pytest.mark.parametrize("number", ["04", "06", "07"])
def test_the_instructor_notes_flag_medvedevs_insult(number):
    text = _instructor_text(_lesson(number)).replace("\n", " ")
    assert "**Offensive words.**" in text or "**Offensive words:" in text
    assert "Medvedev" in text and "insult" in text


def test_russias_role_card_says_why_medvedevs_words_are_quoted():
    from lessonkit import widgets
    from lessonkit._facts import value

    card = widgets.role_card_html("rus")
    summary = value("positions", "medvedev-security-guarantees-20250302", "summary")
    quoted = card.index("Nazi nobodies")
    assert "Nazi nobodies" in summary
    assert card.index("Why this is quoted") < quoted
    assert "Why this is quoted" not in widgets.role_card_html("gbr")


def test_the_capstone_says_how_to_give_out_roles_and_how_to_leave_them():
    text = _instructor_text(_lesson("07")).replace("\n", " ")
    for phrase in ("Never give out a role by nationality", "volunteers", "pairs", "You may play Russia yourself",
                   "observer or journalist role", "**Stepping out of role.**"):
        assert phrase in text, phrase


def test_the_capstone_ends_with_a_saved_own_view_outside_the_role():
    """The reflection outside the role leads to the own-view task, which is saved for the teacher
    and never scored (a Markdown cell to write in was not saved)."""
    cells = _student_cells(_lesson("07"))
    at = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and "Reflection (outside your role)" in c.source)
    assert "your own country" in cells[at].source
    after = "\n".join(c.source for c in cells[at:] if c.cell_type == "code")
    assert 'check("capstone.own_view", own_view.answer(' in after
    assert type(exercises("capstone")["capstone.own_view"]).__name__ == "Written"
    assert not any("double-click here and write" in c.source for c in cells), "an unsaved answer cell is lost work"


def test_lesson_6_reads_sources_laterally_and_invites_a_challenge():
    nb = read_lesson(_lesson("06"))
    cells = nb.cells
    start = _first_index(cells, "## Read laterally")
    end = _first_index(cells, "## Why it matters")
    section = cells[start:end]
    code = "\n".join(c.source for c in section if c.cell_type == "code")
    prose = "\n".join(c.source for c in section if c.cell_type == "markdown").replace("\n", " ")
    assert 'load("claims")' in "\n".join(c.source for c in cells) and "reliability_label" in code and "cite(" in code
    for phrase in ("read laterally", "Challenge the data", "which rule of the rubric", "find a source"):
        assert phrase.lower() in prose.lower(), phrase
    # the challenge is a written answer: recorded for the teacher with a rubric, never scored
    assert re.findall(r'check\("([a-z_.]+)"', code) == ["news.challenge"]
    challenge = get_exercise("news.challenge")
    assert type(challenge).__name__ == "Written" and challenge.rubric and challenge.self_check


def test_the_worked_example_counts_every_source_a_verdict_rests_on():
    """The lesson 6 count by class covers the main and the other sources of every claim."""
    from lessonkit import load
    from lessonkit._data import RELIABILITY_LABELS, reliability_label

    claims = load("claims")
    ids = [sid.strip() for _, c in claims.iterrows()
           for sid in [c["source_id"], *(c["also_source_ids"].split(";") if isinstance(c["also_source_ids"], str) else [])]
           if sid.strip()]
    assert len(ids) > len(claims), "some claims rest on more than one source"
    labels = {reliability_label(s) for s in ids}
    assert labels <= {f"{m} {v}".strip() for m in ("", *set(load("sources")["controlled_by"].dropna()))
                      for v in RELIABILITY_LABELS.values()} \
        | {f"{v}; faithful copy" for v in RELIABILITY_LABELS.values()}
    assert len(labels) >= 3, "the example shows several kinds of source"


# --- the glossary --------------------------------------------------------------------------

REQUIRED_TERMS = ("Backstop", "Article 5 cover", "Frozen sovereign assets", "ERA loans", "Debt brake",
                  "Mobilisation", "Coalition of the willing", "Export finance", "Ceasefire and truce",
                  "Security guarantee")


def _headings() -> dict[str, str]:
    """Glossary headings by the anchor JupyterLab gives them (spaces become hyphens)."""
    return {h.strip().replace(" ", "-"): h.strip()
            for h in re.findall(r"^## (.+)$", GLOSSARY.read_text(encoding="utf-8"), re.M)}


def test_the_glossary_defines_the_terms_students_met_without_explanation():
    headings = set(_headings().values())
    assert set(REQUIRED_TERMS) <= headings
    text = GLOSSARY.read_text(encoding="utf-8")
    for term in headings:
        body = text.split(f"## {term}\n", 1)[1].split("\n## ", 1)[0]
        assert len(body.split()) >= 15, f"{term}: a definition in a few plain sentences"
    names = re.sub(r"Article 5|G7|Lesson \d", "", text)
    assert not re.findall(r"\d", names), "no figures in the glossary: facts live in the data"


def test_every_glossary_link_resolves_and_every_term_is_linked():
    headings = _headings()
    linked = set()
    for path in LESSONS:
        for anchor in LINK.findall(path.read_text(encoding="utf-8")):
            if anchor:
                assert anchor in headings, f"{path.name}: no glossary entry #{anchor}"
                linked.add(anchor)
    assert linked == set(headings), f"terms no lesson links to: {set(headings) - linked}"


# How each glossary term shows in prose (case-insensitive, except the acronym ERA).
MENTIONS = {"Backstop": r"(?i)\bbackstop", "Article 5 cover": r"Article 5", "Frozen sovereign assets":
            r"(?i)\bsovereign assets|\bfrozen", "ERA loans": r"\bERA\b", "Debt brake": r"(?i)debt brake",
            "Mobilisation": r"(?i)\bmobilis", "Coalition of the willing": r"(?i)coalition of the willing",
            "Export finance": r"(?i)export finance", "Ceasefire and truce": r"(?i)\btruce",
            "Security guarantee": r"(?i)security guarantee", "Sanctions": r"(?i)\bsanction",
            "Loan and grant": r"(?i)\bgrants?\b"}


def test_every_term_has_a_way_to_find_it_in_prose():
    assert set(MENTIONS) == set(_headings().values())


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_a_lesson_links_each_term_before_its_prose_uses_it(path):
    """After the opening block (questions, objectives, prerequisites), a glossary term used in
    the student's prose is linked no later than its first use."""
    cells = [c.source for c in _student_cells(path) if c.cell_type == "markdown"]
    opening = next(i for i, source in enumerate(cells) if "**Prerequisites**" in source)
    body = "\n".join(cells[opening + 1:])
    for anchor, term in _headings().items():
        mention = re.search(MENTIONS[term], body)
        if mention:
            target = body.find(f"](glossary.md#{anchor})")
            link = body.rfind("[", 0, target) if target != -1 else -1
            assert link != -1 and link <= mention.start(), \
                f"{path.name}: '{mention.group(0)}' is used before a link to the glossary's {term}"


def test_the_glossary_is_built_into_both_editions(tmp_path):
    placed = build_editions([_lesson("00")], tmp_path, run_teacher=False)
    for edition in ("student", "teacher"):
        copy = tmp_path / edition / "glossary.md"
        assert copy.read_bytes() == GLOSSARY.read_bytes()
        assert copy in [p.path for p in placed]
    assert not list(tmp_path.rglob("*.tmp"))


# --- prompts that say what to type ---------------------------------------------------------

ANSWER_FORM = re.compile(r"`|letter|Give |Answer with|dictionary|list of|as text|number")


def _prompts(path):
    """Each exercise's label and prompt (the body of its block), as the student reads it."""
    from lessonkit._keys import parse_lesson

    return {spec.label: spec.body for spec in parse_lesson(path)}


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_exercise_prompt_says_what_to_type(path):
    prompts = _prompts(path)
    assert prompts, f"{path.name} has no exercise blocks"
    for label, prompt in prompts.items():
        assert ANSWER_FORM.search(prompt), f"{path.name} {label}: the prompt does not say what to type"


# --- where the learning record is kept -----------------------------------------------------


def test_the_record_question_is_true_on_a_laptop_and_on_a_jupyterhub():
    record = get_exercise("start.record")
    text = re.sub(r"\s+", " ", _lesson("00").read_text(encoding="utf-8").replace("`", ""))
    assert "school server" not in record.options["a"], "on a JupyterHub the record is on the school's server"
    assert "computer that runs the notebook" in record.options["b"]
    assert "JupyterHub" in record.explanations["a"] and "JupyterHub" in text.split("## Where your work is saved")[1]
