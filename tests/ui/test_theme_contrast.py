"""Every text colour of the light and dark themes meets WCAG AA (4.5:1) on the backgrounds
it is drawn on: the palette's text roles (including secondary / placeholder text and
selected text), the meaning colours (ok, warning, error, muted) on window, base and button,
the banners' text on their tinted backgrounds, the sandbox badge and the job-state colours
of the jobs list. Measured on the palette the app really applies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from minimax_studio.ui import theme
from minimax_studio.ui.widgets.job_delegate import state_colors

AA = 4.5
R = QPalette.ColorRole


def _channel(v: float) -> float:
    v /= 255
    return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4


def luminance(c: QColor) -> float:
    return 0.2126 * _channel(c.red()) + 0.7152 * _channel(c.green()) + 0.0722 * _channel(c.blue())


def over(fg: QColor, bg: QColor) -> QColor:
    """A translucent colour as it lands on ``bg`` (Fusion's default placeholder is)."""
    a = fg.alphaF()
    return QColor(round(fg.red() * a + bg.red() * (1 - a)), round(fg.green() * a + bg.green() * (1 - a)),
                  round(fg.blue() * a + bg.blue() * (1 - a)))


def ratio(fg: QColor | str, bg: QColor | str) -> float:
    f, b = QColor(fg), QColor(bg)
    f = over(f, b)
    hi, lo = sorted((luminance(f), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_measure_is_wcags() -> None:
    assert ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # famously just under AA


@pytest.fixture(params=["light", "dark"])
def themed(request: Any, qapp: QApplication) -> Iterator[str]:
    theme.apply_theme(qapp, request.param)
    yield request.param
    theme.apply_theme(qapp, "light")


def test_every_text_colour_meets_aa(themed: str, qapp: QApplication) -> None:
    p = qapp.palette()
    c = theme.colors()
    backgrounds = {"window": p.color(R.Window), "base": p.color(R.Base),
                   "alternate base": p.color(R.AlternateBase), "button": p.color(R.Button)}
    texts = {
        "text": p.color(R.Text), "window text": p.color(R.WindowText),
        "button text": p.color(R.ButtonText), "secondary (placeholder) text": p.color(R.PlaceholderText),
        "link": p.color(R.Link), "ok": QColor(c.ok), "warning": QColor(c.warning),
        "error": QColor(c.error), "muted": QColor(c.muted),
    }
    texts.update({f"job state {k or 'running'}": v for k, v in state_colors().items()})
    failures = []
    for tname, fg in texts.items():
        for bname, bg in backgrounds.items():
            if tname.startswith("job state") and bname == "button":
                continue  # the jobs list paints on base / alternate base only
            if tname.startswith("secondary") and bname == "button":
                continue  # measured below: a placeholder on a button needs 3:1
            r = ratio(fg, bg)
            if r < AA:
                failures.append(f"{themed}: {tname} {fg.name()} on {bname} {bg.name()}: {r:.2f}")
    pairs = {
        "error banner": (c.error, c.error_bg), "warning banner": (c.warning, c.warning_bg),
        "info banner": (p.color(R.Text), c.info_bg), "sandbox badge": (c.badge_fg, c.badge_bg),
        "selected text": (p.color(R.HighlightedText), p.color(R.Highlight)),
        "tooltip": (p.color(R.ToolTipText), p.color(R.ToolTipBase)),
    }
    for name, (fg, bg) in pairs.items():
        r = ratio(fg, bg)
        if r < AA:
            failures.append(f"{themed}: {name} {QColor(fg).name()} on {QColor(bg).name()}: {r:.2f}")
    assert not failures, "\n".join(failures)


def test_a_placeholder_is_readable_yet_clearly_not_a_typed_value(themed: str,
                                                                  qapp: QApplication) -> None:
    """An empty field's hint must not read as a value someone typed (the dark theme's did:
    1.8:1 from the text), and must still be legible (WCAG exempts placeholders; 3:1)."""
    p = qapp.palette()
    hint, text = p.color(R.PlaceholderText), p.color(R.Text)
    for bg in (R.Base, R.AlternateBase, R.Window, R.Button):
        assert ratio(hint, p.color(bg)) >= 3.0, f"{themed}: {hint.name()} on {p.color(bg).name()}"
    assert ratio(hint, text) >= 2.2, f"{themed}: {hint.name()} too close to the text {text.name()}"


def test_a_live_theme_switch_recolours_the_form(qtbot: Any, qloop: Any, qapp: QApplication) -> None:
    """Settings → Theme while the app runs: hints and warnings follow the new palette
    (style sheets are resolved once, so the tab re-applies them)."""
    from minimax_studio.ui.tabs.video_tab import VideoTab
    from minimax_studio.ui.theme import restyle_tree
    from minimax_studio.viewmodels.video_form import VideoFormModel
    from tests.ui.form_ui import RecordingEngine

    theme.apply_theme(qapp, "light")
    form = VideoFormModel(engine=RecordingEngine())
    tab = VideoTab(form)
    qtbot.addWidget(tab)
    tab.show()
    hint = tab.inputs_hint
    assert hint.palette().color(R.WindowText) == QColor(theme.LIGHT.placeholder)
    assert theme.LIGHT.warning in tab.blocker.styleSheet()
    try:
        theme.apply_theme(qapp, "dark")
        restyle_tree(tab)
        assert hint.palette().color(R.WindowText) == QColor(theme.DARK.placeholder)
        assert theme.DARK.warning in tab.blocker.styleSheet()
        bg = qapp.palette().color(R.Window)
        assert ratio(hint.palette().color(R.WindowText), bg) >= AA
    finally:
        form.close()
