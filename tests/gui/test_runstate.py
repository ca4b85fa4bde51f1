from gdsim.app.runstate import describe_parameter, parameter_layers


def test_parameter_names_in_plain_words():
    assert describe_parameter("w1_2_1") == "weight into neuron 2 of layer 1 from input 1"
    assert describe_parameter("w3_1_4") == (
        "weight into neuron 1 of layer 3 from neuron 4 of layer 2")
    assert describe_parameter("b2_1") == "bias of neuron 1 of layer 2"
    assert describe_parameter("w") == "parameter w"
    assert parameter_layers(("w1_1_1", "b2_1", "w")) == (1, 2, 0)
