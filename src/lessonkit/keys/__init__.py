"""Answer keys: one module per lesson, each with a list EXERCISES.

Constant answers are stored as salted hashes (see ``lessonkit.teacher`` ``hash``); answers
that come from the data are computed from it when checked.
"""
