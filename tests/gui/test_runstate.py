from gdsim.session.runstate import describe_parameter, parameter_layers


def test_parameter_names_in_plain_words():
    assert describe_parameter("w1_2_1") == "weight into neuron 2 of layer 1 from input 1"
    assert describe_parameter("w3_1_4") == (
        "weight into neuron 1 of layer 3 from neuron 4 of layer 2"
    )
    assert describe_parameter("b2_1") == "bias of neuron 1 of layer 2"
    assert describe_parameter("w") == "parameter w"
    assert parameter_layers(("w1_1_1", "b2_1", "w")) == (1, 2, 0)


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
