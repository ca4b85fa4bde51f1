"""How much memory a network run needs, estimated before anything is allocated, and the check
that refuses a run over :data:`~gdsim.config.names.MAX_RUN_MEMORY` or with more than
:data:`~gdsim.config.names.MAX_NETWORK_PARAMETERS` parameters.

The estimate (measured on the engine; it errs on the high side):

- 200 bytes per parameter: its value, gradient and last update, the optimizer's state (up to
  four vectors for Adam with amsgrad), a zero vector, and its name and identity arrays;
- 32 bytes per hidden or output unit per sample: the forward and backward buffers (z, a, the
  delta and dC/da) for the training set, the test set and a mini-batch;
- 16 bytes per data value (inputs and targets of every sample): the data set and a copy;
- the trainer's history budget (:data:`~gdsim.config.names.HISTORY_MEMORY`).

The data's size is part of the config for built-in data sets; for a CSV data set it is known
once the file has been read, and :func:`gdsim.session.run_files.open_trainer` checks again then.
"""

from __future__ import annotations

from gdsim.config.errors import config_error
from gdsim.config.names import HISTORY_MEMORY, MAX_NETWORK_PARAMETERS, MAX_RUN_MEMORY
from gdsim.config.sections import NetworkConfig
from gdsim.errors import show_bytes

BYTES_PER_PARAMETER = 200
BYTES_PER_ACTIVATION = 32
BYTES_PER_DATA_VALUE = 16
_KEY = "network.layers"


def parameter_count(network: NetworkConfig) -> int:
    """Weights and biases of a network: sum of (fan_in + 1) * units over the layers."""
    sizes = [network.inputs, *(layer.units for layer in network.layers)]
    return sum((fan_in + 1) * units for fan_in, units in zip(sizes[:-1], sizes[1:], strict=True))


def run_memory(network: NetworkConfig, batch_size: int = 0, samples: int = 0) -> int:
    """Bytes a run of this network on `samples` samples (0: not known yet) is estimated to need."""
    units = sum(layer.units for layer in network.layers)
    rows = samples + (min(batch_size, samples) if batch_size else 0)
    values = samples * (network.inputs + network.layers[-1].units)
    return (
        HISTORY_MEMORY
        + BYTES_PER_PARAMETER * parameter_count(network)
        + BYTES_PER_ACTIVATION * units * rows
        + BYTES_PER_DATA_VALUE * values
    )


def check_run_size(network: NetworkConfig, batch_size: int = 0, samples: int = 0) -> None:
    """Refuse (ConfigError on ``network.layers``) a network whose run would need more than
    MAX_RUN_MEMORY or that has more than MAX_NETWORK_PARAMETERS parameters."""
    count = parameter_count(network)
    need = run_memory(network, batch_size, samples)
    if need > MAX_RUN_MEMORY:
        by_samples = need - run_memory(network) > need // 2  # the data's part is the larger
        on = f" on {samples:,} samples" if by_samples else ""
        fewer = "fewer or smaller layers" + (" or fewer samples" if by_samples else "")
        raise config_error(
            _KEY,
            f"this network ({count:,} parameters){on} would need about {show_bytes(need)} of "
            f"memory; the limit is {show_bytes(MAX_RUN_MEMORY)} (use {fewer})",
        )
    if count > MAX_NETWORK_PARAMETERS:
        raise config_error(
            _KEY,
            f"this network has {count:,} parameters; the limit is {MAX_NETWORK_PARAMETERS:,} "
            f"(use fewer or smaller layers)",
        )
