"""``lessonkit grade``: grade learning records and notebooks into a gradebook.

One module per idea, in the order a run uses them:

- :mod:`.submissions` finds the files, :mod:`.reading` reads them safely;
- :mod:`.key` is the grader's only door to the answer keys (and their version);
- :mod:`.cache` keeps each result under the hash of the file and of the settings;
- :mod:`.kernel` runs a notebook in a fresh sandboxed kernel (:mod:`lessonkit.teacher.sandbox`),
  with the next kernel already started; :mod:`.pool` runs a few at a time;
- :mod:`.cells` and :mod:`.attribution` decide which recorded answers count,
  :mod:`.scoring` scores them with the key, :mod:`.grade` grades one file into a
  :class:`~.result.Result`;
- :mod:`.identity` names the students, :mod:`.copies` spots identical submissions,
  :mod:`.gradebook` and :mod:`.report` write the outputs (each atomically), :mod:`.sanitize`
  makes what a submission wrote safe to show;
- :mod:`.run` is the command itself.
"""

from .run import main

__all__ = ["main"]
