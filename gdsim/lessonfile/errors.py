""":class:`LessonError`: what is wrong with a lesson, in one line that starts with the key path
(``steps[2].question.answer: ...``), and with the file name in front when it came from a file.

Worded with the config's helpers (:mod:`gdsim.config.errors`), so a lesson's messages read like
a config's: the same value display, the same did-you-mean.
"""

from __future__ import annotations

from gdsim.config.errors import ConfigError, show_key


class LessonError(ConfigError):
    """A lesson value (or file) is wrong. ``str(err)`` is one line for the user.

    ``key`` is the key path (``"steps[2].question.answer"``), or None when the problem is the
    file itself (not found, not JSON). ``file`` is set by :func:`load_lesson` and shown first:
    ``"lesson.json: steps[2].question.answer: ..."``. (A ConfigError: the same message rules,
    the same attributes; a lesson is a config with steps.)
    """


def lesson_error(key: str | None, text: str) -> LessonError:
    """A LessonError whose message is ``"key: text"``."""
    return LessonError(f"{show_key(key)}: {text}" if key else text, key)


def index_key(path: str, index: int) -> str:
    return f"{path}[{index}]"
