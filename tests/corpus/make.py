"""Write the bad-input corpus: broken, hostile or odd files, one problem each.

Each file is a small, otherwise valid usage ledger or revenue table with one thing wrong (or
odd but acceptable). ``tests/test_corpus.py`` says what the app and the CLI must answer for
each. Run ``python tests/corpus/make.py`` to rewrite them.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
MONTHS = [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]


def usage() -> pl.DataFrame:
    rows = [
        (customer, feature, dt.datetime(2026, month.month, 10 + i, 12), calls, cost)
        for i, (customer, feature, calls, cost) in enumerate(
            [
                ("c1", "chat", 10, 1.5),
                ("c1", "search", 40, 0.2),
                ("c2", "chat", 5, 0.8),
                ("c3", "draft", 7, 2.1),
            ]
        )
        for month in MONTHS
    ]
    return pl.DataFrame(
        rows, schema=["customer_id", "feature_id", "timestamp", "calls", "cost_usd"], orient="row"
    )


def revenue() -> pl.DataFrame:
    rows = [
        (customer, month, mrr, plan, size)
        for customer, mrr, plan, size in [
            ("c1", 99.0, "Pro", "SMB"),
            ("c2", 49.0, "Lite", "SMB"),
            ("c3", 299.0, "Max", "Enterprise"),
        ]
        for month in MONTHS
    ]
    return pl.DataFrame(
        rows, schema=["customer_id", "month", "mrr_usd", "plan", "company_size"], orient="row"
    )


def where(frame: pl.DataFrame, condition: pl.Expr, column: str, value: object) -> pl.DataFrame:
    """``frame`` with ``column`` set to ``value`` on the rows matching ``condition``."""
    return frame.with_columns(
        pl.when(condition).then(value).otherwise(pl.col(column)).alias(column)
    )


def put(frame: pl.DataFrame, name: str) -> None:
    if name.endswith(".csv"):
        frame.write_csv(HERE / name)
    else:
        frame.write_parquet(HERE / name)


def main() -> None:
    good_usage, good_revenue = usage(), revenue()
    put(good_usage, "good_usage.parquet")
    put(good_revenue, "good_revenue.parquet")

    # -- not a table at all --
    (HERE / "usage_not_a_table.parquet").write_bytes(bytes(range(256)) * 8)
    (HERE / "usage_zero_bytes.parquet").write_bytes(b"")
    whole = (HERE / "good_usage.parquet").read_bytes()
    (HERE / "usage_truncated.parquet").write_bytes(whole[: len(whole) // 2])
    (HERE / "revenue_html_error_page.parquet").write_text(
        "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>\n"
    )
    (HERE / "revenue_json.csv").write_text(json.dumps([{"customer": "c1", "mrr": 99}]))

    # -- shape --
    put(good_usage.clear(), "usage_zero_rows.parquet")
    put(good_revenue.drop("mrr_usd", "plan"), "revenue_missing_columns.parquet")
    put(good_usage.drop("timestamp"), "usage_no_time_column.parquet")
    put(
        good_usage.with_columns(
            pl.col("feature_id").map_elements(lambda f: [f, "x"], return_dtype=pl.List(pl.String))
        ),
        "usage_list_column.parquet",
    )
    put(
        good_revenue.with_columns(pl.struct(pl.col("plan")).alias("plan")),
        "revenue_struct_column.parquet",
    )

    # -- values --
    put(
        good_usage.with_columns(pl.col("cost_usd").cast(pl.String).replace({"0.8": "n/a"})),
        "usage_cost_text.parquet",
    )
    put(
        good_revenue.with_columns(
            pl.format("${}", pl.col("mrr_usd").cast(pl.Int64)).alias("mrr_usd")
        ),
        "revenue_mrr_with_dollar_sign.csv",
    )
    put(
        where(good_usage, pl.col("customer_id") == "c2", "customer_id", None),
        "usage_null_customer.parquet",
    )
    put(
        where(good_usage, pl.col("feature_id") == "draft", "feature_id", pl.lit("")),
        "usage_empty_feature.parquet",
    )
    put(
        where(good_usage, pl.col("feature_id") == "search", "cost_usd", -pl.col("cost_usd")),
        "usage_negative_cost.parquet",
    )
    put(
        where(good_usage, pl.col("customer_id") == "c3", "cost_usd", float("nan")),
        "usage_nan_cost.parquet",
    )
    put(
        where(good_usage, pl.col("customer_id") == "c2", "cost_usd", float("inf")),
        "usage_infinite_cost.parquet",
    )
    put(
        where(good_usage, pl.col("feature_id") == "chat", "calls", -3),
        "usage_negative_calls.parquet",
    )
    put(
        good_usage.with_columns(pl.col("calls").cast(pl.Float64) + 0.5),
        "usage_fractional_calls.parquet",
    )
    put(
        where(good_revenue, pl.col("plan") == "Lite", "mrr_usd", -49.0),
        "revenue_negative_mrr.parquet",
    )
    put(
        where(good_revenue, pl.col("plan") == "Max", "mrr_usd", float("nan")),
        "revenue_nan_mrr.parquet",
    )
    put(pl.concat([good_revenue, good_revenue.head(2)]), "revenue_duplicate_rows.parquet")
    put(
        pl.concat(
            [
                good_revenue,
                good_revenue.head(1).with_columns(
                    pl.lit("Add-on").alias("plan"), pl.lit(20.0).alias("mrr_usd")
                ),
            ]
        ),
        "revenue_month_with_two_plans.parquet",
    )
    put(
        good_usage.with_columns(
            pl.col("customer_id")
            .replace({"c3": "3.5"})
            .cast(pl.Float64, strict=False)
            .fill_null(1.0)
        ),
        "usage_float_ids.parquet",
    )
    put(
        good_usage.with_columns(pl.col("customer_id").replace({"c3": "c" * 5000})),
        "usage_very_long_id.parquet",
    )
    put(
        where(
            good_revenue,
            (pl.col("customer_id") == "c2") & (pl.col("month") == MONTHS[2]),
            "month",
            pl.date(2999, 3, 1),
        ),
        "revenue_far_future_month.parquet",
    )
    put(
        where(good_usage, pl.col("feature_id") == "search", "timestamp", pl.datetime(1970, 1, 1)),
        "usage_before_1990.parquet",
    )
    put(
        good_revenue.with_columns(
            pl.col("month").cast(pl.String).replace({"2026-02-01": "February"})
        ),
        "revenue_month_unparseable.csv",
    )
    table = pa.table(
        {
            "customer_id": pa.array([b"c1", b"\xff\xfe", b"c3"], pa.binary()),
            "feature_id": ["chat", "chat", "chat"],
            "month": pa.array(MONTHS, pa.date32()),
            "cost_usd": [1.0, 1.0, 1.0],
        }
    )
    pq.write_table(table, HERE / "usage_binary_ids.parquet")
    put(
        good_usage.with_columns(pl.lit(None, pl.Null).alias("cost_usd")),
        "usage_all_null_cost.parquet",
    )

    # -- hostile --
    n = 12_000_000
    pl.DataFrame(
        {
            "customer_id": pl.repeat("c1", n, eager=True),
            "feature_id": pl.repeat("f", n, eager=True),
            "month": pl.repeat(dt.date(2026, 1, 1), n, eager=True),
            "cost_usd": pl.repeat(0.0, n, eager=True),
        }
    ).write_parquet(
        HERE / "usage_decompression_bomb.parquet", compression="zstd", row_group_size=4_000_000
    )
    put(
        pl.concat([good_usage] * 400), "usage_over_size_limit.parquet"
    )  # refused under a small limit

    # -- odd but acceptable --
    put(
        good_usage.with_columns(pl.col("customer_id").replace({"c3": "顧客-ünïcødé-🚀"})),
        "usage_unicode_ids.parquet",
    )
    put(
        good_revenue.with_columns(pl.col("customer_id").replace({"c3": "顧客-ünïcødé-🚀"})),
        "revenue_unicode_ids.parquet",
    )
    put(
        good_revenue.with_columns(
            pl.col("mrr_usd").map_elements(
                lambda v: Decimal(f"{v:.2f}"), return_dtype=pl.Decimal(12, 2)
            )
        ),
        "revenue_decimal_mrr.parquet",
    )
    stamps = [
        "2026-01-10T12:00:00Z",
        "2026-01-11T12:00:00+05:30",
        "2026-01-31 23:30:00",
        "2026-02-28T22:00:00-05:00",  # 1 March in UTC
    ] * 3
    put(good_usage.with_columns(pl.Series("timestamp", stamps)), "usage_mixed_time_zones.csv")
    put(
        pl.concat(
            [good_usage, good_usage.head(3).with_columns(pl.lit("stranger").alias("customer_id"))]
        ),
        "usage_unknown_customers.parquet",
    )
    put(good_revenue.filter(pl.col("month") == MONTHS[0]), "revenue_single_month.parquet")
    put(
        good_usage.with_columns(
            pl.lit("my-finetune-v2").alias("model"),
            pl.lit(1200).alias("input_tokens"),
            pl.lit(300).alias("output_tokens"),
            pl.lit(None, pl.Float64).alias("cost_usd"),
        ),
        "usage_unknown_model.parquet",
    )


if __name__ == "__main__":
    main()
