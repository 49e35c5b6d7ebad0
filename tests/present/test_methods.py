"""The formulas of the Methods page, the functions behind them and the README agree."""

from __future__ import annotations

import inspect
import re

import pytest
from locations import ROOT

from econ import measures
from econ.present.methods import FORMULAS, category_bands, resolve
from econ.schema import CATEGORY_BANDS

README = (ROOT / "README.md").read_text(encoding="utf-8")
DEFINITIONS = README[README.index("## Definitions") : README.index("## Scenario")]
FUNCTIONS = sorted({name for formula in FORMULAS for name in formula.functions})


def test_keys_and_formulas_are_unique() -> None:
    assert len({f.key for f in FORMULAS}) == len(FORMULAS)
    assert len({f.latex for f in FORMULAS}) == len(FORMULAS)


@pytest.mark.parametrize("dotted", FUNCTIONS)
def test_each_function_exists_and_is_documented(dotted: str) -> None:
    function = resolve(dotted)
    assert callable(function)
    assert inspect.getdoc(function), f"{dotted} has no docstring"


@pytest.mark.parametrize("dotted", FUNCTIONS)
def test_the_readme_definitions_name_each_function(dotted: str) -> None:
    assert f"`{dotted}`" in DEFINITIONS


def test_every_function_the_readme_names_exists() -> None:
    named = set(re.findall(r"`(econ\.[a-z_.]+[a-z_])`", DEFINITIONS))
    assert named, "the Definitions section names no function"
    for dotted in sorted(named):
        module, _, name = dotted.rpartition(".")
        try:
            resolve(dotted)
        except (AttributeError, ModuleNotFoundError) as error:  # pragma: no cover - the failure
            pytest.fail(f"README names {dotted}, which does not exist ({error}; {module}.{name})")


def test_every_public_measure_is_defined_somewhere_people_read() -> None:
    """A measure nobody can find on the Methods page or in the README is a measure that drifts."""
    public = [
        name
        for name, value in vars(measures).items()
        if inspect.isfunction(value) and value.__module__ == measures.__name__
        if not name.startswith("_")
    ]
    for name in public:
        dotted = f"econ.measures.{name}"
        assert dotted in FUNCTIONS or f"`{dotted}`" in DEFINITIONS, f"{dotted} is not documented"


@pytest.mark.parametrize("name", ["gross_profit", "lifetime_value", "ltv_cac", "feature_status"])
def test_the_measures_cite_their_article(name: str) -> None:
    assert re.search(r"article 00\d", inspect.getdoc(getattr(measures, name)) or "")


def test_the_caption_names_every_function() -> None:
    formula = next(f for f in FORMULAS if f.key == "ltv_cac")
    assert formula.caption == (
        "Computed by `econ.measures.ltv_cac` and `econ.measures.payback_months`."
    )


def test_the_bands_table_lists_every_category() -> None:
    bands = category_bands()
    assert bands["Category"].to_list() == ["Core", "Value-add", "Premium", "Commodity"]
    assert len(bands) == len(CATEGORY_BANDS)
    assert bands.row(0) == ("Core", "55%–75%", "40%")
