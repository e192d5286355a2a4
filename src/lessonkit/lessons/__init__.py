"""Code that belongs to one lesson: the answers its exercises compute, its own widgets and checks."""
