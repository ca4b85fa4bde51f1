"""The one-parameter lesson's words, Qt-free: its numbers as text and what is happening, in plain
language, at the current step.

The explanation reads the slope's sign (which way w moves, and why), the rule itself, and a hint
from the last three points: jumps that grow while they flip side mean the learning rate is too
large (diverging); a jump over the bottom whose jumps shrink still settles; a step that covers
only a few percent of the way to the bottom (learning rate × C''(w), locally) creeps.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["explanation_html", "fmt"]


def fmt(x: float) -> str:
    """Up to 6 significant digits; never '-0'."""
    return f"{float(x) + 0.0:.6g}"


def explanation_html(
    w: float,
    grad: float,
    update: float,
    recent: Sequence[float],
    share: float,
    amount: bool = True,
) -> str:
    """What the step at `w` does (rich text). `recent`: the last (up to) three points' w;
    `share`: learning rate × C''(w), the part of the way to the bottom one step covers;
    `amount`: say how far w moves (False while the learner works it out)."""
    by = f", by {fmt(abs(update))}" if amount else " (how far: your turn)"
    if abs(grad) < 1e-8:
        now = (
            f"At w = {fmt(w)} the slope is (almost) <b>0</b>: the curve is flat here, "
            f"so there is no downhill direction left and w hardly moves. This is the "
            f"bottom (or a flat spot)."
        )
    elif grad < 0:
        now = (
            f"At w = {fmt(w)} the slope is <b>negative</b> ({fmt(grad)}): the curve goes "
            f"down to the right, so a bigger w means a lower cost. Stepping against the "
            f"slope moves w <b>right</b>{by}."
        )
    elif grad > 0:
        now = (
            f"At w = {fmt(w)} the slope is <b>positive</b> ({fmt(grad)}): the curve goes "
            f"up to the right, so a smaller w means a lower cost. Stepping against the "
            f"slope moves w <b>left</b>{by}."
        )
    rule = (
        "<b>The rule:</b> next w = w − learning rate × slope. A steep slope gives a big "
        "step and a gentle one a small step, so w slows down as it nears the bottom."
    )
    hint = ""
    if len(recent) == 3:
        before, last = recent[1] - recent[0], recent[2] - recent[1]
        if before * last < 0 and abs(last) > abs(before):
            hint = (
                "Each jump lands further from the bottom than the one before: the "
                "learning rate is too large and the run is <b>diverging</b>. Left "
                "alone, w runs off to infinity."
            )
        elif before * last < 0:
            hint = (
                "The last step jumped right over the bottom (the slope changed sign). "
                "The jumps are shrinking, so w still settles down."
            )
    if not hint and 0 < share < 0.05 and abs(grad) >= 1e-8:
        hint = (
            f"Each step covers only about {share:.0%} of the way to the bottom: with "
            f"this learning rate w creeps along."
        )
    hint = hint or (
        "Try the presets: a tiny rate creeps, a large one bounces across the "
        "bottom, and a too-large one flies off."
    )
    parts = [now, rule, f"<i>{hint}</i>"]
    return "".join(f"<p>{p}</p>" for p in parts)
