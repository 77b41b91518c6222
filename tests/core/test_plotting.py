"""course.core.plotting: the bundled CJK font really is used, and no chart logs a missing glyph."""
from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import warnings

import pytest

from course.core import plotting
from course.core.i18n import CourseError

CJK = "客户价值分析"


@pytest.fixture(scope="module", autouse=True)
def isolated_matplotlib(tmp_path_factory):
    # matplotlib reads MPLCONFIGDIR once, at import: set it before anything here imports matplotlib
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MPLCONFIGDIR", str(tmp_path_factory.mktemp("mplconfig")))
        mp.setenv("MPLBACKEND", "Agg")
        mp.delenv("COURSE_LANG", raising=False)
        yield


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def test_import_does_not_load_matplotlib():
    code = "import sys, course.core.plotting; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=os.environ.copy())
    assert out.stdout.strip() == "False"


def _draws_chinese(font_file) -> bool:
    from matplotlib.ft2font import FT2Font

    return all(FT2Font(str(font_file)).get_char_index(ord(ch)) for ch in "客户价值")


def test_font_is_registered_and_found_without_fallback():
    from matplotlib import font_manager, rcParams
    from matplotlib.font_manager import FontProperties, findfont

    family = plotting.use_chinese_font()
    assert "CJK" in family
    # the bundled file is registered; a system copy of the same family (fonts-noto-cjk) may win
    # the lookup, which is fine as long as what is found draws Chinese
    assert any(os.path.samefile(e.fname, plotting.font_path()) for e in font_manager.fontManager.ttflist
               if os.path.exists(e.fname))
    assert _draws_chinese(findfont(FontProperties(family=family), fallback_to_default=False))
    assert rcParams["font.sans-serif"][0] == family
    assert rcParams["font.family"] == ["sans-serif"]
    assert rcParams["axes.unicode_minus"] is False
    # what a plain sans-serif text resolves to draws Chinese too
    assert _draws_chinese(findfont(FontProperties(family=["sans-serif"])))


def test_use_chinese_font_is_idempotent_and_survives_rc_reset():
    import matplotlib as mpl
    from matplotlib.font_manager import fontManager

    target = str(plotting.font_path().resolve())
    family = plotting.use_chinese_font()
    registered = sum(f.fname == target for f in fontManager.ttflist)
    assert registered >= 1  # one entry per name the font declares
    plotting.use_chinese_font()
    assert sum(f.fname == target for f in fontManager.ttflist) == registered
    with mpl.rc_context():
        mpl.rcdefaults()
        assert mpl.rcParams["font.sans-serif"][0] != family
        assert plotting.use_chinese_font() == family
        assert mpl.rcParams["font.sans-serif"][0] == family


def test_missing_font_file_gives_chinese_fix(monkeypatch, tmp_path):
    monkeypatch.setattr(plotting, "_family", None)
    monkeypatch.setattr(plotting, "font_path", lambda: tmp_path / "nothing.otf")
    with pytest.raises(CourseError) as info:
        plotting.use_chinese_font()
    message = str(info.value)
    assert info.value.key == "plotting.font_missing"
    assert "make install" in message and "pip install mplfonts" in message
    assert "nothing.otf" in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_chart_with_chinese_negatives_and_yen_has_no_glyph_warnings():
    labels = ["忠诚客户", "流失风险", "新客户", "沉睡客户"]
    with plotting.glyph_warnings() as found:
        fig = plotting.bar_chart(labels, [1200.5, -350, 80, -12.25], "各分群利润（¥）",
                                 "客户分群", "利润（¥）", highlight="流失风险")
        ax = fig.axes[0]
        ax.yaxis.set_major_formatter(lambda value, _: f"¥{value:,.0f}")
        ax.text(0, -300, "同比 −5%，环比 -3%", fontsize=9)  # U+2212 and ASCII minus
        png = _png(fig)
    assert png.startswith(b"\x89PNG")
    assert [tick.get_text() for tick in ax.get_xticklabels()] == labels
    assert any(tick.get_text().startswith("¥-") for tick in ax.get_yticklabels())
    assert found == []


def test_new_figure_has_title_and_font():
    with plotting.glyph_warnings() as found:
        fig, ax = plotting.new_figure("月度复购率", figsize=(4, 2))
        ax.plot([1, 2, 3], [-0.5, 0.2, 0.4], label="复购率")
        ax.legend()
        _png(fig)
    assert ax.get_title(loc="left") == "月度复购率"
    assert tuple(fig.get_size_inches()) == (4, 2)
    assert found == []
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_bar_chart_highlight_and_detached_from_pyplot():
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    before = set(plt.get_fignums())
    fig = plotting.bar_chart(["甲", "乙", "丙"], [3, 1, 2], "测试", highlight=["乙"])
    colors = [to_hex(bar.get_facecolor()) for bar in fig.axes[0].patches]
    assert colors == [plotting.MUTED_COLOR.lower(), plotting.ACCENT_COLOR.lower(),
                      plotting.MUTED_COLOR.lower()]
    assert set(plt.get_fignums()) == before
    plain = plotting.bar_chart(["甲", "乙"], [1, 2], "测试")
    assert {to_hex(b.get_facecolor()) for b in plain.axes[0].patches} == {plotting.BASE_COLOR.lower()}


def test_detector_catches_missing_glyph_with_latin_only_font():
    import matplotlib as mpl
    from matplotlib.figure import Figure

    plotting.use_chinese_font()
    with mpl.rc_context({"font.family": ["DejaVu Sans"]}):
        with plotting.glyph_warnings() as found:
            fig = Figure()
            fig.subplots().set_title("字形检测")
            _png(fig)
    assert found, "a Latin-only font must produce missing-glyph warnings"
    assert all("DejaVu Sans" in message for message in found)


def test_detector_catches_logger_messages_from_mathtext():
    # mathtext reports a missing glyph through the matplotlib logger, not through warnings
    from matplotlib.figure import Figure

    plotting.use_chinese_font()
    with plotting.glyph_warnings() as found:
        fig = Figure()
        fig.text(0.1, 0.5, r"$\mathrm{客}$")
        _png(fig)
    assert any("does not have a glyph" in message for message in found)


def test_detector_lets_other_warnings_through():
    with pytest.warns(UserWarning, match="something else"):
        with plotting.glyph_warnings() as found:
            warnings.warn("something else", UserWarning, stacklevel=2)
            logging.getLogger("matplotlib").warning("unrelated log line")
    assert found == []
