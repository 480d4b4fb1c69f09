"""Client text made safe to show: in HTML, in figure labels, in a terminal.

Whatever a client typed (an activity, a note, a rating cell, a file or sheet
name) is data, never markup, never a formula and never a command to the
screen. One rule per place where text is shown:

- :func:`html`: ``<``, ``>``, ``&`` and quotes become entities, so
  ``<script>`` or ``<img src=...>`` in a cell is shown as typed and never runs
  or calls a third party;
- :func:`label`: ``$`` is escaped, so matplotlib never parses client text as
  mathtext (``Groceries $40, gas $30`` is shown as typed, and cannot stop a plot);
- :func:`terminal`: control characters (escape sequences, carriage returns,
  bidirectional overrides) are shown visibly as ``\\x1b``, ``\\r``, ``\\u202e``,
  so a cell cannot clear, recolour or rewrite the terminal.

>>> html('<script>alert("hi")</script>')
'&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;'
>>> label("Groceries $40 #budget, gas $30")
'Groceries \\\\$40 #budget, gas \\\\$30'
>>> terminal("ok\\x1b[2J")
'ok\\\\x1b[2J'
"""

from __future__ import annotations

import html as _html
import re

__all__ = ["html", "label", "terminal"]


def html(text) -> str:
    """*text* as HTML text: ``& < > " '`` as entities (nothing in it is markup)."""
    return _html.escape(str(text), quote=True)


def label(text) -> str:
    """*text* for a matplotlib label: every ``$`` escaped, so no mathtext is parsed."""
    return str(text).replace("$", r"\$")


# C0 and C1 control characters, DEL, and the format characters that reorder or hide text
# (bidirectional overrides and isolates, zero-width characters); tab is kept
_UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _visible(match: re.Match) -> str:
    ch = match.group()
    named = {"\n": "\\n", "\r": "\\r"}
    if ch in named:
        return named[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text) -> str:
    """*text* for a terminal: control and invisible format characters shown as escapes."""
    text = str(text)
    return _UNSAFE.sub(_visible, text) if _UNSAFE.search(text) else text

