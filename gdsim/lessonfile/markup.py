"""The lesson texts' markup: a tiny, safe subset that cannot carry anything but words.

``**bold**``, ``*italic*``, ```code```, paragraphs separated by a blank line, and lines that
start with ``- `` as a bulleted list. Nothing else is interpreted: every character of the text
is HTML-escaped before any tag is added, and the only tags ever produced are ``<p>``, ``<ul>``,
``<li>``, ``<b>``, ``<i>`` and ``<code>``, always properly nested (each pattern is matched within
one piece of the one before, never across). A URL stays plain text, so a lesson can never make
the learner's app fetch or open anything.
"""

from __future__ import annotations

import html
import re

_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*")
_ITEM = re.compile(r"\s*- (.*)")


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _italic(text: str) -> str:
    parts = _ITALIC.split(text)
    return "".join(f"<i>{_escape(p)}</i>" if i % 2 else _escape(p) for i, p in enumerate(parts))


def _bold(text: str) -> str:
    parts = _BOLD.split(text)
    return "".join(f"<b>{_italic(p)}</b>" if i % 2 else _italic(p) for i, p in enumerate(parts))


def render_inline(text: str) -> str:
    """One line or paragraph of text as safe HTML: code first (nothing inside it is formatted),
    then bold, then italic within what is left."""
    parts = _CODE.split(text)
    return "".join(f"<code>{_escape(p)}</code>" if i % 2 else _bold(p) for i, p in enumerate(parts))


def render_markup(text: str) -> str:
    """``text`` (lesson markup) as safe HTML of ``<p>`` and ``<ul><li>`` blocks.

    >>> render_markup("A **bold** <b>claim</b>\\n\\n- one\\n- *two*")
    '<p>A <b>bold</b> &lt;b&gt;claim&lt;/b&gt;</p>\\n<ul><li>one</li><li><i>two</i></li></ul>'
    """
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append(f"<p>{render_inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    def flush_items() -> None:
        if items:
            blocks.append("<ul>" + "".join(f"<li>{render_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        item = _ITEM.fullmatch(line)
        if not line.strip():
            flush_paragraph()
            flush_items()
        elif item:
            flush_paragraph()
            items.append(item.group(1).strip())
        else:
            flush_items()
            paragraph.append(line.strip())
    flush_paragraph()
    flush_items()
    return "\n".join(blocks)
