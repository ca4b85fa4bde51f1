"""The texts' safe markup, and `until` conditions: parsing, canonical text and evaluation."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdsim.lessonfile import Comparison, Condition, LessonError, parse_condition, render_markup

ALLOWED_TAGS = {"p", "b", "i", "code", "ul", "li"}


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("plain", "<p>plain</p>"),
        ("**bold** and *italic*", "<p><b>bold</b> and <i>italic</i></p>"),
        ("`x**2` stays", "<p><code>x**2</code> stays</p>"),
        ("one\ntwo\n\nthree", "<p>one two</p>\n<p>three</p>"),
        ("- a\n- **b**", "<ul><li>a</li><li><b>b</b></li></ul>"),
        ("Intro:\n- a\nafter", "<p>Intro:</p>\n<ul><li>a</li></ul>\n<p>after</p>"),
        ("**bold *inner* end**", "<p><b>bold <i>inner</i> end</b></p>"),
        ("2 * 3 * 4", "<p>2 * 3 * 4</p>"),
        ("a ** b", "<p>a ** b</p>"),
        ("<b>x</b> & 'q'", "<p>&lt;b&gt;x&lt;/b&gt; &amp; &#x27;q&#x27;</p>"),
        ("http://example.com", "<p>http://example.com</p>"),
        ("[a](http://x)", "<p>[a](http://x)</p>"),
        ("# heading", "<p># heading</p>"),
        ("", ""),
        ("\n\n", ""),
    ],
)
def test_markup(text, html):
    assert render_markup(text) == html


def _tags(html):
    return [part.split(">")[0] for part in html.split("<")[1:]]


@given(st.text(alphabet=st.sampled_from(list("ab*`-<>&\"' \n/")), max_size=60))
def test_markup_only_ever_makes_balanced_allowed_tags(text):
    html = render_markup(text)
    stack = []
    for tag in _tags(html):
        name = tag.lstrip("/")
        assert name in ALLOWED_TAGS, html
        if tag.startswith("/"):
            assert stack and stack.pop() == name, html
        else:
            stack.append(name)
    assert not stack, html


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("step >= 1", "step >= 1"),
        ("cost<0.1", "cost < 0.1"),
        ("  cost <= 1e-3   and step>5 ", "cost <= 0.001 and step > 5"),
        ("test_accuracy >= .9", "test_accuracy >= 0.9"),
        ("train_cost == -2.5", "train_cost == -2.5"),
        ("epoch > 3 and cost < 1 and test_cost < 2", "epoch > 3 and cost < 1 and test_cost < 2"),
    ],
)
def test_conditions_parse_to_a_canonical_text_that_parses_back(text, canonical):
    condition = parse_condition(text)
    assert str(condition) == canonical
    assert parse_condition(str(condition)) == condition


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("costt < 1", "until: unknown quantity 'costt' at character 1; did you mean 'cost'?"),
        ("cost = 1", "until: at character 6: '=' is not a comparison here; use '=='"),
        ("cost != 1", "until: at character 6: '!=' is not a comparison here"),
        ("cost <", "until: at character 7: expected a number, but the condition ends"),
        ("cost", "until: at character 5: expected a comparison"),
        ("1 < cost", "until: at character 1: expected a quantity, got '1'"),
        ("cost < abc", "until: at character 8: expected a number, got 'abc'"),
        ("cost < 1.2.3", "until: at character 8: expected a number, got '1.2.3'"),
        ("cost < 1 or step > 2", "until: at character 10: expected 'and' or the end, got 'or'"),
        ("cost < 1 and", "until: at character 10: 'and' must be followed by another"),
        ("cost < 1e999", "until: at character 8: the number '1e999' is too large"),
        ("step > 1.5", "until: at character 8: step is a count: use a whole number"),
        ("epoch > -1", "until: at character 9: epoch is a count"),
        ("step >= 1e29", "until: at character 9: step never goes past 1,000,000,000, got 1e29"),
        ("test_accuracy > 90", "test_accuracy is a fraction from 0 to 1 (0.9 for 90%), got 90"),
        ("   ", "until: is empty"),
        ("cost < 1 " * 60, "the limit is 400"),
        (" and ".join(["cost < 1"] * 9), "joins more than 8 comparisons"),
        ("__import__('os') < 1", "unknown quantity '__import__'"),
        ("cost < 1; step > 1", "expected 'and' or the end, got ';'"),
    ],
)
def test_condition_errors_point_at_the_position(text, message):
    with pytest.raises(LessonError) as info:
        parse_condition(text)
    assert info.value.key == "until" and message in str(info.value)


def test_condition_holds():
    condition = parse_condition("cost < 0.1 and step >= 3")
    assert condition.holds({"cost": 0.05, "step": 3})
    assert not condition.holds({"cost": 0.05, "step": 2})
    assert not condition.holds({"cost": 0.2, "step": 9})
    assert not condition.holds({"step": 9}), "a missing quantity never holds"
    assert not condition.holds({"cost": math.nan, "step": 9}), "NaN never holds"
    assert not condition.holds({"cost": None, "step": 9})
    assert condition.quantities == ("cost", "step")
    assert parse_condition("cost == 4").holds({"cost": 4.0})
    assert Condition((Comparison("cost", ">", 1.0),)).holds({"cost": math.inf})
