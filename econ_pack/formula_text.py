"""The Methods page's LaTeX formulas as HTML a printed page can hold without a math engine.

:data:`econ.present.methods.FORMULAS` writes each formula in the small subset of LaTeX the app's
``st.latex`` renders. The board pack must open offline and print through WeasyPrint, which has
no math typesetting, so this module reads that subset into plain HTML: ``\\frac{a}{b}`` becomes
``a ÷ b`` (parenthesized where needed), sub- and superscripts become ``<sub>``/``<sup>``, Greek
letters and operators their Unicode characters, and a ``cases`` block a list of "value: when"
clauses. Every piece of text is escaped; the output holds no markup but ``sub``, ``sup`` and
``span``.
"""

from __future__ import annotations

import html
import re
from typing import Final

_TOKEN: Final = re.compile(r"\\[A-Za-z]+|\\.|[{}_^&]|[^\\{}_^&]")

_SYMBOLS: Final = {
    r"\times": " × ",
    r"\sum": "Σ",
    r"\alpha": "α",
    r"\beta": "β",
    r"\sigma": "σ",
    r"\rho": "ρ",
    r"\tau": "τ",
    r"\infty": "∞",
    r"\ge": " ≥ ",
    r"\le": " ≤ ",
    r"\in": " ∈ ",
    r"\mid": "|",
    r"\ln": "ln ",
    r"\min": "min",
    r"\max": "max",
    r"\lfloor": "⌊",
    r"\rfloor": "⌋",
    r"\qquad": "<span class='gap'></span>",
    r"\quad": " ",
    r"\,": " ",
    r"\ ": " ",
    r"\{": "{",
    r"\}": "}",
}
"""Commands that stand for a character (or a space); ``\\qquad`` separates two formulas."""

_SIZING: Final = frozenset({r"\left", r"\right", r"\big", r"\Big", r"\bigg", r"\Bigg"})
"""Delimiter sizing: the delimiter that follows is kept, the sizing dropped."""

_OPERATORS: Final = re.compile(r"[+−×÷Σ]")
_CALL: Final = re.compile(r"\w+\(.*\)")
"""``B(α, β + t)``: a function's value, which needs no parentheses of its own."""
_GAP: Final = r"\qquad"


class _Reader:
    """A recursive reader over the formula's tokens."""

    def __init__(self, latex: str) -> None:
        self.tokens = _TOKEN.findall(latex)
        self.at = 0

    def next(self) -> str | None:
        if self.at >= len(self.tokens):
            return None
        token: str = self.tokens[self.at]
        self.at += 1
        return token

    def sequence(self, *, in_text: bool = False, stop: str = "}") -> str:
        """Read up to ``stop`` (consumed) or the end."""
        parts: list[str] = []
        while (token := self.next()) is not None and token != stop:
            parts.append(self.token(token, in_text=in_text))
        return "".join(parts)

    def atom(self, *, in_text: bool = False) -> str:
        """A group ``{...}`` or a single token (a sub- or superscript, a fraction's part)."""
        token = self.next()
        if token is None:
            return ""
        if token == "{":
            return self.sequence(in_text=in_text)
        return self.token(token, in_text=in_text)

    def token(self, token: str, *, in_text: bool) -> str:
        if token == "{":
            return self.sequence(in_text=in_text)
        if token in ("_", "^"):
            tag = "sub" if token == "_" else "sup"
            return f"<{tag}>{self.atom(in_text=in_text)}</{tag}>"
        if token.startswith("\\"):
            return self.command(token)
        if token == "&":
            return ": "
        if token == "-" and not in_text:
            return "−"
        return html.escape(token)

    def command(self, name: str) -> str:
        if name == r"\text":
            return self.atom(in_text=True)
        if name == r"\frac":
            numerator, denominator = self.atom(), self.atom()
            return f"{_grouped(numerator)} ÷ {_grouped(denominator)}"
        if name in (r"\begin", r"\end"):
            self.atom(in_text=True)  # the environment's name: only ``cases`` is used
            if name == r"\end":
                return ""
            return "{ " + self.sequence(stop=r"\end") + self.command(r"\end") + " }"
        return _symbol(name)


def _symbol(name: str) -> str:
    """A command that stands for a character, a separator or nothing."""
    if name == "\\\\":
        return "; "
    if name in _SIZING:
        return ""
    if name.startswith(_GAP) and name != _GAP:  # ``\qquadr``: a gap, then letters
        return _SYMBOLS[_GAP] + html.escape(name[len(_GAP) :])
    return _SYMBOLS.get(name, html.escape(name.lstrip("\\")))


def _grouped(part: str) -> str:
    """A fraction's part, in parentheses when it holds an operation."""
    text = re.sub(r"<[^>]+>", "", part).strip()
    if (text.startswith("(") and text.endswith(")")) or _CALL.fullmatch(text):
        return part.strip()
    return f"({part.strip()})" if _OPERATORS.search(text) else part.strip()


def formula_html(latex: str) -> str:
    """A formula of :data:`econ.present.methods.FORMULAS` as escaped inline HTML."""
    text = _Reader(latex).sequence(stop="\0")
    text = re.sub(r"\s+([:;])", r"\1", text)
    return re.sub(r" {2,}", " ", text).strip()
