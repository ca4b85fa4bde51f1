"""The network builder in forms: ``ConfigForm`` edits a network-mode :class:`gdsim.config.Config`.

Modules, one job each: ``config_form`` (composition, validation, signals), ``data_form`` (data
source), ``network_form`` (layers editor), ``training_form`` (loss, init, batch size,
regularisation), ``optimizer_form`` (optimizer and its settings), ``csv_dialog`` (CSV column
mapping), ``shape`` (data size and output/loss rules, no Qt), ``widgets`` (shared pieces),
``tips`` (tooltip texts).
"""

from gdsim.app.forms.config_form import ConfigForm, describe_change
from gdsim.app.forms.csv_dialog import CsvColumnsDialog

__all__ = ["ConfigForm", "CsvColumnsDialog", "describe_change"]
