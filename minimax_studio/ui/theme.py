"""Light / dark palettes on the Fusion style; "system" follows the OS colour scheme live.

Colours that carry meaning (warning, error, ok, sandbox badge, job states) live in
``Colors`` so every widget picks the variant that reads on the current background.

Every text colour here, and the palette's text roles, meet WCAG AA (4.5:1) on the window,
base and button backgrounds of their theme; tests/ui/test_theme_contrast.py measures it.
Secondary text uses the palette's PlaceholderText, set explicitly (Fusion's light default
is black at half opacity, about 4:1 on the window grey).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

__all__ = ["Colors", "apply_startup_theme", "apply_theme", "colors", "is_dark", "restyle_tree",
           "system_is_dark"]


@dataclass(frozen=True)
class Colors:
    ok: str
    warning: str
    error: str
    error_bg: str
    warning_bg: str
    info_bg: str
    badge_bg: str
    badge_fg: str
    muted: str
    #: job states in the jobs list (running ones use ``running``)
    moderated: str
    attention: str
    running: str
    #: the palette's secondary text and selection (set on the QPalette)
    placeholder: str
    highlight: str


LIGHT = Colors(ok="#256b29", warning="#9a5b00", error="#c62828", error_bg="#fdecea",
               warning_bg="#fff4e0", info_bg="#e8f1fb", badge_bg="#6a1b9a", badge_fg="#ffffff",
               muted="#5f6368", moderated="#ad1457", attention="#a33f00", running="#1f5f9e",
               placeholder="#5f6368", highlight="#1f5f9e")
DARK = Colors(ok="#81c784", warning="#ffb74d", error="#ef9a9a", error_bg="#4a2323",
              warning_bg="#4a3a1a", info_bg="#1e3347", badge_bg="#8e24aa", badge_fg="#ffffff",
              muted="#a9adb2", moderated="#f48fb1", attention="#ffab70", running="#8ab4f8",
              # Dimmer than ``muted``: at #a9adb2 an empty field's hint read like a typed
              # value. #909499 keeps AA on window and base, ≥ 3:1 on buttons (WCAG exempts
              # placeholders) and is 2.4× darker than the text (#e6e6e6).
              placeholder="#909499", highlight="#3d6fb6")

_dark = False
_palette_set = False


def system_is_dark() -> bool:
    """Whether the OS uses a dark colour scheme.

    Before we set any palette, the application palette is the platform theme's and follows
    the OS: reading its window colour is enough, and cheap. (Asking
    ``styleHints().colorScheme()`` makes PySide6 build its whole ``Qt`` enum namespace,
    ~40 ms, which would land before the first paint.) Once we have set our own palette,
    the palette says nothing about the OS any more: ask the style hints.
    """
    if not _palette_set:
        return QGuiApplication.palette().window().color().lightness() < 128
    from PySide6.QtCore import Qt

    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Unknown:
        return False
    return scheme == Qt.ColorScheme.Dark


def _dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor("#1e1f22"), QColor("#2b2d30"), QColor("#e6e6e6")
    disabled = QColor("#7a7a7a")
    for role, color in (
        (QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, QColor("#26282b")),
        (QPalette.ColorRole.ToolTipBase, window), (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, QColor("#3a3d41")),
        (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.BrightText, QColor("#ff6b6b")),
        (QPalette.ColorRole.Link, QColor("#8ab4f8")), (QPalette.ColorRole.Highlight, QColor("#3d6fb6")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
        (QPalette.ColorRole.PlaceholderText, QColor(DARK.placeholder)),
        (QPalette.ColorRole.Mid, QColor("#45484c")), (QPalette.ColorRole.Dark, QColor("#18191b")),
    ):
        p.setColor(role, color)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def _light_palette(base: QPalette) -> QPalette:
    """Fusion's light palette with readable secondary text and selection."""
    p = QPalette(base)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(LIGHT.placeholder))
        p.setColor(group, QPalette.ColorRole.Highlight, QColor(LIGHT.highlight))
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    return p


def apply_theme(app: QApplication, choice: str = "system") -> bool:
    """Apply "system" / "light" / "dark"; returns True when the result is dark."""
    global _dark, _palette_set
    dark = system_is_dark() if choice == "system" else choice == "dark"
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(_dark_palette() if dark else _light_palette(app.style().standardPalette()))
    _dark, _palette_set = dark, True
    return dark


def apply_startup_theme(app: QApplication, choice: str = "system") -> bool:
    """The same result as ``apply_theme`` for the first paint, without touching the style
    object from Python (wrapping QStyle costs ~10 ms). The app is created with
    ``-style fusion``; the platform palette already is the light/system one."""
    global _dark, _palette_set
    dark = system_is_dark() if choice == "system" else choice == "dark"
    if dark:
        app.setPalette(_dark_palette())
        _palette_set = True
    elif choice == "light" and system_is_dark():
        app.setPalette(_light_palette(app.style().standardPalette()))
        _palette_set = True
    else:  # the platform's light palette, with readable secondary text (cheap: no style)
        app.setPalette(_light_palette(app.palette()))
        _palette_set = True  # the palette no longer tells the OS scheme: ask the style hints
    _dark = dark
    return dark


def is_dark() -> bool:
    return _dark


def colors() -> Colors:
    return DARK if _dark else LIGHT


def restyle_tree(root: QWidget) -> None:
    """After a live theme switch: style sheets under ``root`` that name a theme colour get
    the new theme's value, and every style sheet is set again so ``palette(…)`` in it
    resolves against the new palette (Qt resolves it once, when the widget is polished)."""
    new = colors()
    swap: dict[str, str] = {}
    for f in fields(Colors):
        value = getattr(new, f.name)
        for old in (getattr(LIGHT, f.name), getattr(DARK, f.name)):
            swap.setdefault(old.lower(), value)
    for w in [root, *root.findChildren(QWidget)]:
        sheet = w.styleSheet()
        if not sheet:
            continue
        for old, value in swap.items():
            if old in sheet.lower():
                sheet = _replace_ci(sheet, old, value)
        w.setStyleSheet("")
        w.setStyleSheet(sheet)


def _replace_ci(text: str, old: str, new: str) -> str:
    low, out, i = text.lower(), [], 0
    while True:
        j = low.find(old, i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:j])
        out.append(new)
        i = j + len(old)
