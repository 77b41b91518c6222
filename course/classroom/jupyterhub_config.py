# The hub started by `python -m course classroom serve` reads its options from the environment.
from course.classroom.hubconfig import configure, settings_from_env

configure(c, settings_from_env())  # noqa: F821 (c is JupyterHub's config object)
