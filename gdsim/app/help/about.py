"""The About box: gdsim's name, version, description and licence, and the version and licence of
every runtime dependency (from :mod:`gdsim.app.help.components`), with a button that copies
those details for a bug report.
"""

from __future__ import annotations

import platform

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

import gdsim
from gdsim.app.help.components import DATA_CREDITS, Component, components, gdsim_licence

ABOUT_TEXT = (
    "gdsim is a gradient-descent simulator for learning how neural networks learn. Build a "
    "small network in forms, then step through training and watch the cost, every parameter "
    "and its gradient change, one update at a time."
)

LGPL_NOTE = (
    "PySide6, shiboken6 and Qt are used under the GNU Lesser General Public License v3 "
    "(LGPL-3.0). gdsim loads them as separate, unmodified libraries, so you may replace them "
    "with another compatible version (for example with <i>pip install --upgrade "
    "PySide6-Essentials</i>). Their source code is available from "
    "<a href='https://code.qt.io'>code.qt.io</a>."
)


class _FitTable(QTableWidget):
    """A table whose size hint is the height of all its rows (it has only a few)."""

    def sizeHint(self):  # noqa: N802 (Qt override)
        hint = super().sizeHint()
        rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
        hint.setHeight(self.horizontalHeader().height() + rows + 2 * self.frameWidth() + 2)
        return hint

    def minimumSizeHint(self):  # noqa: N802 (Qt override)
        return self.sizeHint()


class AboutDialog(QDialog):
    """gdsim's name, version, description and licence, and its dependencies' licences."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About gdsim")
        self.components = components()
        self.licence_name, self.licence_text = gdsim_licence()

        layout = QVBoxLayout(self)
        layout.setSpacing(8)

        head = QHBoxLayout()
        icon = QGuiApplication.windowIcon()
        if not icon.isNull():
            picture = QLabel()
            picture.setPixmap(icon.pixmap(48, 48))
            picture.setAlignment(Qt.AlignmentFlag.AlignTop)
            head.addWidget(picture)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title_label = QLabel("gdsim")
        self.title_label.setObjectName("aboutTitle")
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.6)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.version_label = QLabel(f"Version {gdsim.__version__}")
        self.version_label.setObjectName("aboutVersion")
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        titles.addWidget(self.title_label)
        titles.addWidget(self.version_label)
        head.addLayout(titles, 1)
        layout.addLayout(head)

        description = QLabel(ABOUT_TEXT)
        description.setWordWrap(True)
        layout.addWidget(description)
        licence_line = QLabel(
            f"gdsim is free software under the <b>{self.licence_name}</b> licence (see the "
            "Licence tab), built on these open-source components:"
        )
        licence_line.setObjectName("aboutLicence")
        licence_line.setWordWrap(True)
        layout.addWidget(licence_line)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("aboutTabs")
        self.tabs.addTab(self._components_page(), "Components")
        self.licence_view = QPlainTextEdit(self.licence_text)
        self.licence_view.setObjectName("licenceText")
        self.licence_view.setReadOnly(True)
        self.licence_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.licence_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.tabs.addTab(self.licence_view, "Licence")
        self.tabs.addTab(self._data_page(), "Data sets")
        layout.addWidget(self.tabs, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy details")
        self.copy_button.setObjectName("copyDetailsButton")
        self.copy_button.setToolTip(
            "Copy the versions of gdsim, Python, Qt and the libraries, to paste into a bug report."
        )
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.about_qt_button = QPushButton("About Qt")
        self.about_qt_button.setObjectName("aboutQtButton")
        self.about_qt_button.setToolTip("Qt's own About box: its version and licence.")
        self.buttons.addButton(self.about_qt_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_details)
        self.about_qt_button.clicked.connect(self._about_qt)
        layout.addWidget(self.buttons)

        self._copied = QTimer(self)
        self._copied.setSingleShot(True)
        self._copied.setInterval(1500)
        self._copied.timeout.connect(lambda: self.copy_button.setText("Copy details"))
        self.resize(720, 560)
        self._fitted = False

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not self._fitted:  # the row heights are known once the columns have their widths
            self._fitted = True
            self.table.resizeRowsToContents()
            self.table.updateGeometry()
            self.layout().activate()
            wanted = self.heightForWidth(self.width())  # wrapped labels: height at this width
            if wanted <= 0:
                wanted = self.sizeHint().height()
            self.resize(self.width(), min(700, wanted + 8))

    def _components_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        table = self.table = _FitTable(len(self.components), 4)
        table.setObjectName("componentsTable")
        table.setHorizontalHeaderLabels(["Component", "Version", "Licence", "Used for"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(True)
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        table.setStyleSheet("QTableView::item { padding: 3px 6px; }")
        for row, comp in enumerate(self.components):
            cells = (comp.name, comp.version, comp.licence, comp.purpose)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                tip = f"{comp.name} {comp.version}: {comp.purpose}."
                if comp.url:
                    tip += f"\n{comp.url}"
                item.setToolTip(tip)
                table.setItem(row, col, item)
        head = table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        column.addWidget(table)
        note = QLabel(LGPL_NOTE)
        note.setObjectName("lgplNote")
        note.setWordWrap(True)
        note.setOpenExternalLinks(True)
        note.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(note)
        column.addStretch(1)
        return page

    def _data_page(self) -> QWidget:
        """Who made the real data sets gdsim ships, and their licence (CC BY 4.0 asks for it)."""
        page = QWidget()
        column = QVBoxLayout(page)
        items = "".join(
            f"<li><b>{c.name}</b>: {c.title}, by {c.creators} ({c.year}); licensed under "
            f"<a href='https://creativecommons.org/licenses/by/4.0/'>CC BY 4.0</a>; "
            f"<a href='{c.url}'>{c.url}</a></li>"
            for c in DATA_CREDITS
        )
        self.data_credits = QLabel(
            "The built-in data sets <b>digits</b> and <b>iris</b> are real data, shipped as CSV "
            f"files in gdsim's resources/data folder (copied from scikit-learn's):<ul>{items}</ul>"
            "The numbers are unchanged; gdsim added the column names."
        )
        self.data_credits.setObjectName("dataCredits")
        self.data_credits.setWordWrap(True)
        self.data_credits.setOpenExternalLinks(True)
        self.data_credits.setTextFormat(Qt.TextFormat.RichText)
        self.data_credits.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        column.addWidget(self.data_credits)
        column.addStretch(1)
        return page

    def component(self, name: str) -> Component | None:
        return next((c for c in self.components if c.name == name), None)

    def details_text(self) -> str:
        """The versions and licences as plain text, for a bug report."""
        lines = [f"gdsim {gdsim.__version__} ({self.licence_name})"]
        width = max(len(c.name) for c in self.components)
        lines += [f"{c.name:<{width}}  {c.version}  [{c.licence}]" for c in self.components]
        platform_name = QGuiApplication.platformName() or "unknown"
        lines.append(f"{'System':<{width}}  {platform.platform()} (Qt platform: {platform_name})")
        return "\n".join(lines)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
        self.copy_button.setText("Copied \u2713")
        self._copied.start()

    def _about_qt(self) -> None:
        QMessageBox.aboutQt(self, "About Qt")
