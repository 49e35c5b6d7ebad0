"""Write the bad-input corpus: broken, hostile or odd files, one problem each.

Each file is a small, otherwise valid usage ledger or revenue table with one thing wrong (or
odd but acceptable). ``tests/test_corpus.py`` says what the app and the CLI must answer for
each. Run ``python tests/corpus/make.py`` to rewrite them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from forge import BINARY, I64, Node, Record, footer, set_rows, set_statistic, with_footer

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
    forged(good_usage)
    extremes(good_usage, good_revenue)


def extremes(good_usage: pl.DataFrame, good_revenue: pl.DataFrame) -> None:
    """Values and shapes at the edge of what can be held or summed."""
    # One 10 KB id stored once in the dictionary and repeated 8,000 times: a few KB on disk,
    # 82 MB of text once read.
    rows = 8_000
    long_id = "x" * 10_240
    pq.write_table(
        pa.table(
            {
                "customer_id": pa.DictionaryArray.from_arrays(
                    pa.array([0] * rows, pa.int32()), pa.array([long_id])
                ),
                "feature_id": ["chat"] * rows,
                "month": pa.array([MONTHS[0]] * rows, pa.date32()),
                "cost_usd": [0.5] * rows,
            }
        ),
        HERE / "usage_dictionary_expands_to_long_ids.parquet",
        compression="zstd",
    )
    put(
        good_usage.with_columns(pl.lit(2**64 - 1, pl.UInt64).alias("calls")),
        "usage_calls_uint64_max.parquet",
    )
    put(good_usage.with_columns(pl.lit(2**62, pl.Int64).alias("calls")), "usage_calls_2_62.parquet")
    put(
        pl.concat([good_usage.with_columns(pl.lit(10**15, pl.Int64).alias("calls"))] * 800),
        "usage_calls_sum_overflows.parquet",
    )
    put(good_usage.with_columns(pl.lit(1e308).alias("cost_usd")), "usage_cost_1e308.parquet")
    put(good_revenue.with_columns(pl.lit(1e308).alias("mrr_usd")), "revenue_mrr_1e308.parquet")
    # Text past the first 64 KB the reader samples: a Latin-1 byte, and a quote left open.
    many = pl.concat([good_usage] * 1_000).with_columns(
        pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    body = many.write_csv().encode()
    (HERE / "usage_latin1_after_64_kb.csv").write_bytes(
        body + b"c\xe9,chat,2026-01-05T00:00:00Z,1,0.5\n"
    )
    (HERE / "usage_unclosed_quote.csv").write_bytes(
        body + b'c1,"chat,2026-01-05T00:00:00Z,1,0.5\nc2,chat,2026-01-05T00:00:00Z,1,0.5\n'
    )
    # A header 70 KB long on one line (a file that is one line of values).
    (HERE / "usage_one_line.csv").write_text(",".join(f"v{i}" for i in range(12_000)))
    # 4,000 punctuation-only headers: their names all normalize to "column".
    headers = ["customer_id", "feature_id", "timestamp", "cost_usd"] + [
        "!" * (i % 5 + 1) for i in range(4_000)
    ]
    (HERE / "usage_4000_punctuation_headers.csv").write_text(
        ",".join(headers) + "\n" + "c1,chat,2026-01-05T00:00:00Z,0.5" + ",x" * 4_000 + "\n"
    )
    # A cost written as 10 KB of text, stored once and repeated 8,000 times: 82 MB once read.
    pq.write_table(
        pa.table(
            {
                "customer_id": ["c1"] * rows,
                "feature_id": ["chat"] * rows,
                "month": pa.array([MONTHS[0]] * rows, pa.date32()),
                "cost_usd": pa.DictionaryArray.from_arrays(
                    pa.array([0] * rows, pa.int32()), pa.array([" " + "0" * 10_240 + "1.5"])
                ),
            }
        ),
        HERE / "usage_cost_text_expands.parquet",
        compression="zstd",
    )
    # Every record with a key of its own: a table of 600 columns, nearly all empty.
    sparse = [
        {"customer_id": "c1", "feature_id": "chat", "month": "2026-01", "cost_usd": 0.5, f"k{i}": 1}
        for i in range(600)
    ]
    (HERE / "usage_600_json_keys.jsonl").write_text("\n".join(map(json.dumps, sparse)) + "\n")
    (HERE / "usage_600_json_keys.json").write_text(json.dumps(sparse))
    # Ids of 200 accented characters (400 bytes): within the 256-character limit, either way.
    accented = good_usage.with_columns(pl.lit("é" * 200).alias("feature_id"))
    put(accented, "usage_200_accented_characters.parquet")
    put(
        accented.with_columns(pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%SZ")),
        "usage_200_accented_characters.csv",
    )
    # JSON nested 5,000 levels deep: Python's parser would run out of stack.
    deep = '{"customer_id": "c1", "cost_usd": ' + '{"a": ' * 5_000 + "1" + "}" * 5_000 + "}"
    (HERE / "usage_nested_5000_deep.jsonl").write_text(deep + "\n")
    (HERE / "revenue_nested_5000_deep.json").write_text("[" + deep + "]")
    # The row-number column econ adds, and two columns that both normalize to cost_usd (the
    # one in cents named with a space, the one in dollars by the exact name).
    put(
        good_usage.with_row_index("row", offset=1)
        .with_columns((pl.col("cost_usd") * 100).alias("Cost USD"))
        .select("row", "customer_id", "feature_id", "timestamp", "calls", "Cost USD", "cost_usd"),
        "usage_row_column_and_two_costs.csv",
    )


def forged(good_usage: pl.DataFrame) -> None:
    """Files whose pages are honest and whose footers are not (see ``forge.py``): a footer
    pyarrow cannot decode, and statistics that lie about the rows."""

    def write(frame: pl.DataFrame, name: str, edit: Callable[[Record], None]) -> None:
        buffer = io.BytesIO()
        frame.write_parquet(buffer, statistics=True)
        data = buffer.getvalue()
        meta = footer(data)
        edit(meta)
        (HERE / name).write_bytes(with_footer(data, meta))

    def double(value: float) -> Node:
        return Node(BINARY, struct.pack("<d", value))

    def micros(value: dt.datetime) -> Node:
        return Node(BINARY, struct.pack("<q", int(value.replace(tzinfo=dt.UTC).timestamp() * 1e6)))

    def count(value: int) -> Node:
        return Node(I64, value)

    # A 3-byte minimum for a DOUBLE column: pyarrow aborts the process when it decodes it.
    write(
        good_usage,
        "usage_footer_malformed_statistic.parquet",
        lambda m: set_statistic(m, "cost_usd", 6, Node(BINARY, b"abc")),
    )
    search = pl.col("feature_id") == "search"
    write(
        where(good_usage, search, "cost_usd", -pl.col("cost_usd")),
        "usage_forged_cost_minimum.parquet",
        lambda m: set_statistic(m, "cost_usd", 6, double(0.2)),
    )
    write(
        where(good_usage, search, "cost_usd", float("inf")),
        "usage_forged_cost_maximum.parquet",
        lambda m: set_statistic(m, "cost_usd", 5, double(2.1)),
    )
    write(
        where(good_usage, search, "cost_usd", None),
        "usage_forged_cost_null_count.parquet",
        lambda m: set_statistic(m, "cost_usd", 3, count(0)),
    )
    write(
        where(good_usage, pl.col("customer_id") == "c2", "customer_id", None),
        "usage_forged_customer_null_count.parquet",
        lambda m: set_statistic(m, "customer_id", 3, count(0)),
    )
    write(
        where(good_usage, search, "timestamp", None),
        "usage_forged_timestamp_null_count.parquet",
        lambda m: set_statistic(m, "timestamp", 3, count(0)),
    )
    write(
        where(good_usage, pl.col("feature_id") == "chat", "calls", -3),
        "usage_forged_calls_minimum.parquet",
        lambda m: set_statistic(m, "calls", 6, Node(BINARY, struct.pack("<q", 5))),
    )
    # A row in December 2025 under a minimum that says 10 January 2026: the month lookup must
    # not wrap round to the end of its table (December must stay December).
    early = where(
        good_usage,
        search & (pl.col("timestamp").dt.month() == 1),
        "timestamp",
        pl.datetime(2025, 12, 20, 9),
    )
    write(
        early,
        "usage_forged_time_minimum.parquet",
        lambda m: set_statistic(m, "timestamp", 6, micros(dt.datetime(2026, 1, 10, 12))),
    )
    late = where(
        good_usage,
        search & (pl.col("timestamp").dt.month() == 3),
        "timestamp",
        pl.datetime(2026, 7, 4, 9),
    )
    write(
        late,
        "usage_forged_time_maximum.parquet",
        lambda m: set_statistic(m, "timestamp", 5, micros(dt.datetime(2026, 3, 21, 12))),
    )
    # A minimum far past the year 9999, which Python's datetime cannot hold.
    write(
        good_usage,
        "usage_time_statistic_out_of_range.parquet",
        lambda m: set_statistic(m, "timestamp", 6, Node(BINARY, struct.pack("<q", 2**62))),
    )
    write(good_usage, "usage_footer_claims_fewer_rows.parquet", lambda m: set_rows(m, 9))
    write(good_usage, "usage_footer_claims_more_rows.parquet", lambda m: set_rows(m, 15))
    write(
        good_usage,
        "usage_footer_consistently_claims_fewer_rows.parquet",
        lambda m: set_rows(m, 9, chunks=True),
    )
    write(
        good_usage,
        "usage_footer_consistently_claims_more_rows.parquet",
        lambda m: set_rows(m, 15, chunks=True),
    )


if __name__ == "__main__":
    main()
