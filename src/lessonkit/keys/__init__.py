"""Answer keys: one module per lesson, each with a list EXERCISES.

Constant answers are stored as salted hashes (``lessonkit hash ID ANSWER``); answers that
come from the data are computed from it when checked. A teacher's own keys can live in
other folders named in the LESSONKIT_KEYS environment variable (separated like PATH).
"""

import os

__path__ += [p for p in os.environ.get("LESSONKIT_KEYS", "").split(os.pathsep) if p]  # noqa: F821
