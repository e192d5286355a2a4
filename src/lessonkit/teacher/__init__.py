"""Teacher tools: building editions, hashing answer keys, grading submissions.

Not imported by ``import lessonkit``; the ``lessonkit`` command is ``teacher.cli``.
"""
