"""The hub's own pages (home, spawn pending, token …) name the trainee by display name, never by
the internal account (``t`` + 12 hex): JupyterHub calls a callable in ``template_vars`` with the
user each page is rendered for (JupyterHub ≥ 5), and our ``templates/page.html`` shows it."""
from __future__ import annotations

from course.classroom.names import TRAINER
from course.core.i18n import t


class DisplayName:
    """``template_vars["display_name"]``: the display name of the page's user, from the store."""

    def __init__(self, state: str):
        self.state = str(state)
        self._store = None

    def __call__(self, user) -> str:
        name = getattr(user, "name", None)
        if not name:
            return ""
        if name == TRAINER:
            return t("classroom.page_trainer")
        if self._store is None:
            from course.classroom.store import Store

            self._store = Store(self.state)
        return self._store.display_name(name) or name


def page_vars(state: str) -> dict:
    """What the classroom's page.html adds to every hub page."""
    keys = ("logout", "login", "signed_in_as")
    return {"display_name": DisplayName(state), "page_ui": {k: t(f"classroom.page_{k}") for k in keys}}
