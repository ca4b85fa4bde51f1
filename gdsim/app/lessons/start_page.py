"""The lessons start page: every lesson idea on one page, each with a button that opens it.

The page only says what was chosen: it emits ``activated(target)`` and the window that shows it
opens the lesson, the tab or the preset. Targets:

* ``"lesson:one_parameter"``, ``"lesson:two_parameters"``: a lesson window;
* ``"race"``: the two-parameter lesson with its optimizer race switched on;
* ``"tab:loss_surface"``, ``"tab:step_by_phase"``, ``"tab:chain_rule"``,
  ``"tab:gradient_health"``, ``"tab:prediction"``: a tab of the main window;
* ``"preset:<file>"``: a main-window preset from resources/presets (index.json, lesson "main").

Colours come from the palette only (cards on Base, borders in Mid, notes in PlaceholderText),
so the page follows the light and dark themes.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gdsim.app.lessons.presets import Preset, presets_for
from gdsim.app.lessons.registry import LESSONS, MAIN

CARD_WIDTH = 540  # the narrowest a card gets before the grid drops a column
MAX_COLUMNS = 2
HEALTH_PREFIX = "Gradient health: "


@dataclass(frozen=True)
class Card:
    """One card: what the idea is, where it lives and the buttons that open it."""

    key: str
    title: str
    text: str  # two short lines
    where: str
    buttons: tuple[tuple[str, str, str], ...]  # (label, target, tooltip)


INTRO = (
    "Each lesson makes one idea of gradient descent visible, with the same Step, Run and Reset "
    "controls and live plots as the main window: take one update at a time and read every "
    "number, or let it run. The first three open in a window of their own; the others are tabs "
    "of the main window and show the network you are training there."
)


def parse_target(target: str) -> tuple[str, str]:
    """("lesson", "one_parameter"), ("race", ""), ("tab", "chain_rule"), ("preset", file)."""
    kind, _, name = target.partition(":")
    if kind not in ("lesson", "race", "tab", "preset") or (kind == "race") == bool(name):
        raise ValueError(f"not a lessons start-page target: {target!r}")
    return kind, name


def _preset_label(preset: Preset) -> str:
    """A short button label: "Gradient health: vanishing (deep sigmoid stack)" -> "Vanishing"."""
    text = preset.title.removeprefix(HEALTH_PREFIX).split(" (")[0]
    return text[:1].upper() + text[1:]


def _preset_button(preset: Preset) -> tuple[str, str, str]:
    return (_preset_label(preset), f"preset:{preset.file}", f"{preset.title}\n{preset.summary}")


class LessonsStartPage(QWidget):
    """Every lesson as a card with buttons; a click emits ``activated(target)``."""

    activated = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lessonsStartPage")
        self.setWindowTitle("Lessons")
        self._buttons: dict[str, QPushButton] = {}
        self._cards: list[list[QFrame]] = []
        self._grids: list[QGridLayout] = []
        self._columns = 0
        self._build()

    # ------------------------------------------------------------------ public API
    def targets(self) -> list[str]:
        """Every target a button on this page emits, in page order."""
        return list(self._buttons)

    def button(self, target: str) -> QPushButton:
        return self._buttons[target]

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        by_tab: dict[str, list[Preset]] = {}  # a main-window preset joins its tab's card
        for preset in presets_for(MAIN):
            by_tab.setdefault(preset.tab, []).append(preset)
        cards = [
            Card(lesson.key, lesson.title, lesson.text, lesson.where, (lesson.button,))
            for lesson in LESSONS
        ]
        for i, card in enumerate(cards):
            if card.key in by_tab:
                cards[i] = self._with_presets(card, by_tab.pop(card.key))
        others = [preset for presets in by_tab.values() for preset in presets]
        if others:  # main-window presets of other kinds get a card of their own
            cards.append(
                Card(
                    "more_presets",
                    "More presets",
                    "Configs that show one behaviour on purpose, opened in the main window.",
                    "Main window",
                    tuple(_preset_button(p) for p in others),
                )
            )

        title = QLabel("Lessons")
        title.setObjectName("lessonsTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)

        content = QWidget()
        content.setObjectName("lessonsContent")
        column = QVBoxLayout(content)
        column.setContentsMargins(20, 16, 20, 20)
        column.setSpacing(10)
        column.addWidget(title)
        column.addWidget(intro)
        column.addSpacing(4)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)
        column.addLayout(grid)
        self._grids.append(grid)
        self._cards.append([self._card(card) for card in cards])
        column.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("lessonsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._scroll = scroll
        self._place(MAX_COLUMNS)

    @staticmethod
    def _with_presets(card: Card, presets: list[Preset]) -> Card:
        extra = tuple(_preset_button(p) for p in presets)
        return Card(card.key, card.title, card.text, card.where, card.buttons + extra)

    def _card(self, lesson: Card) -> QFrame:
        card = QFrame()
        card.setObjectName("lessonCard")
        card.setProperty("lesson", lesson.key)
        card.setStyleSheet(
            "QFrame#lessonCard { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 8px; }"
        )
        card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        box = QVBoxLayout(card)
        box.setContentsMargins(14, 12, 14, 12)
        box.setSpacing(6)
        title = QLabel(lesson.title)
        title.setObjectName("lessonCardTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        font.setBold(True)
        title.setFont(font)
        text = QLabel(lesson.text)
        text.setObjectName("lessonCardText")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        where = QLabel(lesson.where)
        where.setObjectName("lessonCardWhere")
        where.setWordWrap(True)
        where.setStyleSheet("color: palette(placeholder-text);")
        for label in (title, text, where):
            label.setTextFormat(Qt.TextFormat.PlainText)
        box.addWidget(title)
        box.addWidget(text, 1)
        box.addWidget(where)
        # The lesson's own button, then (if any) its presets.
        (label, target, tip), *presets = lesson.buttons
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self._button(label, target, tip, bold=True))
        if presets:
            row.addSpacing(12)
            row.addWidget(QLabel("Presets:"))
            for label, target, tip in presets:
                row.addWidget(self._button(label, target, tip, bold=False))
        row.addStretch(1)
        box.addLayout(row)
        return card

    def _button(self, label: str, target: str, tip: str, bold: bool) -> QPushButton:
        button = QPushButton(label)
        button.setObjectName(f"lessonButton_{target.replace(':', '_')}")
        button.setProperty("target", target)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        if bold:
            font = button.font()
            font.setBold(True)
            button.setFont(font)
        button.clicked.connect(lambda _=False, t=target: self.activated.emit(t))
        self._buttons[target] = button
        return button

    def _place(self, columns: int) -> None:
        """Lay the cards out `columns` to a row (the grids keep equal column widths)."""
        if columns == self._columns:
            return
        self._columns = columns
        for grid, cards in zip(self._grids, self._cards, strict=True):
            for card in cards:
                grid.removeWidget(card)
            for c in range(MAX_COLUMNS):
                grid.setColumnStretch(c, 1 if c < columns else 0)
            for i, card in enumerate(cards):
                grid.addWidget(card, i // columns, i % columns)

    def resizeEvent(self, event) -> None:
        width = event.size().width() - 60  # less the page margins and a scroll bar
        self._place(max(1, min(MAX_COLUMNS, width // CARD_WIDTH)))
        super().resizeEvent(event)
