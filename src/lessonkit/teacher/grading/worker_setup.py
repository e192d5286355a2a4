"""Imported first by the fork server that the grading workers are forked from.

nbclient imports nbformat, which imports jsonschema, which loads rfc3987-syntax (when it is
installed, as JupyterLab's dependencies install it) for its ``iri`` format checker.
rfc3987-syntax 1.1.0 builds its grammar when imported: about 0.6 s of CPU (jsonschema
issue #1392), before any worker could start. Notebook validation never checks that format,
so the fork server goes without it; nothing else in the grader's process changes.
"""

import sys

if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None: its import fails; jsonschema skips it
