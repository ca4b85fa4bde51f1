from gdsim.engine.parameters import ParameterIndex, parse_parameter_name
from gdsim.session.runstate import RunInfo


def describe(name: str) -> str:
    return parse_parameter_name(name).describe()


def test_parameter_names_in_plain_words():
    assert describe("w1_2_1") == "weight into neuron 2 of layer 1 from input 1"
    assert describe("w3_1_4") == ("weight into neuron 1 of layer 3 from neuron 4 of layer 2")
    assert describe("b2_1") == "bias of neuron 1 of layer 2"
    assert describe("w") == "parameter w"
    assert ParameterIndex.from_names(("w1_1_1", "b2_1", "w")).layer.tolist() == [1, 2, 0]


def test_run_info_reads_the_identities_from_the_names_when_not_given():
    from gdsim.config import default_config

    info = RunInfo(1, default_config(), ("w1_1_1", "b2_1", "w"), (), 0)
    assert info.layers == (1, 2, 0)


def test_merged_snapshots_carry_every_row_and_the_last_state():
    import numpy as np

    from gdsim.engine.trainer import Trainer
    from gdsim.session.runstate import Snapshot, merge_snapshots

    t = Trainer()
    snaps, sent = [], -1
    for _ in range(3):
        t.step(5)
        chunk = t.history.since(sent)
        sent = t.step_count
        snaps.append(Snapshot.of_trainer(t, 1, chunk))
    merged = merge_snapshots(snaps)
    assert merged.chunk.steps.tolist() == list(range(16))
    assert merged.chunk.param_steps.tolist() == list(range(16))
    assert np.array_equal(merged.chunk.grads, t.history.grads())
    assert merged.step == 15 and merged is not snaps[-1]
