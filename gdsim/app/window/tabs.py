"""The tabs under the main window's plots: their titles and tooltips, by key.

The keys are the ones the lessons start page names (``tab:<key>``, gdsim.app.lessons.registry).
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

TABS = {  # key: (title, tooltip), in tab order
    "parameters": (
        "Parameters and gradients",
        "Every parameter's value beside its gradient and last update "
        "(double-click a row to see its chain rule)",
    ),
    "prediction": (
        "Prediction",
        "What the network predicts now: decision boundary or fitted curve",
    ),
    "weight_images": (
        "Weight images",
        "Image-like inputs (such as 8×8 digits): each first-layer neuron's weights drawn as an "
        "image beside its gradient",
    ),
    "gradient_health": (
        "Gradient health",
        "Gradient size per layer over time, with warnings for zero, vanishing or exploding "
        "gradients",
    ),
    "chain_rule": (
        "Chain rule",
        "Backpropagation for one weight and one sample, factor by factor",
    ),
    "loss_surface": (
        "Loss surface",
        "The cost over two chosen weights, the others frozen, with the training path",
    ),
    "step_by_phase": (
        "Step by phase",
        "One update on a network diagram: forward pass, cost, backward pass, update",
    ),
}


def bottom_tabs(views: dict[str, QWidget]) -> QTabWidget:
    """A tab widget with one tab per key of TABS, showing `views[key]`."""
    tabs = QTabWidget()
    tabs.setObjectName("bottomTabs")
    for key, (title, tip) in TABS.items():
        tabs.setTabToolTip(tabs.addTab(views[key], title), tip)
    return tabs
