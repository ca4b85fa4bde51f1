"""Lesson files as an attacker or a broken disk would make them: one line, exit clean, no hang."""

import json
import os
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.lessonfile import LessonError, lesson_from_dict, load_lesson, render_markup
from gdsim.lessonfile.names import CHOICE_KEYS, NUMBER_KEYS, PREDICT_KEYS, STEP_KEYS, TOP_KEYS

from .helpers import LESSON, lesson, write

_QUESTION_WORDS = set(CHOICE_KEYS + NUMBER_KEYS + PREDICT_KEYS)
_LESSON_WORDS = set(TOP_KEYS + STEP_KEYS) | _QUESTION_WORDS


def _error(path) -> LessonError:
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    message = str(info.value)
    assert "\n" not in message and len(message) < 700, message
    assert info.value.file is not None and message.startswith(info.value.file + ": ")
    return info.value


def test_a_good_file_loads(tmp_path):
    assert load_lesson(write(tmp_path / "l.json", LESSON)).title == LESSON["title"]


def test_missing_file(tmp_path):
    assert str(_error(tmp_path / "none.json")).endswith("none.json: file not found")


def test_a_folder(tmp_path):
    assert "is a folder, not a file" in str(_error(tmp_path))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    assert "FIFO" in str(_error(fifo))


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="POSIX only")
def test_dev_zero_is_refused():
    assert "character device" in str(_error("/dev/zero"))


def test_a_10_mb_file_is_refused_by_size(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(10 * 2**20)
    assert "the limit for a lesson file is 1 MiB" in str(_error(big))


def test_binary_garbage(tmp_path):
    err = _error(write(tmp_path / "g.json", bytes(range(256)) * 4))
    assert "not UTF-8 text" in str(err) or "invalid JSON" in str(err)
    err = _error(write(tmp_path / "h.json", b"\x89PNG\r\n\x1a\n\xff\xfe"))
    assert "not UTF-8 text (byte 0x89 at offset 0)" in str(err)


def test_a_byte_order_mark_is_fine(tmp_path):
    path = write(tmp_path / "bom.json", b"\xef\xbb\xbf" + json.dumps(LESSON).encode())
    assert load_lesson(path).title == LESSON["title"]


def test_utf16_is_not_utf8(tmp_path):
    path = write(tmp_path / "u16.json", json.dumps(LESSON).encode("utf-16"))
    assert "not UTF-8 text" in str(_error(path))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty"),
        ("  \n", "the file is empty"),
        ('{"gdsim_lesson": 1, "title": "x", ', "is it cut short?"),
        ('{"gdsim_lesson": 1, "title": "unterminated', "is it cut short?"),
        ("{'gdsim_lesson': 1}", "invalid JSON at line 1, column 2"),
        ('{"a": NaN}', "invalid JSON: NaN is not a JSON number"),
        ('{"a": -Infinity}', "invalid JSON: -Infinity is not a JSON number"),
        ('{"a": 1} {"b": 2}', "invalid JSON at line 1"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("[" * 40 + "]" * 40, "a lesson must be a JSON object"),
    ],
)
def test_bad_json(tmp_path, text, expected):
    assert expected in str(_error(write(tmp_path / "bad.json", text)))


def test_deep_nesting_inside_an_object(tmp_path):
    data = lesson()
    data["intro"] = json.loads("[" * 60 + "]" * 60)
    assert "nested too deeply (more than 32 levels" in str(_error(write(tmp_path / "d.json", data)))


def test_a_key_given_twice(tmp_path):
    text = json.dumps(LESSON)[:-1] + ', "title": "again"}'
    err = _error(write(tmp_path / "dup.json", text))
    assert err.key == "title" and "title: given more than once" in str(err)
    inner = json.dumps(LESSON).replace('"kind": "choice",', '"kind": "choice", "kind": "choice",')
    err = _error(write(tmp_path / "dup2.json", inner))
    assert err.key == "steps[0].question.kind"


def test_a_key_given_twice_inside_the_config(tmp_path):
    text = json.dumps(LESSON).replace(
        '"mode": "function",', '"mode": "function", "mode": "function",'
    )
    err = _error(write(tmp_path / "dup.json", text))
    assert err.key == "config.mode" and "given more than once" in str(err)


def test_huge_numbers(tmp_path):
    text = json.dumps(LESSON).replace('"answer": 1.4', '"answer": ' + "9" * 5000)
    err = _error(write(tmp_path / "n.json", text))
    assert err.key == "steps[1].question.answer" and "5,000 digits" in str(err)
    text = json.dumps(LESSON).replace('"answer": 1.4', '"answer": 1e400')
    assert "must be a finite number" in str(_error(write(tmp_path / "e.json", text)))


def test_a_long_unicode_key_is_shown_shortened(tmp_path):
    data = lesson()
    data["\n" + "é" * 5000] = 1
    message = str(_error(write(tmp_path / "k.json", data)))
    assert "unknown key" in message and "\\n" in message and len(message) < 700


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        "<img src=http://evil.example/x.png onerror=alert(1)>",
        "[click](javascript:alert(1))",
        'javascript:alert(1) "quoted" & <b>',
        "<a href='http://evil.example'>link</a>",
        "**<iframe src=//evil>**",
        "`</code><script>x</script>`",
    ],
)
def test_html_in_texts_is_only_ever_text(tmp_path, text):
    data = lesson(intro=text, title="t " + text[:100].replace("\n", " "))
    data["steps"][0]["instruction"] = text
    got = load_lesson(write(tmp_path / "x.json", data))
    html = render_markup(got.steps[0].instruction)
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<iframe" not in html and "href" not in html.replace("href=", "")  # no attribute
    for part in html.split("<")[1:]:
        assert part.split(">")[0].lstrip("/") in ("p", "b", "i", "code", "ul", "li"), html


def test_a_file_name_with_a_newline_is_one_line(tmp_path):
    if sys.platform == "win32":
        pytest.skip("no newlines in Windows file names")
    path = write(tmp_path / "a\nb.json", "{")
    assert "a\\nb.json" in str(_error(path))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(sorted(_LESSON_WORDS)) | st.text(max_size=8), children, max_size=5
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(_LESSON_WORDS)), _JSON, max_size=7))
def test_any_json_is_a_lesson_or_one_line_error(data):
    data.setdefault("gdsim_lesson", 1)
    try:
        lesson_from_dict(data)
    except LessonError as err:
        assert "\n" not in str(err)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 3), st.sampled_from(sorted(_LESSON_WORDS)), _JSON)
def test_any_value_anywhere_in_a_step_is_a_lesson_or_one_line_error(index, key, value):
    data = lesson()
    step = data["steps"][index]
    target = step["question"] if "question" in step and key in _QUESTION_WORDS else step
    target[key] = value
    try:
        lesson_from_dict(data)
    except LessonError as err:
        assert "\n" not in str(err) and (err.key or "").startswith(("steps", "controls"))
