"""Neuron maps, Qt-free: what every neuron of a 2-input network does over the input plane.

The plane is the data's x1/x2 range plus a margin (the Prediction tab's grid,
:func:`gdsim.app.views.prediction_numbers.boundary_grid`), on a coarse grid of
:func:`map_side` x :func:`map_side` points: 24 x 24 for the small networks a learner draws,
fewer for wide ones (at most MAP_WORK parameters x points a refresh, never fewer than 8 x 8).
:func:`plane_inputs` turns those points into network inputs; :func:`neuron_maps` sends them
through the network in ONE batched pass (vectorised, no per-point loop) and gives every layer's
values at once.

Two layers of maps:

* ``"activation"``: a = f(z) of each neuron at each point of the plane;
* ``"gradient"``: how much the network's output moves per unit of the neuron's activation,
  dŷ/da. Over the plane there is no target, so the loss has no value there; the output ŷ is
  what the learner sees change, and dŷ/da says where in the plane a neuron matters to it (and
  with which sign). ŷ is the number the Prediction tab maps: the single output, p(class 1) of a
  2-class softmax, the predicted class's probability over more classes. For an output neuron
  dŷ/da would be 1 (it *is* ŷ), so its map shows dŷ/dz instead: the slope of its activation,
  largest where the prediction is about to flip.

Both are drawn on one shared symmetric colour scale (:func:`shared_scale`): the background
colour at 0, towards the theme's blue for positive and red for negative values
(:func:`map_rgba`), so a neuron's zero line is where its colour fades to the background.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdsim.engine import features
from gdsim.engine.network import Network

__all__ = [
    "KINDS",
    "MAP_SIDE",
    "MAP_WORK",
    "MIN_SIDE",
    "NeuronMaps",
    "map_rgba",
    "map_side",
    "neuron_maps",
    "output_index",
    "plane_inputs",
    "shared_scale",
]

MAP_SIDE = 24  # grid points along each axis of a small network's maps
MIN_SIDE = 8  # ... and never fewer, however big the network
MAP_WORK = 4_000_000  # parameters x grid points one refresh may cost (~2 ms of products here)
KINDS = ("activation", "gradient")
LEGEND = {
    "activation": "activation a = f(z) over the input plane",
    "gradient": "dŷ/da over the input plane: how much the output ŷ moves per unit of the "
    "neuron's activation (output neurons: dŷ/dz)",
}


def plane_inputs(model, xy: np.ndarray) -> np.ndarray:
    """The network's inputs for points `xy` (2 x points: raw x1, x2) of the data's plane: the
    points themselves, or the input features a run derives from them (say x1², x2²), made and
    standardised as the run's data were (`model`: the run model)."""
    return features.plane_inputs(model.dataset, xy)


def map_side(n_params: int) -> int:
    """Grid points per axis: MAP_SIDE, fewer for a network whose pass over MAP_SIDE² points
    would cost more than MAP_WORK (parameters x points), never fewer than MIN_SIDE."""
    if n_params * MAP_SIDE * MAP_SIDE <= MAP_WORK:
        return MAP_SIDE
    return max(MIN_SIDE, math.isqrt(MAP_WORK // max(1, n_params)))


def output_index(out: np.ndarray) -> np.ndarray:
    """Per point, the output ŷ the gradient maps follow: the only one, the second of two
    (p(class 1)), or the largest of more (the predicted class)."""
    n_out, points = out.shape
    if n_out == 1:
        return np.zeros(points, dtype=np.intp)
    if n_out == 2:
        return np.ones(points, dtype=np.intp)
    safe = np.where(np.isfinite(out), out, -np.inf)
    return safe.argmax(axis=0)


@dataclass
class NeuronMaps:
    """``layers[l - 1]`` is layer l's values, units x side x side, [j, i1, i2] at
    (x1[i1], x2[i2]); ``kind`` is "activation" or "gradient"."""

    kind: str
    layers: list[np.ndarray]
    x1: np.ndarray
    x2: np.ndarray

    @property
    def side(self) -> int:
        return self.x1.size

    def of(self, layer: int, j: int) -> np.ndarray:
        """The map of neuron j (1-based) of `layer` (>= 1): side x side."""
        return self.layers[layer - 1][j - 1]


def neuron_maps(
    net: Network, inputs: np.ndarray, x1: np.ndarray, x2: np.ndarray, kind: str
) -> NeuronMaps:
    """Every neuron's map from one batched pass of `inputs` (features x side², point
    [i1 * side + i2] at (x1[i1], x2[i2])) through `net` (its parameters in place)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    side = x1.size
    with np.errstate(all="ignore"):
        values = net.layer_values(inputs)  # (z, a) of every layer, copies
        if kind == "activation":
            per_layer = [a for _, a in values]
        else:
            per_layer = _output_gradients(net, values)
    shaped = [v.reshape(v.shape[0], side, side) for v in per_layer]
    return NeuronMaps(kind, shaped, x1, x2)


def _output_gradients(net: Network, values: list[tuple[np.ndarray, np.ndarray]]) -> list:
    """dŷ/da of every hidden neuron and dŷ/dz of the outputs, per point: the backward pass
    seeded with 1 at the followed output ŷ (not with a loss)."""
    z_out, a_out = values[-1]
    seed = np.zeros_like(a_out)
    seed[output_index(a_out), np.arange(a_out.shape[1])] = 1.0
    last = net.n_layers - 1
    delta = net.activations[last].backward(z_out, a_out, seed, out=np.empty_like(z_out))
    out = [delta]  # the output layer: dŷ/dz
    for layer in range(last, 0, -1):
        grad_a = net.weights[layer].T @ delta  # dŷ/da of layer `layer` (0-based: layer - 1)
        out.append(grad_a)
        z, a = values[layer - 1]
        delta = net.activations[layer - 1].backward(z, a, grad_a, out=np.empty_like(z))
    out.reverse()
    return out


def shared_scale(maps: NeuronMaps) -> float:
    """The symmetric colour scale of all the maps: the largest finite |value| (1 when there is
    none or it is 0)."""
    top = 0.0
    for values in maps.layers:
        finite = np.abs(values[np.isfinite(values)])
        if finite.size:
            top = max(top, float(finite.max()))
    return top if top > 0.0 else 1.0


def map_rgba(
    values: np.ndarray,
    scale: float,
    negative: np.ndarray,
    background: np.ndarray,
    positive: np.ndarray,
    gray: np.ndarray,
) -> np.ndarray:
    """An image of a map (side x side, [i1, i2] at (x1, x2); or several: ... x side x side) as
    rows x columns x RGBA bytes, top row the largest x2 and left column the smallest x1 (as a
    plot draws the plane): the background at 0, fully `positive` / `negative` at ±scale,
    `gray` where not finite. Colours are 3 floats 0-255."""
    v = np.swapaxes(values, -1, -2)[..., ::-1, :]  # rows: x2 from the top; columns: x1
    finite = np.isfinite(v)
    t = np.clip(np.where(finite, v, 0.0) / scale, -1.0, 1.0)[..., None]
    end = np.where(t >= 0.0, positive, negative)
    rgb = background + (end - background) * np.abs(t)
    rgb = np.where(finite[..., None], rgb, gray)
    rgba = np.empty((*v.shape, 4), dtype=np.uint8)
    rgba[..., :3] = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
    rgba[..., 3] = 255
    return np.ascontiguousarray(rgba)
