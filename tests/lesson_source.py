"""The front matter of a lesson's MyST source, for tests that write a small lesson of their own."""


def front_matter(lesson: str, minutes: int = 5) -> str:
    """The jupytext header every lesson starts with, for the lesson key and its time.

    >>> front_matter("demo").splitlines()[-3:]
    ['  lesson: demo', '  minutes: 5', '---']
    """
    return ("---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
            "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n"
            f"lessonkit:\n  lesson: {lesson}\n  minutes: {minutes}\n---\n")
