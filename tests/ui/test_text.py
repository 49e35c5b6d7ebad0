"""ui.text.plain: any string, rendered as Markdown, shows as itself and makes no markup."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markup import PARSER, markup, shown_text, tokens

from ui.text import WORD_JOINER, plain

TRICKS = [
    "[Renew your plan](http://evil.example/renew)",
    "![x](http://evil.example/x.png)",
    "<img src=http://evil.example/y.png>",
    "<a href='http://evil.example'>log in</a>",
    "javascript:alert(1)",
    "[click](javascript:alert(1))",
    "<http://evil.example>",
    "http://evil.example/bare",
    "www.evil.example",
    "mail admin@evil.example",
    "[ref]\n\n[ref]: http://evil.example",
    "[^1]\n\n[^1]: http://evil.example",
    ":red[big]",
    ":blue-background[**In this view**]",
    ":material/warning: :streamlit: :smile: :+1:",
    "$x^2$",
    "$$\n\\int x\n$$",
    "**bold** _it_ ~~gone~~ `code`",
    "# heading",
    "1. list",
    "- item",
    "> quote",
    "| a | b |\n|---|---|\n| c | d |",
    "    indented code",
    "```\nfence\n```",
    "line\n\nnew paragraph\n===",
    "a -> b <- c -- d >= e <= f ~= g <-> h",
    "&amp; &lt;b&gt; &#x41;",
    "back\\slash\\",
    "trailing  \nbreak",
    "",
    " ",
]


def rendered_alone(text: str) -> str:
    return shown_text(plain(text))


def expected(text: str) -> str:
    """What a reader should see: the text, with line breaks and control characters as spaces."""
    return re.sub(r"\r\n|[\x00-\x08\x0a-\x1f\x7f-\x9f]", " ", text)


@pytest.mark.parametrize("text", TRICKS)
def test_hostile_text_shows_literally_and_makes_no_markup(text: str) -> None:
    body = plain(text)
    assert markup(body) == [], body
    assert rendered_alone(text) == expected(text)
    assert [t.type for t in PARSER.parse(body)] in (
        [],
        ["paragraph_open", "inline", "paragraph_close"],
    )


def bold_parts(body: str) -> list[str]:
    """The text of each bold span of ``body``, word joiners removed."""
    parts: list[str] = []
    inside = False
    for token in tokens(body):
        if token.type == "strong_open":
            parts.append("")
            inside = True
        elif token.type == "strong_close":
            inside = False
        elif inside and token.type == "text":
            parts[-1] += token.content.replace(WORD_JOINER, "")
    return parts


@pytest.mark.parametrize("text", TRICKS)
def test_hostile_text_inside_the_apps_own_markdown(text: str) -> None:
    """As the pages use it: bold, in a list item, after a label, in a sentence."""
    body = f"- **{plain(text)}** loses $5 on **{plain(text)}**: {plain(text)}"
    assert markup(body) == [], body
    if text.strip():
        assert bold_parts(body) == [expected(text)] * 2
    assert shown_text(body).rstrip().endswith(f": {expected(text)}".rstrip())


def test_what_it_escapes() -> None:
    assert plain("deep_research") == "deep\\_research"
    assert plain("Pro plan") == "Pro plan"
    assert plain(42) == "42"
    assert plain("a\nb\r\nc") == "a b c"
    assert plain("  x ") == "&#32;&#32;x&#32;"
    assert plain("javascript:alert(1)") == f"javascript\\:{WORD_JOINER}alert\\(1\\)"
    assert plain("www.x") == f"www{WORD_JOINER}\\.x"
    assert plain("a: b") == "a\\: b"


@settings(max_examples=500)
@given(st.text())
@example("\x00\x85\u2028\u00a0\t x \x0c")
@example("`` ` ``")
@example("*a*b_c_")
def test_any_text_renders_as_itself(text: str) -> None:
    body = plain(text)
    assert markup(body) == [], body
    assert rendered_alone(text) == expected(text)
    assert all(
        t.type in ("paragraph_open", "inline", "paragraph_close", "text") for t in tokens(body)
    )


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("[]()!<>:*_`$\\&#-=~.@/ wWh\nx")), max_size=40))
def test_punctuation_heavy_text_renders_as_itself_in_bold(text: str) -> None:
    body = f"Data: **{plain(text)}** and {plain(text)}."
    assert markup(body) == [], body
    assert expected(text) in shown_text(body)
