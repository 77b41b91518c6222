"""App mode in an offline room: `python -m course app` serving the M10 lesson (its role-play has a
button with a Font Awesome icon) to a browser that may reach 127.0.0.1 and nothing else.

Every request to another host is recorded and aborted, as a room without internet would. The icons
must still render from the vendored copy, and the page must not even try to reach the internet.
"""
from __future__ import annotations

import sys
from urllib.parse import urlsplit

import pytest
from conftest import need

from course.core.i18n import t
from course.trainer import app

from . import servers
from .pages import RUN_TIMEOUT

LESSON = "10-complaints"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
FONT_FAMILY = "Font Awesome"


def app_argv(port: int, token: str) -> list[str]:  # app mode has no token: a trainer's own machine
    return [sys.executable, "-m", "course", "app", LESSON, "--port", str(port), "--no-browser"]


@pytest.fixture(scope="module")
def app_server(chromium, tmp_path_factory):
    need("voila is not installed" if app.voila_missing() else None)
    # ready when the vendored stylesheet is served: asking for "/" would already start a kernel
    server = servers.start("course-app", app_argv,
                           "/voila/templates/course_app/static/fontawesome/css/all.min.css",
                           tmp_path_factory.mktemp("app-home"), cwd=app.TEMPLATES)
    yield server
    server.stop()


def test_icons_render_with_every_external_request_blocked(page, app_server):
    external, failed = [], []

    def offline(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort("internetdisconnected")

    page.context.route("**/*", offline)
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}")
            if urlsplit(r.url).hostname in LOCAL_HOSTS else None)
    page.goto(f"{app_server.url}/")

    restart = page.get_by_role("button", name=t("roleplay.widget_restart"))
    restart.wait_for(state="visible", timeout=RUN_TIMEOUT)
    icon = restart.locator("i.fa")
    icon.wait_for(state="attached")
    page.evaluate("document.fonts.ready")
    drawn = icon.evaluate("""(el) => {
      const style = getComputedStyle(el, '::before');
      const box = el.getBoundingClientRect();
      const family = style.fontFamily;
      const weight = style.fontWeight;
      const glyph = style.content.replace(/^"|"$/g, '');
      return {family, weight, glyph, width: box.width, height: box.height,
              usable: document.fonts.check(`${weight} 16px ${family}`, glyph)};
    }""")
    loaded = page.evaluate("""() => [...document.fonts]
        .filter(f => f.family.includes('Font Awesome') && f.status === 'loaded')
        .map(f => `${f.family.replace(/"/g, '')} ${f.weight}`)""")

    assert external == [], f"app mode tried to reach the internet: {external}"
    assert failed == [], f"local requests that failed: {failed}"
    assert FONT_FAMILY in drawn["family"], drawn
    assert drawn["glyph"] not in ("", "none", "normal"), drawn  # the icon has a character to draw
    assert drawn["width"] > 0 and drawn["height"] > 0, drawn
    # the very face that draws it is loaded (not a fallback font standing in for it)
    assert f'{drawn["family"].strip(chr(34))} {drawn["weight"]}' in loaded, (drawn, loaded)
    assert drawn["usable"], drawn
    assert app_server.process.poll() is None, app_server.log_tail()
