"""The diagram's input column as toggles: which input features the network gets (2-D data).

The same choice as the Data form's Inputs row (``data.features``: x1, x2, x1², x2², x1·x2,
sin x1, sin x2), next to the picture of what it changes. A click only asks
(`toggle_requested(name)`): the window passes it to the Data form, which asks before it
discards a run and refuses to turn the last input off, so the toggles here always show the
features of the run drawn.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from gdsim.app.forms.tips import FEATURE_TIPS
from gdsim.app.forms.widgets import TOGGLE_STYLE
from gdsim.config.names import INPUT_FEATURES
from gdsim.engine.features import FEATURES, has_plane

__all__ = ["InputToggles"]


class InputToggles(QWidget):
    """A row of one toggle per input feature, shown for network runs on 2-D data."""

    toggle_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("diagramInputToggles")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        caption = QLabel("Inputs:")
        caption.setToolTip(
            "What the network gets as its inputs, made from x1 and x2: with x1² and x2² a "
            "network with no hidden layer can draw a circle. The same choice as the Data form's."
        )
        row.addWidget(caption)
        self.buttons: dict[str, QToolButton] = {}
        for name in INPUT_FEATURES:
            button = QToolButton()
            button.setText(FEATURES[name].label)
            button.setObjectName(f"diagramFeature:{name}")
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setToolTip(FEATURE_TIPS[name])
            button.clicked.connect(lambda _on=False, name=name: self._clicked(name))
            row.addWidget(button)
            self.buttons[name] = button
        row.addStretch(1)
        self.setStyleSheet(TOGGLE_STYLE)
        self._features: tuple[str, ...] = ()
        self.hide()

    def show_run(self, config, dataset=None) -> None:
        """Show the features of this run (a network on 2-D data), or hide the row."""
        shown = (
            dataset is not None and getattr(config, "mode", "") == "network" and has_plane(dataset)
        )
        self._features = tuple(config.data.features) if shown else ()
        self._show_features()
        self.setVisible(shown)

    def _show_features(self) -> None:
        for name, button in self.buttons.items():
            with QSignalBlocker(button):
                button.setChecked(name in self._features)

    def _clicked(self, name: str) -> None:
        self._show_features()  # (the run decides what shows: the request may be refused)
        self.toggle_requested.emit(name)
