"""Code that one lesson alone uses: one module per lesson, named by its key in ``notebooks/lessons.toml``."""
