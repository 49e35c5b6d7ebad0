"""The import step of the Data page: how each uploaded file is read.

Each file's layout is detected and shown with the choices it offers (which field names the
customer and the feature, or which column holds what); the user confirms with one button. The
choices become the files' import specs, stored with the dataset so a shared link reads the files
the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import polars as pl
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

import econ
from econ.inputs import imports
from econ.inputs.cache import bytes_hash
from econ.inputs.readers import Limits, open_table
from ui.text import plain

NONE = "—"


@st.cache_resource(max_entries=16, show_spinner=False)
def _inspect(
    digest: str, side: imports.Side, format_id: str, name: str, _content: bytes
) -> imports.Inspection | tuple[econ.Problem, ...]:
    """Keyed on the content hash: the bytes themselves are not hashed by Streamlit."""
    del digest
    try:
        table = open_table(_content, name, Limits.from_environment())
        return imports.inspect(table.frame, side, format_id, hints=table.hints)
    except econ.InputError as error:
        return error.problems


@dataclass(frozen=True)
class Chosen:
    """One side's uploaded files, as the import step and the store take them."""

    name: str
    """The first file's name, and how many more there are."""
    files: tuple[bytes, ...]

    @property
    def size(self) -> int:
        return sum(len(part) for part in self.files)

    @property
    def content(self) -> bytes | tuple[bytes, ...]:
        return self.files[0] if len(self.files) == 1 else self.files


def chosen(files: Sequence[UploadedFile] | None) -> Chosen | None:
    """The files of one uploader (``None`` when it has none)."""
    if not files:
        return None
    first = files[0].name
    name = first if len(files) == 1 else f"{first} and {len(files) - 1} more"
    return Chosen(name, tuple(file.getvalue() for file in files))


def spec_controls(
    side: imports.Side, name: str, files: Sequence[bytes], unpriced: Sequence[str] = ()
) -> econ.ImportSpec | tuple[econ.Problem, ...]:
    """Draw one side's import choices; return its spec (or the problems that stop reading it).
    A revenue file's choices end with its reporting currency and exchange rates."""
    digest = bytes_hash(b"".join(bytes_hash(part).encode() for part in files))
    spec = _spec_controls(side, name, files, digest, unpriced)
    if side != "revenue" or not isinstance(spec, econ.ImportSpec):
        return spec
    currencies = _currency_controls(name, f"import:{side}:{digest[:12]}")
    if isinstance(currencies, tuple):
        return currencies
    return replace(spec, currencies=currencies)


def _currency_controls(name: str, key: str) -> econ.Currencies | tuple[econ.Problem, ...] | None:
    """The reporting currency and the rates typed in (``None`` when neither is given), or the
    problem that stops reading: rates that do not read."""
    with st.expander("Currencies", expanded=False):
        reporting = st.text_input(
            "Reporting currency",
            key=f"{key}:reporting",
            placeholder="USD",
            help="Every amount is shown in this currency (a three-letter code). Left empty: "
            "USD, or the revenue's one currency when it is all in one and no rates are given.",
        )
        rates = st.text_area(
            "Exchange rates (CSV: currency,rate or currency,month,rate)",
            key=f"{key}:rates",
            placeholder="currency,rate\nEUR,1.08\nGBP,1.27",
            help="How many units of the reporting currency one unit of each currency is worth; "
            "per month (YYYY-MM) where it moved. A currency or month without a rate is refused, "
            "never guessed; nothing is looked up on the internet. The usage ledger's costs are "
            "in USD: give a USD rate when another currency is the reporting one.",
        )
    if not reporting.strip() and not rates.strip():
        return None
    try:
        if rates.strip():
            return econ.parse_rates(rates, "the exchange rates", reporting.strip() or None)
        return econ.Currencies(reporting.strip())
    except econ.ScenarioError as error:
        return (econ.Problem(name, None, str(error)),)


def _spec_controls(
    side: imports.Side,
    name: str,
    files: Sequence[bytes],
    digest: str,
    unpriced: Sequence[str] = (),
) -> econ.ImportSpec | tuple[econ.Problem, ...]:
    """One side's import choices (see :func:`spec_controls`).

    Several files (API pages, a month each) are one export: the first says the layout and
    offers the choices; the choices' keys name them all (``digest``, the files' hash).
    """
    content = files[0]
    detected = _inspect(digest, side, imports.AUTO, name, content)
    if not isinstance(detected, imports.Inspection):
        return detected
    formats = imports.usage_formats() if side == "usage" else imports.revenue_formats()
    key = f"import:{side}:{digest[:12]}"
    format_id = st.selectbox(
        f"{plain(name)} is a",
        formats,
        index=formats.index(detected.format),
        format_func=imports.title_of,
        key=f"{key}:format",
    )
    found = _inspect(digest, side, format_id, name, content)
    if not isinstance(found, imports.Inspection):
        return found
    if found.closest:
        st.caption(plain(found.closest))
    if found.sources:
        customer, feature = st.columns(2)
        chosen_customer = _source_box(
            customer, "Customer comes from", found, found.customer, f"{key}:customer"
        )
        chosen_feature = _source_box(
            feature, "Feature comes from", found, found.feature, f"{key}:feature"
        )
        return econ.ImportSpec(
            format=format_id,
            customer=chosen_customer,
            feature=chosen_feature,
            price_overrides=_price_overrides(key, unpriced),
        )
    if format_id in (imports.NATIVE, imports.MAPPED):
        return econ.ImportSpec(
            format=format_id,
            mapping=_mapping_controls(side, key, found),
            price_overrides=_price_overrides(key, unpriced) if side == "usage" else {},
        )
    amounts = st.radio(
        "Amounts are in",
        list(imports.AMOUNTS),
        format_func=lambda unit: "as the layout says" if unit == imports.AUTO else unit,
        horizontal=True,
        key=f"{key}:amounts",
        help="Stripe's API, ChartMogul and Baremetrics give cents; Stripe's Dashboard exports "
        "give dollars. Left to the layout, a file that does not say is read from its amounts "
        "(a decimal point means dollars), with a warning.",
    )
    prorations = (
        st.checkbox("Count proration lines", key=f"{key}:prorations")
        if format_id in ("stripe_invoices", "chartmogul")
        else False
    )
    ai_lines = st.text_input(
        "AI revenue lines",
        key=f"{key}:ai_lines",
        placeholder="e.g. AI|assistant|credits",
        help="Lines whose plan or product name matches this pattern (a regular expression, "
        "any case) are direct AI revenue: an AI add-on, seat, credit bundle or overage. They "
        "fill the revenue table's ai_revenue_usd, which the 'Direct' AI revenue basis uses. "
        "Leave it empty when no line is AI revenue of its own.",
    )
    spec = econ.ImportSpec(
        format=format_id,
        amounts_in="dollars" if amounts == "dollars" else "cents" if amounts == "cents" else "auto",
        include_prorations=prorations,
    )
    try:
        return replace(spec, ai_lines=ai_lines or None)
    except econ.ScenarioError as error:
        st.error(f"{error}. No line is tagged as AI revenue until the pattern reads.")
        return spec


def _source_box(
    column: st.delta_generator.DeltaGenerator,
    label: str,
    found: imports.Inspection,
    default: str | None,
    key: str,
) -> str | None:
    """A source picker; with no default (the layout found none) the user must choose one."""
    options = list(found.sources)
    return column.selectbox(
        label,
        options,
        index=options.index(default) if default in options else None,
        placeholder="Nothing in this file names it: choose",
        key=key,
    )


def _mapping_controls(side: imports.Side, key: str, found: imports.Inspection) -> dict[str, str]:
    targets = imports.USAGE_TARGETS if side == "usage" else imports.REVENUE_TARGETS
    options = [NONE, *found.columns]
    st.caption("Which column holds what (guessed from the names; check them).")
    columns = st.columns(4)
    chosen: dict[str, str] = {}
    for index, target in enumerate(targets):
        guess = found.mapping.get(target)
        value = columns[index % 4].selectbox(
            target,
            options,
            index=options.index(guess) if guess in options else 0,
            key=f"{key}:map:{target}",
        )
        if value != NONE:
            chosen[target] = value
    return chosen


def _price_overrides(key: str, unpriced: Sequence[str]) -> dict[str, econ.ModelPrice]:
    """Prices for models the package does not know (asked only once a load found some)."""
    if not unpriced:
        return {}
    st.warning(
        "No price is known for " + ", ".join(map(plain, unpriced)) + ": their rows were left out. "
        "Enter what you pay (dollars per million tokens) to include them.",
        icon=":material/price_change:",
    )
    prices: dict[str, econ.ModelPrice] = {}
    for model in unpriced:
        first, second, third = st.columns(3)
        per_input = first.number_input(
            f"{plain(model)} — input $/M", min_value=0.0, value=None, key=f"{key}:price:{model}:in"
        )
        per_output = second.number_input(
            f"{plain(model)} — output $/M",
            min_value=0.0,
            value=None,
            key=f"{key}:price:{model}:out",
        )
        per_cached = third.number_input(
            f"{plain(model)} — cached input $/M",
            min_value=0.0,
            value=None,
            key=f"{key}:price:{model}:cached",
        )
        if per_input is not None and per_output is not None:
            prices[model] = econ.ModelPrice(per_input, per_output, per_cached)
    return prices


def problems_frame(problems: Sequence[econ.Problem]) -> pl.DataFrame:
    """Problems as a table: file, column, rule, rows, example."""
    return pl.DataFrame(
        {
            "file": [p.source for p in problems],
            "column": [p.column or "" for p in problems],
            "rule": [p.rule for p in problems],
            "rows": [p.count for p in problems],
            "example": [econ.errors.format_row(p.example) if p.example else "" for p in problems],
        },
        schema={
            "file": pl.String,
            "column": pl.String,
            "rule": pl.String,
            "rows": pl.Int64,
            "example": pl.String,
        },
    )
