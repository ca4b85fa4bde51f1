"""Tooltip texts, in one place: form fields, choices, training controls, table headers.

Plain words for a learner, one to three sentences each: what the thing is, what changing it
does and, where it helps, typical values. No Qt here (the parameter table and the training
controls read these too).
"""

from __future__ import annotations

FIELDS: dict[str, str] = {
    # data
    "data.source": "Where the training examples come from: builtin generates a small toy "
    "problem or takes a real data set shipped with gdsim, csv reads columns of your own CSV "
    "file.",
    "data.name": "Which problem to learn. xor, circle, gaussian and spiral are classes of "
    "points to separate; linear and sine are curves to fit; digits and iris are real data. "
    "Hover over a choice for details.",
    "data.samples": "How many examples are generated, training and test together. More "
    "examples show the pattern better but make each full-batch step slower; 100\u2013500 is "
    "typical.",
    "data.noise": "How much random jitter is added to the examples. 0 gives perfectly clean "
    "data; more noise blurs the pattern and makes it harder to learn (0.1\u20130.3 is typical).",
    "data.classes": "How many classes of points: gaussian makes that many blobs round a circle, "
    "spiral that many arms. With more than 2 the output layer needs one softmax unit per class "
    "and the cross_entropy loss.",
    "data.classes.fixed": "Only gaussian and spiral can make more than 2 classes; this data set "
    "has its own.",
    "data.real": "Does not apply: digits and iris are real data with their own examples and "
    "their own noise.",
    "data.standardize": "Shift and scale each input to mean 0 and standard deviation 1, using "
    "the training examples' mean and spread (the test examples get the same shift and scale). "
    "Real data needs it: inputs on very different scales (pixels 0–16, centimetres) make "
    "the cost a long narrow valley that one learning rate descends badly.",
    "data.features": "What the network gets from each point (x1, x2): the coordinates "
    "themselves, or numbers computed from them such as x1\u00b2. The right features can make "
    "a problem easy: on circle, x1\u00b2 and x2\u00b2 alone let a network with no hidden layer "
    "separate the classes. Each one is an input neuron; at least one stays on.",
    "data.features.last": "At least one input must stay on: the network needs something to "
    "read. Turn another one on first.",
    "data.test_fraction": "The share of examples held back to test the network on data it never "
    "trained on, e.g. 0.2 = 20\u00a0%. 0 trains on everything, so there is no test cost to "
    "compare.",
    "data.seed": "The random seed for generating and splitting the data: the same seed gives "
    "exactly the same examples, another seed a new random draw of the same problem.",
    "data.path": "The CSV file: a header row with the column names, then one example per line "
    "(numbers only in the columns you use).",
    "data.choose": "Pick a CSV file of your own, then choose which of its columns are the "
    "inputs and which is the target.",
    "data.columns": "Choose again which CSV columns the network reads (inputs) and which it "
    "should learn to predict (target).",
    # network
    "network.inputs": "How many numbers each example feeds into the network (a point's two "
    "coordinates x1 and x2 = 2). It is set by the data, so it cannot be changed here.",
    "network.hidden": "Layers between the inputs and the output. Each neuron computes "
    "activation(weights \u00b7 inputs + bias); hidden layers let the network learn curved, "
    "non-linear patterns.",
    "network.layer": "A layer between the inputs and the output; each of its neurons computes "
    "activation(weights \u00b7 outputs of the layer before + bias).",
    "network.units": "How many neurons this layer has. More neurons can fit more complicated "
    "shapes but add parameters to train; 2\u201316 is plenty for the toy problems.",
    "network.activation": "The function applied to each neuron's weighted sum. A non-linear one "
    "(tanh, relu, sigmoid) lets the network bend its decision boundary; linear cannot.",
    "network.output_units": "How many numbers the network predicts: 1 for a yes/no answer or a "
    "single number, one per class with softmax. Where the data decides it, it follows the data.",
    "network.output_activation": "The function that turns the last weighted sums into the "
    "prediction, such as a probability or a plain number; the loss decides which ones fit.",
    "network.add": "Add another hidden layer (a copy of the last one). Deeper networks can learn "
    "more complicated shapes, but they train more slowly and are harder to start well.",
    "network.remove": "Remove hidden layer {index}; the layers after it move up. The network "
    "then has fewer parameters to train.",
    "network.full": "At most {count} hidden layers here: remove one before adding another.",
    "network.summary": "The layer sizes from input to output, and how many weights and biases "
    "gradient descent adjusts.",
    # training
    "loss": "The cost that training minimises: one number for how far the predictions are from "
    "the targets. mse suits numbers, bce yes/no answers, cross_entropy one of several classes.",
    "init.scheme": "How the random starting weights are chosen (biases start at 0). xavier suits "
    "tanh and sigmoid, he suits relu; zeros shows why a random start matters.",
    "init.scale": "The spread of the random starting weights for the uniform and normal "
    "schemes. Too small and learning starts slowly, too large and neurons saturate; 0.1\u20131 "
    "is typical.",
    "init.seed": "The random seed for the starting weights: the same seed gives the same start "
    "every time (Reset), another seed a different one (Re-randomise).",
    "batch_size": "How many training examples each step uses to estimate the gradient. "
    "\u201cfull batch\u201d uses all of them (smooth, exact steps); small batches such as "
    "8\u201332 give cheaper, noisier steps.",
    "regularization.kind": "An extra cost on large weights that discourages over-fitting "
    "(memorising the training examples instead of the pattern). l2 keeps weights small, l1 "
    "pushes unneeded ones to exactly 0.",
    "regularization.rate": "How strongly large weights are penalised; it only applies with l1 "
    "or l2. Typical values are 0.0001\u20130.01; too much keeps the network from fitting at all.",
    # optimizer
    "optimizer.name": "The rule that turns gradients into parameter updates. sgd is plain "
    "gradient descent; rmsprop and adam adapt the step size of each parameter as they go.",
    "optimizer.learning_rate": "How far each update moves the parameters: new = old - learning "
    "rate \u00d7 gradient. Too small crawls, too large overshoots or blows up; try 0.01\u20130.5 "
    "for sgd, 0.001\u20130.01 for adam.",
    "optimizer.momentum": "How much of the previous update is carried into the next one, like a "
    "ball rolling downhill: it speeds up long slopes and smooths zig-zags. 0 = none, 0.9 is "
    "typical.",
    "optimizer.dampening": "How much of the current gradient is held back when it is added to "
    "the momentum. 0 (none) is usual; it only matters when momentum is above 0.",
    "optimizer.nesterov": "Look ahead: take the gradient where the momentum is about to carry "
    "the parameters, which often overshoots less. Needs momentum > 0 and dampening 0.",
    "optimizer.alpha": "How slowly RMSprop's running average of squared gradients forgets old "
    "values: closer to 1 = longer memory and steadier step sizes. 0.99 is typical.",
    "optimizer.eps": "A tiny number added to the divisor so an update never divides by zero; "
    "1e-8 is typical. Larger values make the steps more like plain sgd.",
    "optimizer.centered": "Centred RMSprop: divide by the spread (variance) of the gradient "
    "instead of its mean square. Sometimes steadier; usually off.",
    "optimizer.beta1": "How slowly Adam's average of the gradient (its momentum) forgets old "
    "values; 0.9 is typical. Lower reacts faster, higher is smoother.",
    "optimizer.beta2": "How slowly Adam's average of the squared gradient, which sets each "
    "parameter's step size, forgets old values; 0.999 is typical.",
    "optimizer.amsgrad": "AMSGrad: use the largest squared-gradient average seen so far, so a "
    "parameter's step size never grows back. Usually off.",
    # the CSV column dialog
    "csv.roles": "Tick Input for each column the network should read and Target for the column "
    "it should learn to predict; a column is one or the other. Unticked columns are ignored.",
    "csv.role": "Use \u201c{name}\u201d as {role}.",
    "csv.unnamed": "A column without a name in the header row cannot be used.",
    "csv.preview": "The first rows of the file as they are, to check the columns; the input "
    "and target columns are tinted in two different colours.",
    "csv.ok": "Load the file with these columns and use it as the training data.",
    "csv.cancel": "Close this dialog and keep the data as it was.",
}

CONTROLS: dict[str, str] = {
    "step": "Apply one update: compute the gradient of the cost and move every parameter a "
    "little against it, downhill (F10).",
    "step_back": "Undo the last update: go back one step to the exact state before it "
    "(parameters, optimizer state, batch order), as if it had not happened (F9).",
    "step_n": "Apply N updates in a row (N is the number beside this button), then pause "
    "(Shift+F10).",
    "step_n_count": "How many updates \u201cStep N\u201d applies, e.g. 10 or 100.",
    "run": "Train continuously, one update after another, until you pause or a stop rule "
    "is met (F5).",
    "pause": "Pause training; the parameters keep the values they have now (F5).",
    "reset": "Back to step 0 with the same seed: exactly the same starting parameters, so you "
    "can try another setting from the same start (Ctrl+R).",
    "rerandomise": "Back to step 0 with a new random seed: different starting weights, to see "
    "whether training always ends up in the same place (Ctrl+Shift+R).",
    "speed": "A speed limit in updates per second: slow training down to watch each update, or "
    "leave it unlimited to train as fast as the computer can.",
    "max_steps": "Pause automatically when the run reaches this step number, e.g. 1,000. "
    "\u201cno limit\u201d (0) keeps going until you pause.",
    "target_cost": "Pause automatically as soon as the cost is at or below this value, e.g. "
    "0.01. Leave it empty for no cost limit.",
    "export": "Save the run to a CSV file: every recorded step's cost, parameters and "
    "gradients, for a spreadsheet or your own plots (Ctrl+E).",
}

# The parameter table's column headers, in order.
PARAMETER_COLUMNS: tuple[str, ...] = (
    "The parameter's name: w{layer}_{to}_{from} is the weight into neuron {to} from neuron "
    "{from} of the layer before; b{layer}_{neuron} is a neuron's bias. Hover over a name for "
    "it in words.",
    "The layer the parameter belongs to: 1 is the first layer after the inputs (\u201c-\u201d "
    "for a function's parameter).",
    "The parameter's current value: the number the network computes with right now. "
    "Double-click it (or press F2) to set it by hand.",
    "dC/dp, the gradient (p is any parameter: a weight w or a bias b): how much the cost "
    "changes per unit change of this parameter at the "
    "current values. The next update moves the parameter against it; near 0 means it barely "
    "learns.",
    "How much the last update changed the parameter (new - old); for plain sgd it is "
    "-learning rate \u00d7 gradient.",
    "Frozen: no update is applied to this parameter; its gradient is still computed and shown. "
    "Tick to freeze it, untick to let it learn again.",
)

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
    "builtin": "builtin: a generated toy problem, or real data shipped with gdsim.",
    "csv": "csv: columns of your own CSV file.",
    "xor": "xor: two classes in opposite quadrants; needs a hidden layer.",
    "circle": "circle: one class inside a ring of the other.",
    "gaussian": "gaussian: overlapping blobs, one per class; a single neuron can separate two.",
    "spiral": "spiral: interleaved spiral arms, one per class; needs a bigger network.",
    "sine": "sine: numbers on a sine wave, y = sin(\u03c0 x) (regression).",
    "digits": "digits: 1,797 handwritten digits, 8\u00d78 pixels (64 inputs), 10 classes; real "
    "data (UCI, Alpaydin & Kaynak 1998).",
    "iris": "iris: 150 iris flowers, 4 measurements in cm, 3 species; real data (Fisher 1936).",
}

# The input features (data.features), one tip each.
FEATURE_TIPS: dict[str, str] = {
    "x1": "x1: the point's first coordinate, as it is.",
    "x2": "x2: the point's second coordinate, as it is.",
    "x1^2": "x1\u00b2 = x1 \u00d7 x1: large far from the middle on either side, so a "
    "straight line in it is a band or a curve in the plane.",
    "x2^2": "x2\u00b2 = x2 \u00d7 x2: large far from the middle, above or below.",
    "x1*x2": "x1\u00b7x2 = x1 \u00d7 x2: positive in the top-right and bottom-left quarters, "
    "negative in the other two: xor in a single number.",
    "sin(x1)": "sin x1: the sine of x1 (in radians), a wave along x1.",
    "sin(x2)": "sin x2: the sine of x2 (in radians), a wave along x2.",
}

# "linear" is both an activation and a data set: data-set combos look here first.
DATASET_CHOICES = {
    "linear": "linear: numbers on a straight line, y = 0.8 x + 0.3 (regression).",
}


def choice_tip(name: str, kind: str = "") -> str:
    if kind == "dataset" and name in DATASET_CHOICES:
        return DATASET_CHOICES[name]
    return CHOICES.get(name, name)


def about(subject: str, key: str) -> str:
    """A field tip introduced by what it is about: "Hidden layer 2: how many neurons ..."."""
    text = FIELDS[key]
    return f"{subject}: {text[:1].lower()}{text[1:]}"
