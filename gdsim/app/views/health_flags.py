"""The gradient health view's flags, Qt-free: zero, vanishing and exploding gradients, in plain
language, judged on a :class:`gdsim.app.views.gradient_record.GradientRecord`.

* zero       -- parameters whose gradient has been exactly 0 (|g| < zero_eps) for the last
                zero_steps+ steps (dead ReLU units);
* vanishing  -- a layer whose gradient norm is below vanish_ratio of the largest layer's;
* exploding  -- a layer norm above explode_norm, a norm that grew more than growth_factor
                times in the last growth_steps steps (unless it is still below GROWTH_FLOOR),
                or gradients that are no longer finite;
* healthy    -- none of the above.

Each flag says why it may happen for this network (its hidden activations) and what to do.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gdsim.app.views.gradient_record import GradientRecord, Limits, layer_label

__all__ = [
    "EXPLODE_NORM",
    "GROWTH_FACTOR",
    "GROWTH_FLOOR",
    "GROWTH_STEPS",
    "MAX_POINTS",
    "VANISH_RATIO",
    "ZERO_EPS",
    "ZERO_STEPS",
    "health_flags",
]

ZERO_EPS = 1e-12  # |g| below this counts as a zero gradient
ZERO_STEPS = 20  # ... for at least this many steps -> "zero" flag
VANISH_RATIO = 1e-3  # layer norm < this x the largest layer's -> "vanishing"
EXPLODE_NORM = 1e3  # layer norm above this -> "exploding"
GROWTH_FACTOR = 10.0  # ... or grew more than this many times
GROWTH_STEPS = 50  # ... within this many steps
GROWTH_FLOOR = 1e-2  # (growth of norms that are still tiny is not flagged)
MAX_POINTS = 5000  # plotted points per layer at most (stride doubling beyond)


def _ratio(x: float) -> str:
    return f"{x:,.0f}" if x < 1e6 else f"{x:.1e}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _vanish_reason(hidden: Sequence[str]) -> str:
    if "sigmoid" in hidden:
        return (
            "deep sigmoid stacks shrink the gradient at every layer, since sigmoid'(z) \u2264 0.25"
        )
    if "tanh" in hidden:
        return "saturated tanh units (tanh'(z) near 0) shrink the gradient at every layer"
    return (
        "each layer multiplies the gradient passed back by its weights and activation "
        "slopes; factors below 1 shrink it"
    )


def health_flags(
    record: GradientRecord, limits: Limits, network: bool, hidden: Sequence[str]
) -> list[tuple[str, str]]:
    """The flags, as (kind, text), for the record's current gradients (none before the first);
    `network`: not function mode; `hidden`: the hidden layers' activations."""
    if record.current is None or not len(record.layer_ids):
        return []
    flags: list[tuple[str, str]] = []
    norms = record.current_norms
    labels = [layer_label(record.layer_ids[p]) for p in range(len(norms))]

    # exploding: not finite, too big, or growing fast
    if not np.all(np.isfinite(record.current)):
        flags.append(
            (
                "exploding",
                "The gradients are no longer finite numbers (inf or NaN): training has "
                "blown up. Lower the learning rate and reset.",
            )
        )
    else:
        big = [p for p in range(len(norms)) if norms[p] > limits.explode_norm]
        growth = record.growth()
        fast = [
            p
            for p in range(len(norms))
            if growth[p] > limits.growth_factor and norms[p] > GROWTH_FLOOR and p not in big
        ]
        parts = [f"{labels[p]}'s gradient norm is {norms[p]:.3g}" for p in big]
        parts += [
            f"{labels[p]}'s grew {_ratio(growth[p])}x in the last {limits.growth_steps} steps"
            for p in fast
        ]
        if parts:
            flags.append(
                (
                    "exploding",
                    f"Exploding: {_join(parts)} (flagged above "
                    f"{limits.explode_norm:g}, or above {limits.growth_factor:g}x growth in "
                    f"{limits.growth_steps} steps). Gradients grow fast; the next updates "
                    f"will be huge \u2014 lower the learning rate.",
                )
            )

    # zero: parameters stuck at gradient 0 for zero_steps or more
    stuck = np.flatnonzero(record.step - record.zero_since >= limits.zero_steps)
    if len(stuck):
        names = [record.names[i] for i in stuck[:4]]
        shown = ", ".join(names) + (", \u2026" if len(stuck) > 4 else "")
        n_w = int(record.is_weight[stuck].sum())
        n_b = len(stuck) - n_w
        what = (
            (f"{n_w} weight{'s' * (n_w != 1)}" if n_w else "")
            + (" and " if n_w and n_b else "")
            + (f"{n_b} bias{'es' * (n_b != 1)}" if n_b else "")
        )
        if not network:
            what = f"{len(stuck)} parameter{'s' * (len(stuck) != 1)}"
        per_layer = ""
        if network and len(record.layer_ids) > 1:
            counts = [
                (lid, int(np.sum(record.param_layer[stuck] == lid))) for lid in record.layer_ids
            ]
            per_layer = " [" + ", ".join(f"layer {lid}: {c}" for lid, c in counts if c) + "]"
        why = (
            "a ReLU unit that never turns on passes no gradient back"
            if "relu" in hidden
            else "their units pass no gradient back"
            if network
            else "the cost is flat there"
        )
        flags.append(
            (
                "zero",
                f"Zero: {shown} ({what}{per_layer}) have had gradient 0 "
                f"(|g| < {limits.zero_eps:g}) for {limits.zero_steps}+ steps: they have "
                f"stopped learning ({why}).",
            )
        )

    # vanishing: a layer far smaller than the largest one
    finite = np.isfinite(norms)
    if len(norms) > 1 and finite.all() and norms.max() > 0:
        top = int(np.argmax(norms))
        small = [p for p in range(len(norms)) if norms[p] < limits.vanish_ratio * norms[top]]
        if small:
            worst = min(small, key=lambda p: norms[p])
            times = (
                "gradient exactly 0"
                if norms[worst] == 0
                else f"{_ratio(norms[top] / norms[worst])}x smaller"
            )
            who = _join([labels[p] for p in small])
            verb = "are" if len(small) == 1 else "are all"
            flags.append(
                (
                    "vanishing",
                    f"Vanishing: {who}'s gradients {verb} over "
                    f"{1 / limits.vanish_ratio:,.0f}x smaller than {labels[top]}'s "
                    f"({labels[worst]}: {times}): its weights barely move "
                    f"({_vanish_reason(hidden)}).",
                )
            )

    if not flags:
        lo, hi = float(np.min(norms)), float(np.max(norms))
        rng = f"{hi:.2g}" if len(norms) == 1 else f"{lo:.2g} to {hi:.2g}"
        flags.append(
            (
                "healthy",
                f"Healthy: gradient norms {rng}; none stuck at 0 for "
                f"{limits.zero_steps} steps, none below 1/{1 / limits.vanish_ratio:,.0f} of "
                f"the largest, none above {limits.explode_norm:g} or growing "
                f"{limits.growth_factor:g}x in {limits.growth_steps} steps.",
            )
        )
    return flags
