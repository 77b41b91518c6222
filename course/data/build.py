"""``python -m course data``: regenerate datasets/ (CSV files + the Chinese data dictionary).

One integer seed feeds every table; each table draws from its own child generator (by its fixed
position in STREAMS), so adding a table never changes the others. The bytes are identical on every
rebuild: fixed column order, sorted rows, fixed number formats, ISO dates, UTF-8 with "\\n".
"""
from __future__ import annotations

import argparse
import filecmp
import importlib
import importlib.util
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from course.core.i18n import t

SEED = 20250101
# one child generator per stream; append new streams at the end, never reorder
STREAMS = ("customers", "orders", "surveys", "complaints", "referrals", "credit_applications",
           "texts", "accounts", "invoices")
# modules with generate(rng, customers, orders) -> {table: DataFrame}, in dictionary order
DERIVED_MODULES = {
    "course.data.surveys": "surveys",
    "course.data.complaints": "complaints",
    "course.data.network": "referrals",
    "course.data.credit": "credit_applications",
    "course.data.accounts": "accounts",
    "course.data.invoices": "invoices",
}


def stream(seed: int, name: str) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed).spawn(len(STREAMS))[STREAMS.index(name)]


def rng_for(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng(stream(seed, name))


def public(df: pd.DataFrame) -> pd.DataFrame:
    """The table without the generator's hidden helper columns (names starting with "_")."""
    return df[[c for c in df.columns if not str(c).startswith("_")]]


def generate_all(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Every generated table, keyed by name (the order of the data dictionary)."""
    from course.data import company

    customers, orders = company.generate(rng_for(seed, "customers"), rng_for(seed, "orders"))
    tables = {"customers": public(customers), "orders": orders}
    for module_name, stream_name in DERIVED_MODULES.items():
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        tables.update(module.generate(rng_for(seed, stream_name), customers, orders))
    if importlib.util.find_spec("course.data.texts") is not None:
        texts = importlib.import_module("course.data.texts")
        text_seed = int(stream(seed, "texts").generate_state(1)[0])
        tables.update(texts.generate(public(customers).copy(), text_seed))
    return tables


def _format(df: pd.DataFrame, types: dict) -> pd.DataFrame:
    """Turn typed columns into the exact text the CSV holds."""
    out = df.copy()
    for col in out.columns:
        kind = types.get(col)
        s = out[col]
        if kind == "date" or (kind is None and pd.api.types.is_datetime64_any_dtype(s)
                              and (s.dropna().dt.normalize() == s.dropna()).all()):
            out[col] = pd.to_datetime(s).dt.strftime("%Y-%m-%d").fillna("")
        elif kind == "datetime" or pd.api.types.is_datetime64_any_dtype(s):
            out[col] = pd.to_datetime(s).dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
        elif kind == "float":
            out[col] = s.map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    return out


def csv_bytes(df: pd.DataFrame, types: dict) -> bytes:
    text = _format(df, types).to_csv(index=False, lineterminator="\n")
    return text.encode("utf-8")


@contextmanager
def _chinese():
    # the committed dictionary is always Chinese, whatever COURSE_LANG the builder has set
    old = os.environ.get("COURSE_LANG")
    os.environ["COURSE_LANG"] = "zh_CN"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("COURSE_LANG", None)
        else:
            os.environ["COURSE_LANG"] = old


def _type_label(kind) -> str:
    if isinstance(kind, tuple):
        return t("data.readme_type_ordered", levels=" < ".join(kind))
    if kind in ("str", "int", "float", "date", "datetime", "bool", "category"):
        return t(f"data.readme_type_{kind}")
    return t("data.readme_type_unknown")


def _title(table: str) -> str:
    key = f"data.table_{table}"
    text = t(key)
    return table if text == key else text


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def readme_text(tables: dict[str, pd.DataFrame], seed: int) -> str:
    from course.data import column_types, schemas

    columns, types = schemas(), column_types()
    lines = [f"# {t('data.readme_title')}", "", t("data.readme_intro"), "",
             t("data.readme_regen", seed=seed), "", t("data.readme_load"), ""]
    header = (f"| {t('data.readme_col_name')} | {t('data.readme_col_type')} | "
              f"{t('data.readme_col_desc')} |")
    for name, df in tables.items():
        lines += [f"## {_title(name)}", "", t("data.readme_rows", rows=f"{len(df):,}"), "",
                  header, "|---|---|---|"]
        table_types = types.get(name, {})
        for col in df.columns:
            desc = columns.get(name, {}).get(col, "")
            lines.append(f"| {col} | {_type_label(table_types.get(col))} | {_cell(desc)} |")
        lines.append("")
    lines += [f"## {_title('cdnow')}", "", t("data.cdnow_provenance"), "", header, "|---|---|---|"]
    for col, kind in (("customer_id", "int"), ("date", "date"), ("quantity", "int"),
                      ("amount", "float")):
        lines.append(f"| {col} | {_type_label(kind)} | {t('data.cdnow_' + col)} |")
    return "\n".join(lines) + "\n"


def build(out_dir, seed: int = SEED) -> list[Path]:
    """Write every table as ``<name>.csv`` plus README.md into ``out_dir``; return the paths."""
    from course.data import column_types

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = generate_all(seed)
    types = column_types()
    written = []
    with _chinese():
        for name, df in tqdm(tables.items(), desc=t("data.progress"), unit="表", leave=False):
            path = out / f"{name}.csv"
            path.write_bytes(csv_bytes(df, types.get(name, {})))
            written.append(path)
        path = out / "README.md"
        path.write_bytes(readme_text(tables, seed).encode("utf-8"))
        written.append(path)
    return written


def check(data_dir, seed: int = SEED) -> tuple[list[str], int]:
    """(files in ``data_dir`` that differ from a fresh build or are missing, files compared)."""
    from course.data.cdnow import FILES, verify_files

    differ = []
    with tempfile.TemporaryDirectory() as tmp:
        written = build(tmp, seed)
        for path in written:
            target = Path(data_dir) / path.name
            if not target.is_file() or not filecmp.cmp(path, target, shallow=False):
                differ.append(path.name)
    # CDNOW is shipped, not generated: compare it with the published checksums instead
    differ += verify_files(Path(data_dir))
    return differ, len(written) + len(FILES)


def main(argv: list[str] | None = None) -> int:
    from course.core.paths import datasets_dir

    parser = argparse.ArgumentParser(prog="python -m course data", description=t("cli.data"))
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    target = args.out or datasets_dir()
    if args.check:
        differ, compared = check(target)
        if differ:
            print(t("data.check_differs", files="、".join(differ)), file=sys.stderr)
            return 1
        print(t("data.check_ok", count=compared))
        return 0
    written = build(target)
    print(t("data.wrote", count=len(written), path=target))
    return 0
