"""The classroom's state in one SQLite file under ``--state``: trainees and their PINs (written by
the hub's authenticator), events and submissions (written by the service). WAL mode lets both
processes use it at once; every write is a committed transaction, so a restart loses nothing."""
from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from pathlib import Path

from course.classroom.names import hash_pin, pin_matches
from course.core.i18n import CourseError

SCHEMA = """
CREATE TABLE IF NOT EXISTS trainees (account TEXT PRIMARY KEY, display TEXT NOT NULL,
    pin_hash TEXT, variant INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, account TEXT NOT NULL, exercise TEXT NOT NULL,
    question TEXT NOT NULL, verdict TEXT NOT NULL, hint_level INTEGER NOT NULL, sent REAL NOT NULL,
    received REAL NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_exercise ON events (exercise, account, question);
CREATE TABLE IF NOT EXISTS submissions (id INTEGER PRIMARY KEY, account TEXT NOT NULL,
    exercise TEXT NOT NULL, received REAL NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
    file TEXT NOT NULL, current INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS submissions_current ON submissions (exercise, current);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def private_dir(state: Path) -> Path:
    return Path(state) / "private"


class Store:
    def __init__(self, state: Path):
        self.state = Path(state)
        self.folder = private_dir(self.state)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o700)
        self.db = sqlite3.connect(self.folder / "classroom.sqlite", timeout=30, isolation_level=None,
                                  check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        # one connection shared by the hub's threads (logins run off its event loop): one at a time
        self.lock = threading.RLock()

    # ---- trainees and PINs (the hub's authenticator) ----
    def login(self, account: str, display: str, pin: str) -> bool:
        """True on a first login (the PIN is set now); raises CourseError on a wrong PIN.

        The hub calls this in a worker thread (PBKDF2 costs ~30 ms of CPU, which the hub's event loop
        must not wait on), so the hashing happens outside the write lock and transaction: logins of
        different trainees hash at the same time, and only the short write is serialised."""
        row = self._pin_row(account)
        if row is not None and row[0] is not None:  # a returning trainee: checking writes nothing
            return self._checked(pin, row[0], display)
        fresh = hash_pin(pin)
        with self.lock, self.db:
            self.db.execute("BEGIN IMMEDIATE")
            row = self.db.execute("SELECT pin_hash FROM trainees WHERE account=?", (account,)).fetchone()
            if row is None:
                self.db.execute("INSERT INTO trainees VALUES (?,?,?,?,?)",
                                (account, display, fresh, 0, time.time()))
                return True
            if row[0] is None:  # the trainer reset it: this login sets a new one
                self.db.execute("UPDATE trainees SET pin_hash=? WHERE account=?", (fresh, account))
                return True
        return self._checked(pin, row[0], display)  # the same name logged in first meanwhile

    def _pin_row(self, account: str):
        with self.lock:
            return self.db.execute("SELECT pin_hash FROM trainees WHERE account=?", (account,)).fetchone()

    @staticmethod
    def _checked(pin: str, stored: str, display: str) -> bool:
        if not pin_matches(pin, stored):
            raise CourseError("classroom.pin_wrong", name=display)
        return False

    def reset_pin(self, account: str) -> bool:
        return self.db.execute("UPDATE trainees SET pin_hash=NULL WHERE account=?", (account,)).rowcount > 0

    def trainees(self) -> list[dict]:
        rows = self.db.execute("SELECT account, display, variant, pin_hash IS NOT NULL FROM trainees "
                               "ORDER BY created").fetchall()
        return [{"account": a, "name": d, "variant": v, "has_pin": bool(p)} for a, d, v, p in rows]

    def display_name(self, account: str) -> str | None:
        row = self.db.execute("SELECT display FROM trainees WHERE account=?", (account,)).fetchone()
        return row[0] if row else None

    def set_variant(self, account: str, variant: int) -> None:
        self.db.execute("UPDATE trainees SET variant=? WHERE account=?", (variant, account))

    # ---- the class's settings (mode, variant count: written by serve) ----
    def setting(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO settings VALUES (?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                        (key, value))

    # ---- events (from check() in a trainee's kernel) ----
    def add_event(self, account: str, event: dict) -> None:
        self.db.execute("INSERT INTO events (account, exercise, question, verdict, hint_level, sent, received)"
                        " VALUES (?,?,?,?,?,?,?)", (account, event["exercise"], event["question"],
                                                    event["verdict"], event["hint_level"], event["time"],
                                                    time.time()))

    def events(self, exercise: str) -> list[tuple]:
        return self.db.execute("SELECT account, question, verdict, received FROM events WHERE exercise=? "
                               "ORDER BY id", (exercise,)).fetchall()

    def exercises_seen(self) -> list[str]:
        rows = self.db.execute("SELECT DISTINCT exercise FROM events UNION SELECT DISTINCT exercise FROM "
                               "submissions").fetchall()
        return sorted(r[0] for r in rows)

    # ---- submissions (「交作业」) ----
    def add_submission(self, account: str, exercise: str, data: bytes) -> dict:
        """Keep the file (history), make it the current one; return what the trainee is told."""
        now = time.time()
        digest = hashlib.sha256(data).hexdigest()
        folder = self.folder / "submissions" / exercise / account
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{time.strftime('%Y%m%d-%H%M%S', time.localtime(now))}-{digest[:8]}.ipynb"
        path.write_bytes(data)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("UPDATE submissions SET current=0 WHERE account=? AND exercise=?", (account, exercise))
            self.db.execute("INSERT INTO submissions (account, exercise, received, sha256, size, file, current)"
                            " VALUES (?,?,?,?,?,?,1)", (account, exercise, now, digest, len(data),
                                                       str(path.relative_to(self.folder))))
            count = self.db.execute("SELECT COUNT(*) FROM submissions WHERE account=? AND exercise=?",
                                    (account, exercise)).fetchone()[0]
        return {"exercise": exercise, "received": now, "count": count, "sha256": digest}

    def current_submissions(self, exercise: str) -> list[dict]:
        rows = self.db.execute(
            "SELECT s.account, t.display, s.received, s.sha256, s.file, t.variant FROM submissions s "
            "JOIN trainees t ON t.account = s.account WHERE s.exercise=? AND s.current=1 ORDER BY t.display",
            (exercise,)).fetchall()
        return [{"account": a, "name": d, "received": r, "sha256": h, "path": self.folder / f, "variant": v}
                for a, d, r, h, f, v in rows]

    def submission_history(self, exercise: str) -> dict[str, int]:
        rows = self.db.execute("SELECT account, COUNT(*) FROM submissions WHERE exercise=? GROUP BY account",
                               (exercise,)).fetchall()
        return dict(rows)
