"""The {exercise} blocks are found as MyST's parser finds them: backtick, tilde and colon
fences, a longer outer fence around an inner code fence, and errors that name the line."""

from __future__ import annotations

import pytest

from lessonkit._directives import directives
from lessonkit._keys import ExerciseFormatError, parse_text
from lessonkit.teacher.exercise_blocks import render_cell

OPTIONS = "---\nlabel: demo.a\nkind: numeric\nlevel: recall\nanswer: 2025\n---"


def labels(text: str) -> list[str]:
    return [s.label for s in parse_text(text, lesson="demo", source="demo.md")]


@pytest.mark.parametrize("open_, close", [("```", "```"), ("~~~~", "~~~~"), (":::", ":::"), ("::::", "::::"),
                                          ("```", "`````")])  # a closing fence may be longer
def test_backtick_tilde_and_colon_fences_all_hold_an_exercise(open_, close):
    text = f"# Lesson\n\nSome text.\n\n{open_}{{exercise}}\n{OPTIONS}\nIn which year?\n{close}\n\nAfter.\n"
    [spec] = parse_text(text, lesson="demo", source="demo.md")
    assert (spec.label, spec.title, spec.line) == ("demo.a", "In which year?", 5)
    assert spec.body == "In which year?"


def test_a_longer_outer_fence_holds_an_inner_code_fence_in_the_prompt():
    for outer in ("````", "::::"):
        text = f"{outer}{{exercise}}\n{OPTIONS}\nWhat does this print?\n\n```python\nprint(2025)\n```\n\nAnswer it.\n{outer}\n"
        [spec] = parse_text(text, lesson="demo")
        assert spec.body == "What does this print?\n\n```python\nprint(2025)\n```\n\nAnswer it."
        [block] = directives(text, "exercise")
        assert (block.start, block.end, block.closed) == (0, 15, True)


def test_a_same_length_inner_fence_closes_the_block_as_commonmark_says():
    """With ``` outside and ``` inside, the first bare ``` closes the block (MyST asks for a
    longer outer fence): the prompt ends there and the rest is ordinary text."""
    text = f"```{{exercise}}\n{OPTIONS}\nPrompt.\n```python\nx = 1\n```\nafter\n```\n"
    [block, *rest] = directives(text, "exercise")
    assert block.content[-2:] == ["```python", "x = 1"] and block.end == 11 and rest == []


def test_a_block_shown_inside_a_code_fence_is_text_not_an_exercise():
    shown = f"`````markdown\n```{{exercise}}\n{OPTIONS}\nAn example for authors.\n```\n`````\n"
    assert labels(shown) == []
    in_code_cell = "```{code-cell} ipython3\n:::{exercise}\nx = 1\n:::\n```\n"
    assert labels(in_code_cell) == []


def test_an_exercise_inside_another_directive_is_found_with_its_own_line():
    text = f"intro\n\n:::::{{note}}\nRead first.\n\n::::{{exercise}}\n{OPTIONS}\nIn which year?\n::::\n:::::\n"
    [spec] = parse_text(text, lesson="demo")
    assert spec.label == "demo.a" and spec.line == 6


def test_front_matter_is_not_mistaken_for_text_or_a_block():
    front = "---\njupytext:\n  text_representation: {}\nlessonkit:\n  lesson: demo\n---\n"
    text = f"{front}\n:::{{exercise}}\n{OPTIONS}\nQ?\n:::\n"
    [spec] = parse_text(text, lesson="demo")
    assert spec.line == 8


@pytest.mark.parametrize("fence", ["```", ":::", "````"])
def test_an_error_names_the_line_of_the_block_in_any_fence(fence):
    text = f"# Lesson\n\n\n{fence}{{exercise}}\n---\nlabel: demo.a\nkind: numbr\nlevel: recall\nanswer: 1\n---\nQ?\n{fence}\n"
    with pytest.raises(ExerciseFormatError) as err:
        parse_text(text, lesson="demo", source="03-demo.md")
    assert str(err.value).startswith("03-demo.md, line 4, exercise demo.a: kind must be one of")
    bad_yaml = text.replace("answer: 1", "answer: [1, 2")
    with pytest.raises(ExerciseFormatError, match=r"^03-demo\.md, line 9: the options are not valid YAML"):
        parse_text(bad_yaml, lesson="demo", source="03-demo.md")


@pytest.mark.parametrize("fence", ["```", ":::"])
def test_an_unclosed_block_names_its_line_and_fence(fence):
    text = f"intro\n\n{fence}{{exercise}}\n{OPTIONS}\nNo end.\n"
    with pytest.raises(ExerciseFormatError, match=rf"^demo\.md, line 3: the {{exercise}} block is never closed with {fence}$"):
        parse_text(text, lesson="demo", source="demo.md")


def test_an_edition_replaces_a_colon_fenced_block_and_keeps_the_text_around_it():
    import nbformat

    block = f"::::{{exercise}}\n{OPTIONS}\nIn which year?\n\n```\nhint\n```\n::::"
    block = f"::::{{exercise}}\n{OPTIONS}\nIn which year?\n\n```\nhint\n```\n::::"
    cell = nbformat.v4.new_markdown_cell(f"Before.\n\n{block}\nAfter.")
    specs = {s.label: s for s in parse_text(cell.source, lesson="demo")}
    render_cell(cell, specs, teacher=False)
    assert cell.source.startswith("Before.\n") and cell.source.endswith("\nAfter.")
    assert "{exercise}" not in cell.source and "::::" not in cell.source and "In which year?" in cell.source
    assert cell.metadata["lessonkit"]["exercise"] == "demo.a"
