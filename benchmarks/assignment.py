"""The grading benchmark's 5-question assignment and its 30 answer sets (shared by the
nbgrader and lessonkit versions in bench_grading.py)."""

SETUP = "import pandas as pd\nimport numpy as np"

QUESTIONS = {  # name: (prompt, reference solution, nbgrader test statements)
    "q1": ("Write `square(x)` returning x squared.",
           "def square(x):\n    return x * x",
           ["assert square(3) == 9", "assert square(-2) == 4"]),
    "q2": ("Write `evens(xs)` returning the even items of xs, in order.",
           "def evens(xs):\n    return [x for x in xs if x % 2 == 0]",
           ["assert evens([1, 2, 3, 4]) == [2, 4]", "assert evens([]) == []"]),
    "q3": ("Write `col_mean(df, col)` returning the mean of column col.",
           "def col_mean(df, col):\n    return df[col].mean()",
           ["assert col_mean(pd.DataFrame({'a': [1, 2, 3, 4]}), 'a') == 2.5"]),
    "q4": ("Write `top_n(df, col, n)` returning the n rows with the largest col.",
           "def top_n(df, col, n):\n    return df.nlargest(n, col)",
           ["d = pd.DataFrame({'v': [5, 1, 9, 3]})\nassert list(top_n(d, 'v', 2)['v']) == [9, 5]"]),
    "q5": ("Write `word_count(s)` returning the number of words in s.",
           "def word_count(s):\n    return len(s.split())",
           ["assert word_count('the quick  brown fox') == 4", "assert word_count('') == 0"]),
}
# The lessonkit version checks the values the same calls return.
TEST_CALLS = {
    "q1": "[square(3), square(-2)]",
    "q2": "[evens([1, 2, 3, 4]), evens([])]",
    "q3": "col_mean(pd.DataFrame({'a': [1, 2, 3, 4]}), 'a')",
    "q4": "list(top_n(pd.DataFrame({'v': [5, 1, 9, 3]}), 'v', 2)['v'])",
    "q5": "[word_count('the quick  brown fox'), word_count('')]",
}
WRONG = {
    "q1": "def square(x):\n    return x + x",
    "q2": "def evens(xs):\n    return [x for x in xs if x % 2]",
    "q3": "def col_mean(df, col):\n    return df[col].median() + 1",
    "q4": "def top_n(df, col, n):\n    return df.nsmallest(n, col)",
    "q5": "def word_count(s):\n    return len(s.split(' '))",
}
BLANK = "# YOUR CODE HERE\nraise NotImplementedError()"
LOOP = "while True:\n    pass"
RAISE = "def col_mean(df, col):\n    return df[col].mean()\nraise ValueError('student bug')"
SYNTAX = "def top_n(df, col, n)\n    return df.nlargest(n, col)"
NAMES = list(QUESTIONS)
WRONG_SETS = [{"q1"}, {"q2"}, {"q3"}, {"q4"}, {"q5"},
              {"q1", "q2"}, {"q2", "q4"}, {"q3", "q5"}, {"q1", "q4"}, {"q2", "q3"},
              {"q1", "q3", "q5"}, {"q2", "q4", "q5"}, {"q1", "q2", "q3"}, {"q4"}, {"q1", "q5"}]


def submission_answers(i: int) -> dict[str, str]:
    """The answer cells of student i (1..30)."""
    right = {q: QUESTIONS[q][1] for q in NAMES}
    if i <= 10:
        return right
    if i <= 25:
        wrong = WRONG_SETS[i - 11]
        return {q: (WRONG[q] if q in wrong else right[q]) for q in NAMES}
    return {26: {**right, "q2": LOOP}, 27: {**right, "q3": RAISE}, 28: {**right, "q4": SYNTAX},
            29: {q: BLANK for q in NAMES}, 30: {**right, "q3": BLANK, "q4": BLANK, "q5": BLANK}}[i]


def expected_score(i: int) -> int:
    """Points a correct grader gives student i (the loop's question scores 0, the rest count)."""
    answers = submission_answers(i)
    return sum(answers[q] == QUESTIONS[q][1] or answers[q] == RAISE for q in NAMES)
