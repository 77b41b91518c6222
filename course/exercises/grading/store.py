"""Finished grades on disk, one JSON file per trainee, written atomically so that an interrupted
batch keeps every grade it finished and a rerun grades only what is missing or changed.

Each record is signed (HMAC-SHA256) with a key kept in the trainer's own data folder, which no
grading kernel can see (the sandbox shows it neither the output folder nor the trainer's home): a
record forged or edited by anyone else fails the check and that submission is graded again.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from pathlib import Path

MAC = "_mac"


def key_path() -> Path:
    if os.environ.get("COURSE_GRADING_KEY"):
        return Path(os.environ["COURSE_GRADING_KEY"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "course" / "grading.key"


def signing_key() -> bytes:
    """The grader's secret, made on first use (0600, created exclusively: two graders agree)."""
    path = key_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
    for _ in range(50):  # another grader may be writing it this very moment
        key = path.read_text(encoding="ascii").strip()
        if len(key) == 64:
            return bytes.fromhex(key)
        import time

        time.sleep(0.01)
    raise OSError(f"unreadable grading key: {path}")


def _canonical(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


class ResultStore:
    def __init__(self, out_dir: Path):
        self.folder = Path(out_dir) / ".results"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.key = signing_key()

    def _path(self, trainee: str) -> Path:
        return self.folder / f"{trainee}.json"

    def _mac(self, record: dict) -> str:
        return hmac.new(self.key, _canonical(record), hashlib.sha256).hexdigest()

    def load(self, trainee: str) -> dict | None:
        """The stored grade, only when it is genuinely ours and about this trainee."""
        try:
            stored = json.loads(self._path(trainee).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(stored, dict) or not isinstance(stored.get(MAC), str):
            return None
        record = {k: v for k, v in stored.items() if k != MAC}
        if not hmac.compare_digest(stored[MAC], self._mac(record)):
            return None
        return record if record.get("trainee") == trainee else None

    def is_done(self, trainee: str, submission_sha256: str, source_hash: str) -> bool:
        stored = self.load(trainee)
        return bool(stored) and stored.get("submission_sha256") == submission_sha256 \
            and stored.get("source_hash") == source_hash

    def save(self, result: dict) -> None:
        target = self._path(result["trainee"])
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            # the signature sits beside the fields, so readers that only display grades need no change
            json.dump({**result, MAC: self._mac(result)}, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
