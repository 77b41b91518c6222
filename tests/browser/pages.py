"""Page helpers: drive JupyterLab and Voila like a trainee does, and check Chinese text for tofu.

Every wait is on a selector or a page condition, never a fixed sleep.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook tab in front
ERROR_OUTPUT = '[data-mime-type="application/vnd.jupyter.error"]'
LOAD_TIMEOUT = 60_000  # ms: the first JupyterLab load compiles a large bundle on a 2-core box
RUN_TIMEOUT = 90_000  # ms: kernel start plus every cell of a lesson


def open_in_lab(page, lab, path: str) -> None:
    """Open ``path`` in a fresh JupyterLab workspace; wait for all its cells and its kernel. One
    retry (a reload) on a flaky first load."""
    for attempt in (1, 2):
        page.goto(lab.address(f"/lab/tree/{path}?reset"))
        try:
            wait_for_notebook(page, lab.root / path)
            return
        except Exception:  # noqa: BLE001 - a flaky first load: reload once, then let it fail
            if attempt == 2:
                raise


def wait_for_notebook(page, file: Path, timeout: int = LOAD_TIMEOUT) -> None:
    """Every code cell of ``file`` is in the page with its editor, and the kernel is idle (the
    execution indicator says "idle" before the kernel even connects, so the status bar decides)."""
    code_cells = sum(c["cell_type"] == "code" for c in json.loads(file.read_text(encoding="utf-8"))["cells"])
    page.wait_for_function(
        r"""([panel, count]) => {
          const root = document.querySelector(panel);
          if (!root) return false;
          const editors = root.querySelectorAll('.jp-CodeCell .cm-content').length;
          const idle = root.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]') !== null;
          const bar = document.querySelector('#jp-main-statusbar');
          return editors === count && idle && bar !== null && /\|\s*(Idle|空闲)/.test(bar.textContent);
        }""", arg=[NOTEBOOK, code_cells], timeout=timeout, polling=100)


ZH_MENUS = {"Run": "运行"}  # menu-bar titles in the zh_CN language pack


def menu(page, top: str, command: str) -> None:
    """Click a menu-bar entry, e.g. menu(page, "Run", "runmenu:run-all")."""
    label = re.compile(f"{top}|{ZH_MENUS[top]}") if top in ZH_MENUS else top  # the classroom's Lab is Chinese
    page.locator(".lm-MenuBar-item", has_text=label).click()
    page.locator(f'li.lm-Menu-item[data-command="{command}"]').click()


_CELLS_STATE = """(panel) => {
  const root = document.querySelector(panel);
  if (!root) return null;
  const prompts = [...root.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent.trim());
  const errors = [...root.querySelectorAll('%s')].map(e => e.innerText.slice(0, 2000));
  const busy = root.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]') === null;
  return {prompts, errors, busy};
}""" % ERROR_OUTPUT


def run_all(page, timeout: int = RUN_TIMEOUT) -> dict:
    """Run → Run All Cells, wait until every code cell ran (or one failed); return the cell state."""
    menu(page, "Run", "runmenu:run-all")
    page.wait_for_function(
        """(panel) => {
          const root = document.querySelector(panel);
          const prompts = [...root.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent);
          const failed = root.querySelector('%s') !== null;
          const idle = root.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]') !== null;
          return idle && (failed || (prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p))));
        }""" % ERROR_OUTPUT,
        arg=NOTEBOOK, timeout=timeout, polling=250)
    return page.evaluate(_CELLS_STATE, NOTEBOOK)


def code_cell(page, contains: str):
    """The code cell of the front notebook whose source contains ``contains``, located by its
    position so that it stays the same cell after its source is replaced."""
    cells = page.locator(f"{NOTEBOOK} .jp-CodeCell")
    index = cells.evaluate_all(
        "(cells, text) => cells.findIndex(c => c.querySelector('.cm-content').textContent.includes(text))",
        contains)
    assert index >= 0, f"no code cell contains {contains!r}"
    return cells.nth(index)


def replace_source(page, cell, text: str) -> None:
    """Select the cell's whole source and type ``text`` over it (inserted as is, no auto-brackets)."""
    editor = cell.locator(".cm-content")
    editor.scroll_into_view_if_needed()
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def run_cell(page, cell) -> None:
    """Run one cell (Ctrl+Enter in the cell) and wait for its new execution count."""
    prompt = cell.locator(".jp-InputArea-prompt")
    before = prompt.text_content()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+Enter")
    page.wait_for_function(
        "([el, before]) => el.textContent !== before && /\\[\\d+\\]/.test(el.textContent)",
        arg=[prompt.element_handle(), before], timeout=RUN_TIMEOUT, polling=100)


def screenshot(page, folder: Path, name: str, steps: list) -> Path:
    """Save a numbered full-page screenshot of this step into the test's tmp folder."""
    path = folder / f"{len(steps) + 1:02d}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    steps.append(path)
    return path


# ----------------------------------------------------------------------------------------------
# Tofu: draw each Chinese character (and each ✅/❌-style symbol) of an element's text in that
# element's own font stack, and compare the glyphs with a code point no font has (U+0378 is
# unassigned). A missing CJK or emoji font makes those characters the same empty box as U+0378; a
# present one gives each its own shape. (document.fonts.check() is no help: it says true either way.)
# ----------------------------------------------------------------------------------------------
_GLYPHS = r"""([el, extra]) => {
  const family = getComputedStyle(el).fontFamily;
  const text = (el.innerText || el.textContent) + extra;
  const chars = [...new Set([...text].filter(c => /[\u3400-\u9fff\u2600-\u27bf\u0378\u0379]|[\u{1F300}-\u{1FAFF}]/u.test(c)))].slice(0, 60);
  const size = 40, canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const g = canvas.getContext('2d', {willReadFrequently: true});
  const draw = ch => {
    g.clearRect(0, 0, size, size);
    g.font = `28px ${family}`; g.textBaseline = 'top'; g.fillStyle = '#000';
    g.fillText(ch, 4, 4);
    const a = g.getImageData(0, 0, size, size).data;
    let bits = '', ink = 0;
    for (let i = 3; i < a.length; i += 4) { const on = a[i] > 127; bits += on ? '1' : '0'; ink += on; }
    return {bits, ink};
  };
  const missing = draw('\u0378').bits;
  const seen = new Map(), tofu = [];
  for (const c of chars) {
    const {bits, ink} = draw(c);
    if (ink === 0 || bits === missing) tofu.push(c);
    else if (seen.has(bits)) tofu.push(c + '~' + seen.get(bits));
    else seen.set(bits, c);
  }
  return {family, checked: chars.length, tofu};
}"""


def glyph_report(page, target, extra: str = "") -> dict:
    """Glyph check of ``target`` (a selector or a Locator); ``extra`` adds characters to test."""
    locator = page.locator(target) if isinstance(target, str) else target
    return page.evaluate(_GLYPHS, [locator.first.element_handle(), extra])


def assert_no_tofu(page, target, min_chars: int = 4) -> dict:
    """Every Chinese character in ``target``'s text renders as a real, distinct glyph."""
    report = glyph_report(page, target)
    assert report["checked"] >= min_chars, f"too little Chinese text in {target} to judge: {report}"
    assert not report["tofu"], f"Chinese renders as tofu in {target} ({report['family']}): {report['tofu']}"
    return report


def table_rows(locator) -> list[list[str]]:
    """The body rows of an HTML table as lists of cell texts."""
    return locator.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))")


def as_int(text: str) -> int:
    return int(re.sub(r"[^\d-]", "", text))
