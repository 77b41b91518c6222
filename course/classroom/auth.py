"""Login: display name + class code + a personal PIN chosen at the first login; the trainer logs in
as ``trainer`` with the trainer password and is a hub admin.

Why not SharedPasswordAuthenticator or jupyterhub-firstuseauthenticator: the first lets anyone
with the class code in as any trainee; the second keeps its passwords in a dbm file that only the
hub process may write, while the trainer resets PINs from the classroom service (another process).
So the PINs live in the classroom's SQLite store, salted and hashed (PBKDF2), beside the names.
"""
from __future__ import annotations

import asyncio
import os

from jupyterhub.auth import Authenticator
from tornado import web
from traitlets import Float, Unicode

from course.classroom.memory import too_little_memory
from course.classroom.names import TRAINER, account_name, check_pin_format, clean_display_name, same_secret
from course.classroom.store import Store
from course.core.i18n import CourseError, t


class ClassroomAuthenticator(Authenticator):
    class_code = Unicode(config=True, help="the class code trainees type in the password field")
    trainer_password = Unicode(config=True, help="the trainer's password (user name: trainer)")
    state_dir = Unicode(config=True, help="the classroom state folder")
    reserve_mb = Float(300.0, config=True, help="refuse a new trainee below this much free memory")

    _store = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.state_dir)
        return self._store

    def refuse(self, key: str, **fields) -> None:
        raise web.HTTPError(403, t(key, **fields))

    async def authenticate(self, handler, data):
        name = (data.get("username") or "").strip()
        code = data.get("password") or ""
        if name.casefold() == TRAINER:
            if not same_secret(code, self.trainer_password):
                self.refuse("classroom.trainer_wrong")
            return {"name": TRAINER, "admin": True}
        if not same_secret(code.strip(), self.class_code):
            self.refuse("classroom.code_wrong")
        try:
            display = clean_display_name(name)
            pin = check_pin_format(data.get("pin") or "")
            account = account_name(display)
            user = handler.find_user(account) if handler is not None else None
            if not (user and user.running):
                free = too_little_memory(float(os.environ.get("COURSE_CLASSROOM_RESERVE_MB", self.reserve_mb)))
                if free is not None:
                    raise web.HTTPError(503, t("classroom.no_memory", free=f"{free:.0f}"))
            # PBKDF2 in a worker thread: thirty logins at once must not stall the hub's event loop
            await asyncio.to_thread(self.store.login, account, display, pin)
        except CourseError as error:
            raise web.HTTPError(403, str(error)) from None
        return {"name": account, "admin": False}

    def get_custom_html(self, base_url):
        return ""
