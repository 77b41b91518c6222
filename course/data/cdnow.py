"""CDNOW (Fader & Hardie): real purchase histories for the probabilistic CLV models.

The files ship unchanged in datasets/cdnow/ as published in the lifetimes 0.11.3 wheel
(lifetimes/datasets/). Sample file columns: id in the full file, id in the sample, date YYYYMMDD,
number of CDs, dollars; the master file has a header line and no second id.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from course.core.i18n import CourseError
from course.core.paths import datasets_dir

# file name -> sha256 of the published bytes, so any edit is caught by `python -m course data --check`
FILES = {
    "CDNOW_sample.txt": "6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a",
    "CDNOW_master.txt": "eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef",
}
SAMPLE_CUSTOMERS, SAMPLE_ROWS = 2357, 6919
MASTER_CUSTOMERS, MASTER_ROWS = 23570, 69659

_cache: dict[tuple, pd.DataFrame] = {}


def cdnow_path(sample: bool = True) -> Path:
    return datasets_dir() / "cdnow" / ("CDNOW_sample.txt" if sample else "CDNOW_master.txt")


def _read(path: Path, sample: bool) -> pd.DataFrame:
    if sample:
        names = ["master_id", "customer_id", "date", "quantity", "amount"]
        raw = pd.read_csv(path, sep=r"\s+", header=None, names=names, dtype={"date": str})
    else:
        names = ["customer_id", "date", "quantity", "amount"]
        raw = pd.read_csv(path, sep=r"\s+", header=None, names=names, skiprows=1,
                          dtype={"date": str})
    return pd.DataFrame({
        "customer_id": raw["customer_id"].astype("int64"),
        "date": pd.to_datetime(raw["date"], format="%Y%m%d"),
        "quantity": raw["quantity"].astype("int64"),
        "amount": raw["amount"].astype("float64"),
    })


def load_cdnow(sample: bool = True) -> pd.DataFrame:
    """CDNOW transactions: customer_id, date, quantity, amount (US dollars).

    ``sample=True`` gives the 1/10 sample (2,357 customers); ``sample=False`` the full file.
    """
    path = cdnow_path(sample)
    if not path.is_file():
        raise CourseError("data.cdnow_missing", path=str(path))
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _cache:
        _cache[key] = _read(path, sample)
    return _cache[key].copy()


def verify_files(data_dir: Path) -> list[str]:
    """Names (relative to data_dir) of CDNOW files that are missing or not the published bytes."""
    bad = []
    for name, digest in FILES.items():
        path = Path(data_dir) / "cdnow" / name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            bad.append(f"cdnow/{name}")
    return bad
