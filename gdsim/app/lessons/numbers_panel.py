"""The two-parameter lesson's words: the numbers panel (this step's arithmetic, written out)
and the explanation of where the gradient comes from."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

from gdsim.app import theme
from gdsim.app.lessons.drawing import num, vec


def _nowrap(text: str) -> str:
    """Keep a formula on one line (Qt would break after a slash; U+2060 joins the words)."""
    return "<span style='white-space:nowrap'>" + text.replace("/", "/\u2060") + "</span>"


EXPLANATION = (
    "<b>Where the gradient comes from.</b> Change one parameter and hold the other still: "
    "with w2 frozen, C becomes an ordinary curve in w1 (upper slice), and the slope of that "
    f"curve where you stand is {_nowrap('∂C/∂w1')}. Freeze w1 instead and the slope along w2 "
    f"is {_nowrap('∂C/∂w2')} (lower slice). Written side by side, the two slopes form one "
    f"vector, the gradient {_nowrap('∇C = [∂C/∂w1, ∂C/∂w2]')}. On the map it points "
    "<span style='color:{red}'>uphill</span>, the way C rises fastest, across the contour "
    "lines. So gradient descent steps the <span style='color:{green}'>other way</span>: "
    f"{_nowrap('step = −learning rate × ∇C')}."
)


class NumbersPanel:
    """The numbers and the explanation labels. A plain helper: the lesson lays the labels out
    and calls apply_theme and show from its own handlers (the text is rich text in theme
    colours, so nothing here connects to the app-wide theme notifier)."""

    def __init__(self):
        self.numbers = QLabel()
        self.numbers.setObjectName("lessonNumbers")
        self.numbers.setTextFormat(Qt.TextFormat.RichText)
        self.numbers.setWordWrap(True)
        self.numbers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.numbers.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.numbers.setStyleSheet(
            "QLabel { background: palette(base); border: 1px solid palette(mid); padding: 4px; }"
        )
        self.explanation = QLabel()  # (text: apply_theme, for its colours)
        self.explanation.setObjectName("lessonExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.explanation.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def apply_theme(self) -> None:
        """The explanation in theme colours (the numbers get theirs on the next show)."""
        c = theme.colors()
        self.explanation.setText(EXPLANATION.format(red=c.gradient, green=c.update))

    def show(
        self,
        trainer,
        derivative_texts,
        race_on: bool,
        status: tuple[str, bool],
        hide_step: bool = False,
    ) -> None:
        """The trainer's step written out: point, cost, partial derivatives (with their
        formulas), gradient, learning rate, step and next point; then a note for the race and
        the status line (`status` is text and whether it is an error). `hide_step`: a ? for the
        step and the next point (the learner is working them out)."""
        t = trainer
        p, g, lr = t.parameters, t.gradients, t.learning_rate
        step = g * -lr
        d1, d2 = derivative_texts
        c = theme.colors()
        red, green, muted = c.gradient, c.update, c.muted
        rows = [
            ("step", f"{t.step_count}"),
            ("w1, w2", vec(p)),
            ("C", num(t.cost)),
            (
                "∂C/∂w1",
                f"<span style='color:{red}'>{num(g[0])}</span>"
                f" &nbsp;<span style='color:{muted}'>= {d1}</span>",
            ),
            (
                "∂C/∂w2",
                f"<span style='color:{red}'>{num(g[1])}</span>"
                f" &nbsp;<span style='color:{muted}'>= {d2}</span>",
            ),
            ("∇C", f"<span style='color:{red}'>{vec(g)}</span>"),
            ("learning rate", num(lr)),
            ("step = −lr·∇C", f"<span style='color:{green}'>{vec(step)}</span>"),
            ("next point", vec(p + step)),
        ]
        if hide_step:  # (the exercise box says why)
            rows[-2:] = [("step = −lr·∇C", "?"), ("next point", "? (your turn)")]
        html = (
            "<table cellspacing='0' cellpadding='1'>"
            + "".join(
                f"<tr><td style='color:{muted}; padding-right:8px'>{k}</td><td>{v}</td></tr>"
                for k, v in rows
            )
            + "</table>"
        )
        if race_on:
            html += (
                f"<p style='color:{muted}; margin-top:4px'>Race: the numbers, the slices and "
                "the white point follow the SGD run.</p>"
            )
        text, error = status
        if text:
            color = c.error.text if error else muted
            html += f"<p style='color:{color}; margin-top:4px'>{text}</p>"
        self.numbers.setText(html)
