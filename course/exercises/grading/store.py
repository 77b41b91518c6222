"""Finished grades on disk, one JSON file per trainee, written atomically so that an interrupted
batch keeps every grade it finished and a rerun grades only what is missing or changed."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


class ResultStore:
    def __init__(self, out_dir: Path):
        self.folder = Path(out_dir) / ".results"
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, trainee: str) -> Path:
        return self.folder / f"{trainee}.json"

    def load(self, trainee: str) -> dict | None:
        try:
            return json.loads(self._path(trainee).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def is_done(self, trainee: str, submission_sha256: str, source_hash: str) -> bool:
        stored = self.load(trainee)
        return bool(stored) and stored.get("submission_sha256") == submission_sha256 \
            and stored.get("source_hash") == source_hash

    def save(self, result: dict) -> None:
        target = self._path(result["trainee"])
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(result, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
