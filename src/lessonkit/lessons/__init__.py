"""Code that only one lesson uses, one module per lesson (named by its key in lessons.toml):
the functions its exercise blocks name in ``answer_from:`` and its own tables and figures."""
