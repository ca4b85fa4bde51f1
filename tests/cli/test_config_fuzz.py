"""A config fuzz: 2,000 mutations of the shipped example configs through `gdsim train` give no
traceback, no hang, no warning and no message over one line. The CLI's main() runs in-process
with two training steps, so the whole fuzz takes about a minute."""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import shutil
import tempfile
import time
import warnings
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdsim.cli import main
from gdsim.resources import example_configs

EXAMPLES = {p.stem: json.loads(p.read_text()) for p in example_configs()}
DATA = Path(example_configs()[0]).parents[1] / "data"
_HUGE = "\x00HUGE:"  # a JSON string standing for an integer literal of that many digits
_folder: Path | None = None


def folder() -> Path:
    """examples/ and data/ side by side, as shipped (a CSV config reads ../data/...)."""
    global _folder
    if _folder is None:
        _folder = Path(tempfile.mkdtemp(prefix="gdsim-fuzz-"))
        atexit.register(shutil.rmtree, _folder, True)
        shutil.copytree(DATA, _folder / "data")
        (_folder / "examples").mkdir()
    return _folder


def huge(digits: int) -> str:
    return f"{_HUGE}{digits}"


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 300),
    st.integers(1, 40),  # plausible units, samples, seeds: some mutants train
    st.floats(1e-4, 5),  # plausible rates, noise, fractions
    st.integers(),
    st.sampled_from([0, 1, 2, 4, 10**6, 10**6 + 1, 2**32, 2**63, 10**21, -(10**30)]),
    st.integers(25, 6000).map(huge),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e-300, 1e300, -0.0, 0.5, 1000.0, 1000.0000001]),
    st.text(max_size=12),
    st.sampled_from(["sgd", "adam", "relu", "softmax", "csv", "builtin", "function", "w**2"]),
    st.sampled_from(["x1", "label", "../data/moons_like.csv", "/dev/zero", "nope.csv", "."]),
    st.sampled_from(["a\nb", "tab\there", "\u2028", "\ud800", "k" * 10_000, "1" * 5000]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
keys = st.one_of(
    st.text(max_size=10),
    st.sampled_from(["units", "activation", "samples", "layers", "name", "path", "\n", "é"]),
    st.just("k" * 10_000),
)


def _containers(node, out):
    if isinstance(node, dict | list):
        out.append(node)
        for child in node.values() if isinstance(node, dict) else node:
            _containers(child, out)
    return out


@st.composite
def mutated_configs(draw) -> str:
    config = json.loads(json.dumps(EXAMPLES[draw(st.sampled_from(sorted(EXAMPLES)))]))
    for _ in range(draw(st.integers(1, 4))):
        places = _containers(config, [])
        place = places[draw(st.integers(0, len(places) - 1))]
        action = draw(st.sampled_from(["set", "set", "set", "delete", "add"]))
        if isinstance(place, list):
            if not place or action == "add":
                place.append(draw(values))
            elif action == "delete":
                del place[draw(st.integers(0, len(place) - 1))]
            else:
                place[draw(st.integers(0, len(place) - 1))] = draw(values)
        elif action == "add" or not place:
            place[draw(keys)] = draw(values)
        else:
            key = draw(st.sampled_from(sorted(place)))
            if action == "delete":
                del place[key]
            else:
                place[key] = draw(values)
    text = json.dumps(config)
    while _HUGE in text:  # "\u0000HUGE:N" -> an integer literal of N digits
        start = text.index(json.dumps(_HUGE)[:-1])
        end = text.index('"', start + 1)
        digits = int(text[start + len(json.dumps(_HUGE)) - 1 : end])
        text = text[:start] + "9" * digits + text[end + 1 :]
    if draw(st.integers(0, 9)) == 0:  # now and then, break the text itself
        at = draw(st.integers(0, len(text)))
        text = (
            text[:at] + draw(st.sampled_from(["", ",", "}", "[", '"', "\n", "\ufeff"])) + text[at:]
        )
    return text


def run_train(text: str, out_name: str = "run.csv") -> tuple[int, str, str, float]:
    base = folder()
    config = base / "examples" / "fuzz.json"
    config.write_text(text, encoding="utf-8", errors="surrogatepass")
    out = base / "out" / out_name
    out.parent.mkdir(exist_ok=True)
    stdout, stderr = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["train", str(config), "--steps", "2", "--out", str(out)])
    return code, stdout.getvalue(), stderr.getvalue(), time.perf_counter() - started


def check_outcome(code: int, out: str, err: str, seconds: float) -> None:
    assert seconds < 30, f"took {seconds:.1f} s"
    assert code in (0, 1, 2), (code, out, err)
    assert "Traceback" not in out + err and "internal error" not in err
    if code == 0:
        assert err == "" and out.count("\n") == 1 and out.startswith("trained 2 steps"), out
    else:
        assert out == "" and err.count("\n") == 1 and err.startswith("gdsim"), err
    assert len(out + err) < 2100


@settings(
    max_examples=2000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated_configs())
def test_mutated_configs_get_a_result_or_one_line(text):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, out, err, seconds = run_train(text)
    check_outcome(code, out, err, seconds)
    assert [str(w.message) for w in caught] == []


def test_the_examples_themselves_train():
    for name, config in EXAMPLES.items():
        code, out, err, seconds = run_train(json.dumps(config))
        assert code == 0, (name, err)
        check_outcome(code, out, err, seconds)
