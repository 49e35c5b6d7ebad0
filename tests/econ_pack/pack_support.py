"""The board pack's test inputs: the sample, the first small upload a new user tries (3
customers, 2 features, 3 months; the same rows as the app tests' first upload) and the hostile
dataset, each turned into :class:`econ_pack.pack.PackInputs`; and reading a document's tags."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Final

import polars as pl
from builders import FIRST_REVENUE, FIRST_USAGE

import econ
from econ_pack.pack import PackInputs, pack_inputs

GENERATED_ON: Final = dt.date(2026, 11, 30)
SHARE_LINK: Final = "https://econ.example.org/?v=1&data=sample&s=abc"


def inputs_for(
    usage: pl.DataFrame,
    revenue: pl.DataFrame,
    scenario: econ.Scenario,
    *,
    dataset_id: str = "0" * 32,
    share_link: str | None = SHARE_LINK,
) -> PackInputs:
    data = econ.load_dataset(usage, revenue, usage_name="usage.parquet", revenue_name="rev.parquet")
    return pack_inputs(
        data, scenario, dataset_id=dataset_id, share_link=share_link, generated_on=GENERATED_ON
    )


def first_upload(scenario: econ.Scenario | None = None) -> PackInputs:
    """The first small upload, with a CAC so that LTV:CAC is defined."""
    return inputs_for(FIRST_USAGE, FIRST_REVENUE, scenario or econ.Scenario(cac_usd=300.0))


def sample_inputs(data: econ.Dataset, scenario: econ.Scenario | None = None) -> PackInputs:
    return pack_inputs(
        data,
        scenario or econ.sample_scenario(),
        dataset_id="sample",
        share_link=SHARE_LINK,
        generated_on=GENERATED_ON,
    )


INLINE: Final = frozenset({"b", "span", "a", "sub", "sup", "code"})


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text between tags, of a document."""

    def __init__(self, document: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.feed(document)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.texts.append("" if tag in INLINE else " ")

    def handle_endtag(self, tag: str) -> None:
        self.texts.append("" if tag in INLINE else " ")

    def handle_data(self, data: str) -> None:
        if self.tags and self.tags[-1][0] == "style" and self.texts[-1] == " ":
            return  # the stylesheet is no text a reader sees
        self.texts.append(data)

    @property
    def text(self) -> str:
        """The text a reader sees, blocks separated by a space."""
        return " ".join("".join(self.texts).split())

    def urls(self) -> list[str]:
        """Every src and href value (xlink:href too)."""
        return [
            value
            for _, attrs in self.tags
            for name, value in attrs.items()
            if name in ("src", "href", "xlink:href") and value is not None
        ]
