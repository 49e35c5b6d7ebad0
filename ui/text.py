"""Text that users control, shown literally in Streamlit's Markdown.

Streamlit renders almost every string it is given as Markdown: ``st.markdown`` and ``st.write``
bodies, captions, alerts, toasts, widget and metric labels, radio options, expander and tab
labels. Feature and customer ids, plan and segment names, file and column names, and anything
read from a link's query parameters are chosen by whoever made the file or the link; put into
such a string unescaped, ``[Renew your plan](http://…)`` becomes a link and ``![x](http://…)``
makes the viewer's browser fetch an image from another host. Every such value passes through
:func:`plain` on its way into Markdown.
"""

from __future__ import annotations

import re
import string
from typing import Final

__all__ = ["WORD_JOINER", "plain"]

WORD_JOINER: Final = "\u2060"
"""An invisible character that separates what Streamlit would otherwise join into a construct."""

_ESCAPED: Final = frozenset(string.punctuation)
"""Every ASCII punctuation character. CommonMark allows a backslash before any of them, and
every Markdown construct (GitHub's and Streamlit's extensions included) starts with one."""

_BREAKS: Final = re.compile(r"\r\n|[\x00-\x08\x0a-\x1f\x7f-\x9f]")
"""A line ending, or any other control character but the tab."""
_ARROW_CHARACTERS: Final = frozenset("<>-=~")


def plain(text: object) -> str:
    """``text`` (``str()`` of it, for anything else) as Markdown that shows exactly that text.

    What it does, and why each step is needed in Streamlit 1.67:

    - A backslash goes before every ASCII punctuation character: ``*_[]()#+-.!|<>{}~``,
      backticks, the backslash itself, ``$`` (LaTeX), ``:`` (``:red[...]`` directives), ``&``
      (entities), ``@`` and ``/``. No link, image, emphasis, code, HTML, math, directive, list
      or heading can then start from the text.
    - Line breaks (and every other control character but the tab) become spaces, so the text
      stays inside the paragraph or label it is put in: a newline could otherwise start a
      heading, list, table or code block.
    - Whitespace at either end becomes character references, which keeps a leading indent from
      starting a code block and lets ``f"**{plain(name)}**"`` stay bold.
    - Some of Streamlit's rewrites run on the text *after* Markdown is parsed, where backslashes
      are gone: emoji shortcodes and ``:material/...:`` icons, bare URLs and e-mail addresses
      (GitHub's autolinks: ``http://…``, ``www.…``, ``a@b.c``) and typographic arrows (``->``,
      ``--``, ``>=``). A word joiner (U+2060, invisible and zero-width) goes after each ``:``
      or ``@`` not followed by whitespace, after ``www`` followed by ``.`` or at the end, and
      between two adjacent characters of ``<>-=~``, so none of them matches.

    Rendered, the result reads as the original text with line breaks as spaces; the only
    difference in the page's text is the invisible word joiners. (File names for downloads
    need another treatment: safe characters, not escapes.)
    """
    source = _BREAKS.sub(" ", str(text))
    body = source.strip()
    start = len(source) - len(source.lstrip())
    lead, trail = source[:start], source[start + len(body) :]
    out = [f"&#{ord(char)};" for char in lead]
    for index, char in enumerate(body):
        following = body[index + 1 : index + 2]
        out.append("\\" + char if char in _ESCAPED else char)
        if (
            (char in ":@" and not following.isspace())
            or (char in _ARROW_CHARACTERS and following in _ARROW_CHARACTERS)
            or (following in (".", "") and body[max(0, index - 2) : index + 1].lower() == "www")
        ):
            out.append(WORD_JOINER)
    out.extend(f"&#{ord(char)};" for char in trail)
    return "".join(out)
