"""PDFs find a browser on Windows too: Edge or Chrome at their install paths, or COURSE_CHROMIUM."""
from course.trainer import browser


def test_windows_install_paths_of_edge_and_chrome_are_tried(monkeypatch, tmp_path):
    edge = tmp_path / "Program Files (x86)" / "Microsoft" / "Edge" / "Application" / "msedge.exe"
    edge.parent.mkdir(parents=True)
    edge.write_bytes(b"")
    monkeypatch.delenv("COURSE_CHROMIUM", raising=False)
    monkeypatch.setenv("PROGRAMFILES(X86)", str(tmp_path / "Program Files (x86)"))
    monkeypatch.setattr(browser.shutil, "which", lambda name: None)  # nothing on PATH, as on Windows
    assert browser.chromium_path() == str(edge)
    assert any(p.name == "chrome.exe" for p in browser.windows_candidates({"LOCALAPPDATA": "C:/u"}))


def test_course_chromium_wins(monkeypatch, tmp_path):
    own = tmp_path / "my-chromium"
    own.write_bytes(b"")
    monkeypatch.setenv("COURSE_CHROMIUM", str(own))
    assert browser.chromium_path() == str(own)
    monkeypatch.setenv("COURSE_CHROMIUM", str(tmp_path / "missing"))
    assert browser.chromium_path() is None
