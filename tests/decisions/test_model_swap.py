"""Model swaps on history: a feature's recorded tokens re-priced at another model's list rates
month by month, the multiplier they give, and where it is applied (the simulation's cost factor,
the routing lever's relative cost)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import genai_prices
import polars as pl
import pytest
from builders import TWO_MODEL_LEDGER, WriteParquet, revenue_frame, usage_frame

import econ
from econ.decisions import model_swap
from econ.decisions.model_swap import NO_SUMMARY, NO_TOKENS, swap_model
from econ.inputs.model_usage import MODEL_USAGE_SCHEMA
from econ.model.customer_months import Window

AUGUST = dt.date(2025, 8, 1)
LEDGER = TWO_MODEL_LEDGER


def per_token(model: str, day: dt.date, **usage: int) -> float:
    """A model's price of a million tokens of one kind on a day, per token, from the package."""
    when = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    price = genai_prices.calc_price(
        genai_prices.Usage(**usage), model, genai_request_timestamp=when
    ).total_price
    return float(price / Decimal(1_000_000))


@pytest.fixture
def data(write_parquet: WriteParquet) -> econ.Dataset:
    usage = write_parquet("usage.parquet", LEDGER)
    revenue = write_parquet(
        "revenue.parquet",
        revenue_frame([("a", "2025-08", 1.0, "Pro"), ("b", "2025-08", 1.0, "Pro")]),
    )
    return econ.load_dataset(usage, revenue)


class TestTheGoldenLedger:
    """Re-priced at gpt-4o-mini on 2025-08-01. Its list rates that day, looked up in the
    package here: $0.15 per million input tokens, $0.075 cached, $0.60 output. The two rows
    with tokens: (100,000 − 40,000) × 0.15 + 40,000 × 0.075 + 20,000 × 0.60 = $0.0240 (the
    gpt-4o row) and 50,000 × 0.15 + 10,000 × 0.60 = $0.0135 (the Claude row): $0.0375 against
    $0.90 recorded, × 0.041666…; the third row's $0.10 logged no tokens."""

    def expected_repriced(self) -> float:
        p_in = per_token("gpt-4o-mini", AUGUST, input_tokens=1_000_000)
        p_out = per_token("gpt-4o-mini", AUGUST, output_tokens=1_000_000)
        p_cached = per_token(
            "gpt-4o-mini", AUGUST, input_tokens=1_000_000, cache_read_tokens=1_000_000
        )
        assert (p_in, p_cached, p_out) == pytest.approx((0.15e-6, 0.075e-6, 0.60e-6))
        gpt_row = (100_000 - 40_000) * p_in + 40_000 * p_cached + 20_000 * p_out
        claude_row = 50_000 * p_in + 10_000 * p_out
        return gpt_row + claude_row

    def test_the_dollars_and_the_multiplier(self, data: econ.Dataset) -> None:
        swap = swap_model(data, "chat", "gpt-4o-mini")
        repriced = self.expected_repriced()
        assert repriced == pytest.approx(0.0375)
        assert swap.repriced_usd == pytest.approx(repriced)
        assert swap.recorded_with_tokens_usd == pytest.approx(0.90)
        assert swap.recorded_usd == pytest.approx(1.00)
        assert swap.multiplier == pytest.approx(repriced / 0.90)
        assert swap.multiplier == pytest.approx(0.0375 / 0.9)
        assert swap.covered == pytest.approx(0.9)
        assert swap.priced_by == "genai-prices"
        assert swap.reason is None

    def test_calls_without_tokens_are_counted_and_named(self, data: econ.Dataset) -> None:
        swap = swap_model(data, "chat", "gpt-4o-mini")
        assert (swap.calls, swap.calls_without_tokens) == (18, 3)
        assert swap.models_without_tokens == ("gpt-4o",)
        assert swap.recorded_models == ("gpt-4o", "claude-sonnet-4")  # the costliest first
        sentence = model_swap.swap_sentence(swap, name="Chat")
        assert "3 calls logged no tokens (gpt-4o)" in sentence
        assert "covers 90.0% of the cost" in sentence
        assert sentence.startswith("Chat's 15 calls with tokens cost $0.9 on gpt-4o, claude-")

    def test_the_month_row(self, data: econ.Dataset) -> None:
        swap = swap_model(data, "chat", "gpt-4o-mini")
        assert swap.months.schema == model_swap.SWAP_MONTHS_SCHEMA
        (row,) = swap.months.iter_rows(named=True)
        assert row["month"] == AUGUST
        assert (row["calls"], row["calls_with_tokens"]) == (18, 15)
        assert (row["input_tokens"], row["cached_input_tokens"], row["output_tokens"]) == (
            150_000,
            40_000,
            30_000,
        )
        assert (
            row["input_per_mtok"],
            row["cached_input_per_mtok"],
            row["output_per_mtok"],
        ) == pytest.approx((0.15, 0.075, 0.60))
        assert row["repriced_usd"] == pytest.approx(0.0375)
        assert row["multiplier"] == pytest.approx(0.0375 / 0.9)

    def test_the_summary_itself_is_a_source_too(self, data: econ.Dataset) -> None:
        assert data.model_usage is not None
        by_frame = swap_model(data.model_usage, "chat", "gpt-4o-mini")
        assert by_frame.multiplier == swap_model(data, "chat", "gpt-4o-mini").multiplier

    def test_json(self, data: econ.Dataset) -> None:
        out = json.loads(json.dumps(swap_model(data, "chat", "gpt-4o-mini").to_dict()))
        assert out["multiplier"] == pytest.approx(0.0375 / 0.9)
        assert out["models_without_tokens"] == ["gpt-4o"]
        assert out["months"][0]["month"] == "2025-08-01"
        assert out["window"] is None

    def test_an_override_prices_a_model_the_package_does_not_know(self, data: econ.Dataset) -> None:
        price = econ.ModelPrice(input_per_mtok=1.0, output_per_mtok=2.0)
        swap = swap_model(data, "chat", "our-llama", overrides={"our-llama": price})
        # no cache-read price: cached tokens at the input rate
        assert swap.repriced_usd == pytest.approx(150_000 * 1e-6 + 30_000 * 2e-6)
        assert swap.priced_by == "override"


def summary(
    rows: list[tuple[str, dt.date, str | None, int, float, int, int, int, int]],
) -> pl.DataFrame:
    """Summary rows of (feature, month, model, calls, cost, calls with tokens, input, cached,
    output); the calls with tokens cost their share of the cost."""
    return pl.DataFrame(
        {
            "feature_id": [r[0] for r in rows],
            "month": [r[1] for r in rows],
            "model": [r[2] for r in rows],
            "calls": [r[3] for r in rows],
            "cost_usd": [r[4] for r in rows],
            "calls_with_tokens": [r[5] for r in rows],
            "cost_with_tokens_usd": [r[4] * r[5] / r[3] if r[3] else 0.0 for r in rows],
            "input_tokens": [r[6] for r in rows],
            "output_tokens": [r[8] for r in rows],
            "cached_input_tokens": [r[7] for r in rows],
        },
        schema=MODEL_USAGE_SCHEMA,
    )


def test_each_month_is_priced_at_that_months_rates() -> None:
    """claude-sonnet-4-6's input rate in the package halves from 2026-03-13: February's tokens
    are priced at the old rate, April's at the new."""
    february, april = dt.date(2026, 2, 1), dt.date(2026, 4, 1)
    table = summary(
        [
            ("chat", february, "gpt-4o", 10, 1.0, 10, 1_000_000, 0, 0),
            ("chat", april, "gpt-4o", 10, 1.0, 10, 1_000_000, 0, 0),
        ]
    )
    swap = swap_model(table, "chat", "claude-sonnet-4-6")
    feb_rate = per_token("claude-sonnet-4-6", february, input_tokens=1_000_000)
    apr_rate = per_token("claude-sonnet-4-6", april, input_tokens=1_000_000)
    assert feb_rate != apr_rate
    assert swap.months["repriced_usd"].to_list() == pytest.approx(
        [1_000_000 * feb_rate, 1_000_000 * apr_rate]
    )
    assert swap.repriced_usd == pytest.approx(1_000_000 * (feb_rate + apr_rate))
    assert swap.multiplier == pytest.approx(1_000_000 * (feb_rate + apr_rate) / 2.0)


def test_the_window_keeps_its_months() -> None:
    months = [dt.date(2026, m, 1) for m in (1, 2, 3)]
    table = summary([("chat", m, "gpt-4o", 10, 1.0, 10, 1_000, 0, 100) for m in months])
    swap = swap_model(table, "chat", "gpt-4o-mini", (months[1], months[2]))
    assert swap.months["month"].to_list() == months[1:]
    assert swap.window == Window(months[1], months[2])
    assert swap.recorded_usd == pytest.approx(2.0)
    outside = swap_model(table, "chat", "gpt-4o-mini", Window(dt.date(2025, 1, 1), AUGUST))
    assert outside.multiplier is None
    assert outside.reason == "the feature made no call in 2025-01 to 2025-08"


class TestRefusedAndBlank:
    def test_an_unknown_model_is_refused_never_priced_at_zero(self, data: econ.Dataset) -> None:
        with pytest.raises(econ.ScenarioError, match="never priced at \\$0") as raised:
            swap_model(data, "chat", "no-such-model-9000")
        assert "'no-such-model-9000'" in str(raised.value)

    def test_an_unknown_feature_is_refused(self, data: econ.Dataset) -> None:
        with pytest.raises(econ.UnknownNameError, match="its features are 'chat'"):
            swap_model(data, "search", "gpt-4o-mini")

    def test_a_feature_without_tokens_has_no_multiplier_and_says_why(self) -> None:
        table = summary(
            [
                ("chat", AUGUST, "gpt-4o", 10, 1.0, 10, 1_000, 0, 100),
                ("voice", AUGUST, "whisper-x", 7, 2.0, 0, 0, 0, 0),
                ("voice", AUGUST, None, 3, 1.0, 0, 0, 0, 0),
            ]
        )
        swap = swap_model(table, "voice", "gpt-4o-mini")
        assert swap.multiplier is None and swap.repriced_usd is None
        assert (swap.calls, swap.calls_without_tokens) == (10, 10)
        assert swap.models_without_tokens == ("whisper-x", "(no model named)")
        assert swap.reason == (
            "none of the feature's 10 calls logged tokens (models: whisper-x, (no model named)): "
            "there is nothing to re-price"
        )
        assert model_swap.swap_sentence(swap).startswith("No cost multiplier for voice")
        assert model_swap.swappable_features(table) == ("chat",)

    def test_calls_with_tokens_that_cost_nothing_give_no_multiplier(self) -> None:
        table = summary([("chat", AUGUST, "gpt-4o", 10, 0.0, 10, 1_000, 0, 100)])
        swap = swap_model(table, "chat", "gpt-4o-mini")
        assert swap.repriced_usd is not None and swap.repriced_usd > 0
        assert swap.multiplier is None
        assert swap.reason is not None and "cost $0" in swap.reason

    def test_a_dataset_without_the_summary_says_to_reload(self, data: econ.Dataset) -> None:
        for source in (None, dataclasses.replace(data, model_usage=None)):
            swap = swap_model(source, "chat", "gpt-4o-mini")
            assert swap.multiplier is None and swap.reason == NO_SUMMARY
        assert "reload the ledger to re-price its models" in NO_SUMMARY
        assert model_swap.unavailable(None) == NO_SUMMARY

    def test_a_ledger_without_models_or_tokens_has_nothing_to_re_price(self) -> None:
        data = econ.load_dataset(
            usage_frame([("a", "chat", "2026-01", 3, 1.5)]),
            revenue_frame([("a", "2026-01", 20, "Pro")]),
        )
        assert model_swap.unavailable(data) == NO_TOKENS
        assert swap_model(data, "chat", "gpt-4o-mini").reason == NO_TOKENS

    def test_the_unknown_model_is_refused_even_without_a_summary(self) -> None:
        with pytest.raises(econ.ScenarioError):
            swap_model(None, "chat", "no-such-model-9000")

    def test_swaps_to_apply_are_never_raised(self, data: econ.Dataset) -> None:
        found = model_swap.model_swaps(
            data, {"chat": "no-such-model-9000", "search": "gpt-4o-mini"}
        )
        assert found["chat"].multiplier is None
        assert found["chat"].reason is not None and "no-such-model-9000" in found["chat"].reason
        assert found["search"].reason is not None
        assert found["search"].reason.startswith("the ledger has no feature 'search'")
        assert "no derived multiplier" in model_swap.swap_line(found["chat"])


def test_the_models_to_pick_put_the_ledgers_own_first(data: econ.Dataset) -> None:
    targets = model_swap.swap_targets(data)
    assert targets[:2] == ("gpt-4o", "claude-sonnet-4")  # by recorded cost
    assert "gpt-4o-mini" in targets and "o3" in targets
    assert len(set(targets)) == len(targets)
    rest = targets[2:]
    assert list(rest) == sorted(rest, key=lambda name: (name.lower(), name))
    unknown = summary([("chat", AUGUST, "in-house-7b", 10, 1.0, 10, 1_000, 0, 100)])
    assert "in-house-7b" not in model_swap.swap_targets(unknown)  # no price: cannot be picked
    assert model_swap.swap_targets(None) == model_swap.swap_targets(unknown)


def test_the_text_has_a_row_a_month_and_the_total(data: econ.Dataset) -> None:
    text = model_swap.swap_text(swap_model(data, "chat", "gpt-4o-mini"))
    lines = text.splitlines()
    assert any(line.startswith("2025-08 ") and "$0.9 " in line for line in lines)
    assert any(line.startswith("total ") and "0.0417" in line for line in lines)
    assert "gpt-4o-mini's (genai-prices)" in text


# -- applied: the simulation's cost factor and the routing lever's relative cost --


def chat_cost(frame: pl.DataFrame) -> float:
    return float(frame.filter(pl.col("feature_id") == "chat")["cost_usd"].sum())


class TestAppliedToTheSimulation:
    def test_the_features_simulated_cost_is_its_recorded_cost_times_the_multiplier(
        self, data: econ.Dataset
    ) -> None:
        book = econ.PriceBook(model_swaps={"chat": "gpt-4o-mini"})
        report = econ.analyze_dataset(data, econ.Scenario(price_book=book))
        simulation = econ.simulate(report, model_usage=data.model_usage)
        (swap,) = simulation.model_swaps
        assert swap.multiplier == pytest.approx(0.0375 / 0.9)
        recorded = chat_cost(report.features)
        assert recorded == pytest.approx(1.0)
        assert chat_cost(simulation.features) == pytest.approx(recorded * swap.multiplier)
        inference = simulation.totals.filter(pl.col("measure") == "inference_usd").row(0)
        assert inference[2] == pytest.approx(recorded * swap.multiplier)
        assert simulation.to_dict()["model_swaps"][0]["feature"] == "chat"

    def test_the_swap_replaces_a_typed_factor_which_stays_the_fallback(
        self, data: econ.Dataset
    ) -> None:
        book = econ.PriceBook(cost_multipliers={"chat": 0.5}, model_swaps={"chat": "gpt-4o-mini"})
        report = econ.analyze_dataset(data, econ.Scenario(price_book=book))
        derived = econ.simulate(report, model_usage=data.model_usage)
        assert chat_cost(derived.features) == pytest.approx(0.0375 / 0.9)
        fallback = econ.simulate(report)  # no per-model summary
        assert chat_cost(fallback.features) == pytest.approx(0.5)
        (swap,) = fallback.model_swaps
        assert swap.multiplier is None and swap.reason == NO_SUMMARY

    def test_a_swap_alone_is_not_current_pricing(self) -> None:
        assert not econ.PriceBook(model_swaps={"chat": "gpt-4o-mini"}).is_current_pricing

    def test_a_multiplier_above_the_typed_cap_applies_as_derived(self, data: econ.Dataset) -> None:
        price = 1_000.0  # dollars per million tokens: far above what the calls cost
        assert data.model_usage is not None
        expensive = swap_model(
            data,
            "chat",
            "frontier-x",
            overrides={"frontier-x": econ.ModelPrice(price, price)},
        )
        assert expensive.multiplier is not None and expensive.multiplier > 10


class TestTheRoutingLever:
    def route_of(self, data: econ.Dataset, *, with_summary: bool) -> econ.Recommendation:
        route = econ.Route(share=0.5, relative_cost=0.2, model="gpt-4o-mini")
        scenario = econ.Scenario(levers=econ.Levers(route=route))
        report = econ.analyze_dataset(data, scenario)
        found = econ.recommend(report, model_usage=data.model_usage if with_summary else None)
        return next(rec for rec in found if rec.kind == "route")

    def test_a_route_to_a_named_model_derives_its_relative_cost(self, data: econ.Dataset) -> None:
        rec = self.route_of(data, with_summary=True)
        multiplier = 0.0375 / 0.9
        assert rec.change["relative_cost_source"] == "derived"
        assert rec.change["relative_cost"] == pytest.approx(multiplier)
        assert rec.change["model"] == "gpt-4o-mini"
        assert rec.patch is not None
        assert rec.patch.cost_multipliers["chat"] == pytest.approx(1 - 0.5 + 0.5 * multiplier)
        assert rec.title == "Route 50% of chat to gpt-4o-mini at 4% of the cost"
        assert any("re-priced at gpt-4o-mini's list rates" in line for line in rec.arithmetic)
        assert any("measured on the 90.0% of its cost" in line for line in rec.arithmetic)

    def test_without_the_summary_the_typed_relative_cost_is_used_and_said(
        self, data: econ.Dataset
    ) -> None:
        rec = self.route_of(data, with_summary=False)
        assert rec.change["relative_cost_source"] == "typed"
        assert rec.change["relative_cost"] == 0.2
        assert any("the typed 20% is used" in line for line in rec.arithmetic)

    def test_a_named_model_that_costs_more_recommends_no_route(self, data: econ.Dataset) -> None:
        route = econ.Route(model="o1-pro")
        report = econ.analyze_dataset(data, econ.Scenario(levers=econ.Levers(route=route)))
        assert swap_model(data, "chat", "o1-pro").multiplier > 1  # type: ignore[operator]
        found = econ.recommend(report, model_usage=data.model_usage)
        assert not [rec for rec in found if rec.kind == "route"]


def test_the_sample_swaps_a_feature_onto_a_cheaper_model(sample_dataset: econ.Dataset) -> None:
    swap = swap_model(sample_dataset, "chat_assistant", "gpt-4o-mini")
    assert swap.covered == pytest.approx(1.0)
    assert swap.multiplier is not None and 0 < swap.multiplier < 0.1
    assert swap.months.height == 15  # 2025-08 to 2026-10


class TestTheScenarioFields:
    """``PriceBook.model_swaps`` and ``Route.model`` are checked like their neighbours."""

    def test_names_are_trimmed_and_round_trip(self) -> None:
        book = econ.PriceBook(model_swaps={"chat": " gpt-4o-mini "})
        assert book.model_swaps == {"chat": "gpt-4o-mini"}
        scenario = econ.Scenario(
            price_book=book,
            levers=econ.Levers(route=econ.Route(model="anthropic/claude-3-5-haiku")),
        )
        assert econ.Scenario.from_json(scenario.to_json()) == scenario

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"price_book": {"model_swaps": {"chat": ""}}}, "price_book.model_swaps['chat']"),
            ({"price_book": {"model_swaps": {"chat": 4}}}, "must be a model name"),
            ({"price_book": {"model_swaps": {"": "o3"}}}, "keys must be non-empty text"),
            ({"price_book": {"model_swaps": ["o3"]}}, "must be a map"),
            ({"price_book": {"model_swaps": {"chat": "o3\n"}}}, None),
            ({"price_book": {"model_swaps": {"chat": "o\x1b3"}}}, "printable characters"),
            ({"price_book": {"model_swaps": {"chat": "m" * 257}}}, "at most 256"),
            ({"levers": {"route": {"model": "  "}}}, "route.model must be a model name"),
        ],
    )
    def test_bad_values_are_refused_by_their_path(
        self, data: dict[str, object], message: str | None
    ) -> None:
        if message is None:  # surrounding white space is trimmed, not refused
            assert econ.Scenario.from_dict(data).price_book.model_swaps == {"chat": "o3"}
            return
        with pytest.raises(econ.ScenarioError, match=message.replace("[", "\\[")):
            econ.Scenario.from_dict(data)


def test_an_unknown_feature_names_at_most_twenty_of_the_ledgers() -> None:
    table = summary([(f"f{i:03}", AUGUST, "gpt-4o", 1, 1.0, 1, 1_000, 0, 100) for i in range(25)])
    with pytest.raises(econ.UnknownNameError) as raised:
        swap_model(table, "chat", "gpt-4o-mini")
    message = raised.value.args[0]
    assert "'f019'" in message and "'f020'" not in message
    assert message.endswith("and 5 more")
