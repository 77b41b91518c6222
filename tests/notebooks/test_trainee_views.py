"""Every lesson runs, no chart misses a Chinese glyph, and what a trainee sees holds no raw Python: no English table headers, no
`dtype:` footer, no `Ellipsis`, no `NaN`/`NaT`, no bare repr (quoted strings, dicts, lists, tuples,
`<object at 0x…>`, `np.float64(…)`), no snake_case id in a table cell. One test per lesson, so `-n 2` spreads them."""
import re

import nbformat
import pytest
from conftest import REPO
from nbclient import NotebookClient

LESSONS = sorted(p for p in REPO.glob("notebooks/*.ipynb") if p.stem != "trainer")
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_HEADER = re.compile(r"[a-z]{2,}|_")  # a word or a snake_case name; R, F, M, NPS, 2022Q1 pass
GLYPH_WARNINGS = ("missing from font", "Glyph ")
RAW = ("dtype:", "Ellipsis", "NaN", "NaT", "object at 0x", "np.float", "np.int", "Timestamp(")
BARE_REPR = re.compile(r"^\s*(['\"{\[(<]|[A-Za-z_]\w*\(.*\)\s*$)", re.DOTALL)
SNAKE_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")  # angry_vip: an id a table should name in Chinese


def test_lessons_were_found():
    assert len(LESSONS) >= 13


def problems_in(cell_number: int, output) -> list[str]:
    """What is wrong with one output as a trainee sees it."""
    where = f"cell {cell_number}"
    if output.output_type == "error":
        return [f"{where}: error {output.ename}: {output.evalue[:120]}"]
    if output.output_type == "stream":
        if output.name != "stdout":  # matplotlib logs a missing glyph on stderr
            return [f"{where}: missing glyph: {output.text[:120]!r}" for w in GLYPH_WARNINGS if w in output.text]
        return [f"{where}: printed {raw!r}: {output.text[:120]!r}" for raw in RAW if raw in output.text]
    data = output.get("data", {})
    if "application/vnd.jupyter.widget-view+json" in data or any(k.startswith("image/") for k in data):
        return []
    if "text/html" in data:
        shown = data["text/html"]
        found = [f"{where}: {raw!r} in a table" for raw in RAW if re.search(rf">\s*{re.escape(raw)}", shown)]
        for head in re.findall(r"<thead>(.*?)</thead>", shown, re.DOTALL):
            for header in re.findall(r"<th[^>]*>(.*?)</th>", head, re.DOTALL):
                header = re.sub(r"<[^>]+>", "", header).strip()
                if header and not CJK.search(header) and ENGLISH_HEADER.search(header):
                    found.append(f"{where}: English header {header!r}")
        for body in re.findall(r"<tbody>(.*?)</tbody>", shown, re.DOTALL):
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", body, re.DOTALL):
                cell = re.sub(r"<[^>]+>", "", cell).strip()
                if SNAKE_ID.fullmatch(cell):
                    found.append(f"{where}: raw id {cell!r} in a table")
        return found
    text = data.get("text/plain", "")
    found = [f"{where}: {raw!r} shown: {text[:120]!r}" for raw in RAW if raw in text]
    if BARE_REPR.match(text):
        found.append(f"{where}: bare Python value shown: {text[:120]!r}")
    return found


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_what_trainees_see_has_no_raw_python(path, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel draws inline, as in JupyterLab
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, kernel_name="python3", timeout=600, allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    for attempt in (1, 2):  # one retry, only for a kernel that failed to start on a busy machine
        try:
            client.execute()
            break
        except RuntimeError as error:
            if attempt == 2 or "kernel" not in str(error).lower():
                raise
    found = [problem for number, cell in enumerate(notebook.cells) if cell.cell_type == "code"
             for output in cell.get("outputs", []) for problem in problems_in(number, output)]
    assert not found, f"{path.name}:\n" + "\n".join(found)


def test_the_checks_catch_raw_python():
    """The detector itself: each kind of raw output is caught, a Chinese table passes."""
    def out(**data):
        return nbformat.from_dict({"output_type": "execute_result", "data": data, "metadata": {}, "execution_count": 1})
    assert problems_in(0, out(**{"text/plain": "category\n服务 3\nName: count, dtype: int64"}))
    assert problems_in(0, out(**{"text/plain": "'Noto Sans CJK SC'"}))
    assert problems_in(0, out(**{"text/plain": "Ellipsis"}))
    assert problems_in(0, out(**{"text/plain": "PlanCheck(ok=True)"}))
    assert problems_in(0, out(**{"text/html": "<table><thead><tr><th>customer_id</th></tr></thead><tr><td>NaN</td></tr></table>"}))
    assert not problems_in(0, out(**{"text/html": "<table><thead><tr><th>客户编号</th><th>R</th></tr></thead><tr><td>C1</td></tr></table>"}))
    assert problems_in(0, out(**{"text/html": "<table><thead><tr><th>场景</th></tr></thead><tbody><tr><td>angry_vip</td></tr></tbody></table>"}))
    assert not problems_in(0, out(**{"text/html": "<table><thead><tr><th>场景</th></tr></thead><tbody><tr><td>大客户</td><td>C_1</td></tr></tbody></table>"}))
    assert not problems_in(0, out(**{"text/plain": "2000"}))
    glyph = nbformat.from_dict({"output_type": "stream", "name": "stderr",
                                "text": "UserWarning: Glyph 23458 missing from font(s) DejaVu Sans."})
    assert problems_in(0, glyph)
