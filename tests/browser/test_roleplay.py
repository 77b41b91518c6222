"""Scenario 2 (and 5): the M10 complaint role-play in JupyterLab. Click through one scenario to an
ending and see the score that the pure engine gives for the same replies. Screenshots, no tofu."""

from .pages import NOTEBOOK, assert_no_tofu, open_in_lab, run_all, screenshot

LESSON = "notebooks/10-complaints.ipynb"
MAX_TURNS = 30  # a scenario is a finite graph; more clicks than this means the widget is stuck



def _expected_run():
    """The default scenario played by always taking the first reply shown ("A"), with the pure
    functions: the letters clicked and the score line the widget must show at the end."""
    from course.core.i18n import t
    from course.roleplay import MAX_SCORE, load_scenarios, outcome_label, start
    from course.roleplay.engine import choose
    from course.widgets.roleplay import roleplay_view

    scenario = next(iter(dict(load_scenarios()).values()))
    state, letters = start(scenario), []
    view = roleplay_view(scenario, state)
    while not view.finished:
        assert len(letters) < MAX_TURNS, "the default scenario never ends when always answering A"
        letters.append(view.letters[0])
        state = choose(scenario, state, view.indexes[0])
        view = roleplay_view(scenario, state)
    result = view.score
    line = t("roleplay.widget_total", total=result.total, high=MAX_SCORE, grade=result.grade,
             outcome=outcome_label(result.outcome))
    return scenario, letters, line


def test_roleplay_to_an_ending_shows_the_engines_score(page, lab, tmp_path, steps):
    from course.core.i18n import t

    scenario, letters, score_line = _expected_run()
    open_in_lab(page, lab, LESSON)
    state = run_all(page)
    assert state["errors"] == [], state["errors"]
    game = page.locator(f"{NOTEBOOK} .widget-vbox",
                        has=page.get_by_role("button", name=t("roleplay.widget_restart"))).first
    game.wait_for(state="attached")
    game.scroll_into_view_if_needed()
    assert scenario.title in game.text_content()
    assert_no_tofu(page, game)
    screenshot(page, tmp_path, "roleplay-start", steps)

    for turn, letter in enumerate(letters, 1):
        before = game.text_content()
        game.get_by_role("button", name=letter, exact=True).click()
        page.wait_for_function("([el, before]) => el.textContent !== before",
                               arg=[game.element_handle(), before], timeout=30_000, polling=100)
        if turn == 1:
            screenshot(page, tmp_path, "roleplay-first-reply", steps)

    page.get_by_text(score_line).wait_for(state="attached")
    assert score_line in game.text_content()
    assert game.get_by_role("button", name="A", exact=True).count() == 0  # no replies after the end
    game.get_by_text(score_line).scroll_into_view_if_needed()
    assert_no_tofu(page, game)
    screenshot(page, tmp_path, "roleplay-scored", steps)
    assert len(steps) == 3
