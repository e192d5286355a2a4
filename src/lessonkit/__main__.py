"""``python -m lessonkit``: the ``lessonkit`` command, for systems where scripts are not on PATH."""

import sys

from lessonkit.teacher.cli import main

if __name__ == "__main__":
    sys.exit(main())
