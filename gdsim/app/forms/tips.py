"""One plain sentence per field and per choice, shown as tooltips (no Qt here)."""

from __future__ import annotations

FIELDS: dict[str, str] = {
    # data
    "data.source": "Where the training examples come from: a generated toy problem or your own "
    "CSV file.",
    "data.name": "Which generated toy problem to learn.",
    "data.samples": "How many examples are generated (training and test together).",
    "data.noise": "How much random jitter is added to the examples; more noise makes the "
    "problem harder.",
    "data.test_fraction": "The share of examples held back to check how well the network does "
    "on data it never trained on (0 = train on everything).",
    "data.seed": "The random seed for generating and splitting the data; the same seed gives "
    "the same examples.",
    "data.path": "The CSV file with a header row and one example per line.",
    "data.columns": "Which CSV columns are the inputs and which are the targets to predict.",
    # network
    "network.inputs": "How many numbers each example feeds into the network; it follows the data.",
    "network.hidden": "Layers between the inputs and the output; each neuron computes "
    "activation(weights \u00b7 inputs + bias).",
    "network.units": "How many neurons this layer has.",
    "network.activation": "The function applied to each neuron's weighted sum; it lets the "
    "network bend its decision boundary.",
    "network.output_units": "How many numbers the network predicts; it follows the data where "
    "the data determines it.",
    "network.output_activation": "The function that turns the last weighted sums into the "
    "prediction; the loss decides which ones fit.",
    "network.add": "Add another hidden layer (a copy of the last one).",
    "network.remove": "Remove this hidden layer.",
    "network.summary": "The layer sizes from input to output, and how many weights and biases "
    "gradient descent adjusts.",
    # training
    "loss": "The cost being minimised: how far the predictions are from the targets.",
    "init.scheme": "How the weights are chosen before training starts (biases start at 0).",
    "init.scale": "The spread of the random starting weights.",
    "init.seed": "The random seed for the starting weights; the same seed gives the same start.",
    "batch_size": "How many training examples each gradient step uses; \u201cfull batch\u201d "
    "uses all of them every step.",
    "regularization.kind": "An extra cost on large weights that discourages over-fitting.",
    "regularization.rate": "How strongly large weights are penalised.",
    # optimizer
    "optimizer.name": "The rule that turns gradients into parameter updates.",
    "optimizer.learning_rate": "How far each update moves the parameters: new = old - learning "
    "rate \u00d7 gradient.",
    "optimizer.momentum": "How much of the previous update is carried into the next one, like a "
    "ball rolling downhill (0 = none).",
    "optimizer.dampening": "How much of the current gradient is held back when it is added to "
    "the momentum.",
    "optimizer.nesterov": "Look ahead: take the gradient where the momentum is about to carry "
    "the parameters (needs momentum > 0 and dampening 0).",
    "optimizer.alpha": "How slowly RMSprop's average of squared gradients forgets old values "
    "(closer to 1 = longer memory).",
    "optimizer.eps": "A tiny number added to the divisor so an update never divides by zero.",
    "optimizer.centered": "Divide by the variance of the gradient instead of its mean square.",
    "optimizer.beta1": "How slowly Adam's average of the gradient (its momentum) forgets old "
    "values.",
    "optimizer.beta2": "How slowly Adam's average of the squared gradient forgets old values.",
    "optimizer.amsgrad": "Use the largest squared-gradient average seen so far, so steps never "
    "grow back.",
}

CHOICES: dict[str, str] = {
    # activations
    "linear": "linear: passes the weighted sum through unchanged.",
    "sigmoid": "sigmoid: squashes the sum into (0, 1); 1 / (1 + e^-z).",
    "tanh": "tanh: squashes the sum into (-1, 1), centred on 0.",
    "relu": "relu: keeps positive sums and turns negative ones into 0.",
    "leaky_relu": "leaky_relu: like relu, but negative sums keep a small slope (0.01).",
    "softmax": "softmax: turns the outputs into probabilities that add up to 1 (output layer "
    "only).",
    # losses
    "mse": "mse: mean squared error, the average of (prediction - target)\u00b2; for numbers.",
    "bce": "bce: binary cross-entropy, for yes/no targets predicted by a sigmoid output.",
    "cross_entropy": "cross_entropy: for one of several classes predicted by a softmax output.",
    # init schemes
    "xavier_uniform": "xavier_uniform: uniform weights scaled by fan-in and fan-out; suits "
    "tanh and sigmoid.",
    "xavier_normal": "xavier_normal: normal weights scaled by fan-in and fan-out; suits tanh "
    "and sigmoid.",
    "he_uniform": "he_uniform: uniform weights scaled by fan-in; suits relu.",
    "he_normal": "he_normal: normal weights scaled by fan-in; suits relu.",
    "uniform": "uniform: weights drawn evenly from [-scale, scale].",
    "normal": "normal: weights drawn from a normal distribution with std = scale.",
    "zeros": "zeros: every weight starts at 0 (neurons of a layer then stay identical).",
    # optimizers
    "sgd": "sgd: plain gradient descent, optionally with momentum.",
    "rmsprop": "rmsprop: divides each step by a running average of the squared gradient.",
    "adam": "adam: momentum plus RMSprop-style scaling, with bias correction.",
    # regularization
    "none": "none: no weight penalty.",
    "l1": "l1: adds rate \u00d7 sum |w|, pushing weights to exactly 0.",
    "l2": "l2: adds rate \u00d7 sum w\u00b2, keeping weights small.",
    # data sources and sets
    "builtin": "builtin: a generated toy problem.",
    "csv": "csv: columns of your own CSV file.",
    "xor": "xor: two classes in opposite quadrants; needs a hidden layer.",
    "circle": "circle: one class inside a ring of the other.",
    "gaussian": "gaussian: two overlapping blobs; a single neuron can separate them.",
    "spiral": "spiral: two interleaved spirals; needs a bigger network.",
    "sine": "sine: numbers on a sine wave, y = sin(\u03c0 x) (regression).",
}

# "linear" is both an activation and a data set: data-set combos look here first.
DATASET_CHOICES = {
    "linear": "linear: numbers on a straight line, y = 0.8 x + 0.3 (regression).",
}


def choice_tip(name: str, kind: str = "") -> str:
    if kind == "dataset" and name in DATASET_CHOICES:
        return DATASET_CHOICES[name]
    return CHOICES.get(name, name)
