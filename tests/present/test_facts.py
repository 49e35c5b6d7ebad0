"""What the pages state, by hand on three customers and two features (see :mod:`tiny_report`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
import pytest
from builders import revenue_frame, usage_frame
from tiny_report import REVENUE, USAGE, tiny_dataset, tiny_report

import econ
from econ.present import columns, facts


@pytest.fixture(scope="module")
def data() -> econ.Dataset:
    return tiny_dataset()


@pytest.fixture(scope="module")
def report() -> econ.Report:
    return tiny_report()


class TestDataPage:
    def test_the_summary(self, data: econ.Dataset) -> None:
        assert facts.dataset_summary(data) == facts.DatasetSummary(
            usage_rows=7,
            customers=3,
            months=2,
            first_month=dt.date(2026, 1, 1),
            last_month=dt.date(2026, 2, 1),
            plans=("Business", "Solo"),
            segment_columns=("channel",),
            dropped_rows=0,
            usage_layout="The econ contract",
            revenue_layout="The econ contract",
        )

    def test_the_summary_leaves_a_rollup_read_in_the_background_unread(
        self, data: econ.Dataset
    ) -> None:
        reads: list[str] = []

        def rollup() -> pl.DataFrame:
            reads.append("rollup")
            return data.usage

        lazy = econ.Dataset(
            usage_source=rollup,
            revenue=data.revenue,
            prepared=data.prepared,
            segment_columns=data.segment_columns,
            usage_rows=data.usage_rows,
            usage_name=data.usage_name,
            revenue_name=data.revenue_name,
        )
        assert facts.dataset_summary(lazy) == facts.dataset_summary(data)
        assert reads == []
        assert facts.feature_count(lazy) == 2
        assert reads == ["rollup"]

    def test_dropped_rows_count_each_row_once(self, data: econ.Dataset) -> None:
        dropped = pl.DataFrame(
            {
                "file": ["r.csv", "r.csv", "r.csv"],
                "row": [2, 2, 5],
                "column": ["mrr_usd", "plan", "mrr_usd"],
                "rule": ["x", "y", "x"],
                "values": ["", "", ""],
            }
        )
        with_dropped = econ.Dataset(
            usage_source=data.usage,
            revenue=data.revenue,
            prepared=data.prepared,
            segment_columns=data.segment_columns,
            usage_rows=data.usage_rows,
            usage_name=data.usage_name,
            revenue_name=data.revenue_name,
            dropped=dropped,
        )
        assert facts.dataset_summary(with_dropped).dropped_rows == 2

    def test_features_count_the_whole_rollup_trials_included(self) -> None:
        trial_only = pl.concat([USAGE, usage_frame([("trial", "export", "2026-01", 1, 0.5)])])
        data = econ.load_dataset(trial_only, REVENUE)
        assert facts.feature_count(data) == 3
        assert econ.analyze_dataset(data, econ.Scenario()).features.height == 2

    def test_the_preview_is_the_first_rows_by_customer_feature_and_month(
        self, data: econ.Dataset
    ) -> None:
        preview = facts.rollup_preview(data.usage)
        assert preview.select("customer_id", "feature_id", "month").rows()[:4] == [
            ("a", "write", dt.date(2026, 1, 1)),
            ("a", "write", dt.date(2026, 2, 1)),
            ("b", "research", dt.date(2026, 1, 1)),
            ("b", "research", dt.date(2026, 2, 1)),
        ]
        assert preview.height == 7

    @pytest.mark.parametrize(
        ("share", "ending"),
        [
            (0.8788, ", so compute-adjusted LTV matters here."),
            (0.1001, ", so compute-adjusted LTV matters here."),
            (0.10, "; below about 10% the compute-adjusted view changes little."),
            (0.07, "; below about 10% the compute-adjusted view changes little."),
            (0.01, "; below about 10% the compute-adjusted view changes little."),
            (None, "; below about 10% the compute-adjusted view changes little."),
        ],
    )
    def test_the_inference_share_note(self, share: float | None, ending: str) -> None:
        assert facts.inference_note(share) == ending

    def test_the_note_of_the_tiny_report(self, report: econ.Report) -> None:
        assert report.totals.inference_share == pytest.approx(747 / 850)
        assert facts.inference_note(report.totals.inference_share).startswith(", so")


class TestSegmentPage:
    def test_segmentations_and_their_labels(self, data: econ.Dataset) -> None:
        assert facts.segmentations(data) == ["usage_tier", "plan", "channel"]
        assert [facts.segmentation_label(c) for c in facts.segmentations(data)] == [
            "Usage tier (light / core / power)",
            "Plan",
            "Channel",
        ]
        assert facts.segmentation_label("company_size") == "Company size"

    def test_segment_names_and_the_blended_row(self, report: econ.Report) -> None:
        assert facts.segment_names(report.segments) == ["sales", "web"]
        blended = facts.blended_row(report.segments)
        assert blended["segment"] == facts.BLENDED == "all"
        assert blended["arpa_usd"] == pytest.approx(850 / 5)

    def test_null_reasons_name_each_segment_once_in_table_order(self) -> None:
        segments = pl.DataFrame(
            {
                "segment": ["web", "sales", "all"],
                "null_reasons": [["churn: undefined", "cac_usd: none"], ["cac_usd: none"], []],
            }
        )
        assert facts.null_reasons(segments) == {
            "churn: undefined": ["web"],
            "cac_usd: none": ["web", "sales"],
        }

    def test_null_reasons_of_the_tiny_report(self, report: econ.Report) -> None:
        # sales (b) never churns, so its lifetimes are unbounded; nobody has a CAC.
        reasons = facts.null_reasons(report.segments)
        unbounded = "churn is 0, so the lifetime is unbounded"
        assert reasons[f"ltv_compute_adjusted_usd: {unbounded}"] == ["sales"]
        assert reasons["ltv_cac: needs both LTV and CAC"] == ["sales", "web", "all"]
        assert len(reasons) == 7

    def test_no_reasons_without_blanks(self) -> None:
        segments = pl.DataFrame(
            {"segment": ["all"], "null_reasons": [[]]},
            schema={"segment": pl.String, "null_reasons": pl.List(pl.String)},
        )
        assert facts.null_reasons(segments) == {}


class TestFeaturePage:
    def test_losing_features_and_their_loss(self, report: econ.Report) -> None:
        losses = facts.feature_losses(report.features)
        assert losses.losers["feature_id"].to_list() == ["research"]
        assert losses.losers["gross_profit_usd"].to_list() == [pytest.approx(450 - 700)]
        assert losses.features == 2
        assert losses.loss_usd == pytest.approx(250)

    def test_no_losers(self, report: econ.Report) -> None:
        losses = facts.feature_losses(report.features.filter(pl.col("feature_id") == "write"))
        assert (losses.losers.height, losses.features, losses.loss_usd) == (0, 1, 0)

    def test_usage_shares_in_percent(self, report: econ.Report) -> None:
        # write earns 400 and research 450 of 850.
        assert facts.usage_shares(report.features) == {"write": 47.1, "research": 52.9}

    def test_an_undefined_share_is_zero(self) -> None:
        features = pl.DataFrame(
            {"feature_id": ["f"], "revenue_share": [None]},
            schema={"feature_id": pl.String, "revenue_share": pl.Float64},
        )
        assert facts.usage_shares(features) == {"f": 0.0}

    @pytest.mark.parametrize(("amount", "shown"), [(0.0, None), (0.005, None), (0.0051, 0.0051)])
    def test_unallocated_revenue_from_half_a_cent(
        self, report: econ.Report, amount: float, shown: float | None
    ) -> None:
        totals = report.totals
        assert facts.unallocated_revenue(totals) is None  # every month here has calls
        changed = replace(totals, unallocated_revenue_usd=amount)
        assert facts.unallocated_revenue(changed) == shown

    def test_category_labels_carry_their_band(self) -> None:
        assert facts.category_label("core") == "core (55%–75%)"
        assert facts.category_label("value_add") == "value-add (70%–85%)"


class TestTiersPage:
    def test_plans_cheapest_first(self, report: econ.Report) -> None:
        # Solo: (100 + 100 + 50) / 3 a customer-month; Business: 300.
        assert facts.plans_by_price(report.customer_months) == ["Solo", "Business"]

    def test_plans_of_the_same_price_by_name(self) -> None:
        revenue = revenue_frame([("a", "2026-01", 10, "Zeta"), ("b", "2026-01", 10, "Alpha")])
        usage = usage_frame([("a", "f", "2026-01", 1, 1.0)])
        report = econ.analyze(usage, revenue)
        assert facts.plans_by_price(report.customer_months) == ["Alpha", "Zeta"]

    def test_recommendations_shown(self) -> None:
        ranked = list(range(20))
        assert facts.shown_recommendations(ranked, show_all=False) == list(range(8))
        assert facts.shown_recommendations(ranked, show_all=True) == ranked
        assert facts.shown_recommendations(ranked[:3], show_all=False) == [0, 1, 2]


def test_the_churn_caption_says_whose_rate_it_is() -> None:
    assert facts.churn_marker("scenario") == " · **overridden**"
    assert facts.churn_marker("segments") == " · **follows the segments' rates**"
    assert facts.churn_marker("estimated") == facts.churn_marker(None) == ""


def test_blank_figures_are_said_in_words_once_per_cause() -> None:
    segments = pl.DataFrame(
        {
            "segment": ["core", "power", "all"],
            "null_reasons": [
                ["ltv_traditional_usd: churn is 0", "ltv_revenue_usd: churn is 0"],
                [
                    "ltv_traditional_usd: churn is 0",
                    "ltv_revenue_usd: churn is 0",
                    "payback_months: never paid back",
                ],
                [],
            ],
        }
    )
    assert facts.blank_figures(segments, columns.SEGMENTS) == [
        "Traditional LTV, Revenue LTV: churn is 0 (Core users, Power users)",
        "Payback (months): never paid back (Power users)",
    ]
    assert facts.blank_figures(segments.head(0), columns.SEGMENTS) == []


def test_customers_who_moved_between_segments_are_counted_in_each() -> None:
    segments = pl.DataFrame({"segment": ["Starter", "Pro", "all"], "customers": [3, 2, 4]})
    assert facts.counted_twice(segments) == 1
    assert facts.counted_twice(segments.with_columns(customers=pl.Series([2, 2, 4]))) == 0
