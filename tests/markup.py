"""Hostile text, and what Streamlit would make of a Markdown string: a CommonMark parse plus the
rewrites Streamlit 1.67's Markdown component applies on top (ported from its frontend), for the
tests that check that nothing users control becomes markup."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

import polars as pl
from builders import revenue_frame, usage_frame
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ui.text import WORD_JOINER

# Text that would be markup if shown as it is: a phishing link, an image fetched from another
# host, raw HTML, a script link, Streamlit's colored text, LaTeX and emphasis.
HOSTILE: Final = (
    "[Renew your plan](http://evil.example/renew)",
    "![x](http://evil.example/x.png)",
    "<img src=http://evil.example/y.png>",
    "javascript:alert(1)",
    ":red[big]",
    "$x^2$",
    "**bold**",
)
EVIL_HOST: Final = "evil.example"
# Upload names (a browser sends no slash in one).
USAGE_NAME: Final = "[Renew your plan](https:evil.example) ![x](https:evil.example).parquet"
REVENUE_NAME: Final = "<img src=https:evil.example> :red[big] $x^2$.parquet"


def hostile_dataset() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Usage and revenue whose every id, feature, plan and segment value is hostile, in two
    segment columns (the second with a hostile name).

    Eight customers on two plans over four months, one leaving after two; one feature costs
    more than it earns, one turns from profit to loss in the last month.
    """
    cheap, dear = HOSTILE[0], HOSTILE[6]
    revenue_rows, sizes, usage_rows = [], [], []
    months = ["2026-01", "2026-02", "2026-03", "2026-04"]
    for number in range(8):
        customer = f"{HOSTILE[number % len(HOSTILE)]} {number}"
        plan = cheap if number % 2 == 0 else dear
        active = months[:2] if number == 7 else months
        for index, month_text in enumerate(active):
            revenue_rows.append((customer, month_text, 20.0 if plan == cheap else 200.0, plan))
            sizes.append(HOSTILE[(number + 2) % len(HOSTILE)])
            for position, feature in enumerate(HOSTILE):
                calls = 10 + position
                per_call = {1: 2.0, 2: 0.004 * 8**index}.get(position, 0.01)
                usage_rows.append((customer, feature, month_text, calls, calls * per_call))
    revenue = revenue_frame(revenue_rows, company_size=sizes).with_columns(
        pl.Series(HOSTILE[1], sizes[::-1], dtype=pl.String)
    )
    return usage_frame(usage_rows), revenue


PARSER: Final = MarkdownIt("commonmark").enable(["table", "strikethrough"])

# Streamlit rewrites these in the text *after* parsing, where backslash escapes are gone. In
# JavaScript ``\w`` is ASCII-only, hence re.ASCII.
TEXT_REWRITES: Final = {
    "autolink (URL)": re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.ASCII | re.IGNORECASE),
    "autolink (e-mail)": re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII),
    "material icon": re.compile(r":material_\w+:", re.ASCII),
    "Streamlit logo": re.compile(r":streamlit:"),
    "emoji shortcode": re.compile(r":\+1:|:-1:|:[\w-]+:", re.ASCII),
    "typographic arrow": re.compile(r"(?:^|(?<=\s))(?:<->|->|<-|--|>=|<=|~=)(?=\s|$)"),
}
# And these in the source, before parsing.
_MATERIAL_SOURCE: Final = ":material/"
_DIRECTIVE: Final = re.compile(r"(?<!\\):([a-z][a-z0-9-]*)\[")
"""A text directive (``:red[...]``); an escaped colon starts none."""
APP_DIRECTIVES: Final = frozenset({"blue-background"})
"""The directives the app writes itself."""
# Streamlit loads KaTeX when its source, code and escapes removed, holds ``$...$`` or ``$$...$$``.
_NOT_MATH: Final = re.compile(
    r"(?m)^ {0,3}(`{3,}|~{3,})[\s\S]*?(?:\n[ \t]*\1|$)|(?<!`)(`+)[^`\n]+\2(?!`)|\\[\\$`]"
)
_DISPLAY_MATH: Final = re.compile(r"(?<!\$)\$\$+(?!\$)[\s\S]*?\$\$")
_INLINE_MATH: Final = re.compile(r"(?<!\$)\$(?![\s$])[^$\n]*?[^\s$]\$(?!\d)")


def tokens(body: str) -> Iterator[Token]:
    """Every token of the parse, inline children included."""
    for token in PARSER.parse(body):
        yield token
        yield from token.children or ()


def shown_text(body: str) -> str:
    """The text a reader sees, word joiners removed."""
    parts = []
    for token in tokens(body):
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).replace(WORD_JOINER, "")


def markup(body: str) -> list[str]:
    """What in ``body`` Streamlit would turn into a link, an image, HTML, math, a directive,
    an icon, an emoji or an arrow, described (empty when there is none)."""
    found = [
        f"{token.type} {token.attrs}"
        for token in tokens(body)
        if token.type in ("link_open", "image", "html_inline", "html_block")
    ]
    text = "".join(token.content for token in tokens(body) if token.type in ("text", "code_inline"))
    found += [
        f"{name}: {match.group()!r}"
        for name, pattern in TEXT_REWRITES.items()
        for match in pattern.finditer(text)
    ]
    if _MATERIAL_SOURCE in body:
        found.append("material icon in the source")
    found += [
        f"directive :{match.group(1)}["
        for match in _DIRECTIVE.finditer(body)
        if match.group(1) not in APP_DIRECTIVES
    ]
    unescaped = _NOT_MATH.sub("_", body)
    if _DISPLAY_MATH.search(unescaped) or _INLINE_MATH.search(unescaped):
        found.append("math")
    return found
