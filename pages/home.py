"""Data: upload a usage ledger and a revenue table, or explore the bundled sample."""

import polars as pl
import streamlit as st

from econ import formats
from econ.errors import format_row
from econ.link import SAMPLE_DATASET
from ui import layout, session

st.title("Data")
banner = st.container()
layout.notices()

st.subheader("Your files")
left, right = st.columns(2)
usage_file = left.file_uploader(
    "Usage ledger (parquet)",
    type=["parquet"],
    key="upload_usage",
    help="One row per inference call, or pre-aggregated rows: customer_id, feature_id, "
    "timestamp or month, cost_usd; optional calls, model, input_tokens, output_tokens.",
)
revenue_file = right.file_uploader(
    "Revenue table (parquet)",
    type=["parquet"],
    key="upload_revenue",
    help="One row per customer per month: customer_id, month, mrr_usd, plan; every other "
    "text column (company_size, channel, …) becomes a segment.",
)
if usage_file is not None and revenue_file is not None:
    with st.status("Reading and checking your files…", expanded=True) as status:
        st.write(f"Usage ledger: {usage_file.name} ({usage_file.size:,} bytes)")
        st.write(f"Revenue table: {revenue_file.name} ({revenue_file.size:,} bytes)")
        problems = session.use_uploaded(
            usage_file.getvalue(), usage_file.name, revenue_file.getvalue(), revenue_file.name
        )
        if problems:
            status.update(label="Your files could not be used", state="error", expanded=False)
        else:
            status.update(label="Your files are loaded", state="complete", expanded=False)
    if problems:
        st.error(
            f"**{len(problems)} problem(s) stop these files from being used.** Nothing changed: "
            "the data you were looking at is still loaded. Fix the files and upload them again."
        )
        st.dataframe(
            pl.DataFrame(
                {
                    "file": [p.source for p in problems],
                    "column": [p.column or "" for p in problems],
                    "rule": [p.rule for p in problems],
                    "rows": [p.count for p in problems],
                    "example": [format_row(p.example) if p.example else "" for p in problems],
                }
            ),
            hide_index=True,
            width="stretch",
        )
elif usage_file is not None or revenue_file is not None:
    missing = "revenue table" if revenue_file is None else "usage ledger"
    st.info(f"Add the {missing} too: the two files are read together.")

now = session.current()
data, report = now.data, now.report
with banner:
    if now.dataset_id == SAMPLE_DATASET:
        st.info(
            "**You are looking at the bundled sample data**: Quillstack, a fictional AI "
            "writing-and-research SaaS with three plans and eight AI features. Upload your own "
            "usage ledger and revenue table below to see your numbers.",
            icon=":material/science:",
        )
    else:
        st.success(
            f"Showing your data: **{data.usage_name}** and **{data.revenue_name}**.",
            icon=":material/check_circle:",
        )
        st.button("Back to the sample data", on_click=session.use_sample, key="use_sample")

st.subheader("What is in it")
totals = report.totals
revenue = data.revenue
first, second, third, fourth = st.columns(4)
first.metric("Usage rows", formats.count(data.usage_rows))
second.metric("Customers", formats.count(revenue["customer_id"].n_unique()))
third.metric(
    "Months",
    formats.count(revenue["month"].n_unique()),
    help=f"{revenue['month'].min():%b %Y} to {revenue['month'].max():%b %Y}",
)
fourth.metric("Features", formats.count(data.usage["feature_id"].n_unique()))
first, second, third, fourth = st.columns(4)
first.metric("Plans", formats.count(revenue["plan"].n_unique()))
second.metric("Total revenue", formats.money(totals.revenue_usd, cents=False))
third.metric(
    "Inference cost",
    formats.money(totals.inference_usd, cents=False),
    help="Inference inside paying customer-months.",
)
fourth.metric(
    "Unbilled usage",
    formats.money(totals.unbilled_inference_usd, cents=False),
    help=f"{totals.unbilled_calls:,} calls outside any paying month: free trials, churned "
    "or unknown customers. Left out of segment and feature economics.",
)
st.caption(
    f"Plans: {', '.join(sorted(revenue['plan'].unique()))}. Segment columns: "
    f"{', '.join(data.segment_columns) or 'none'}. Inference is "
    f"{formats.percent(totals.inference_share)} of revenue"
    + (
        ", so compute-adjusted LTV matters here."
        if (totals.inference_share or 0) > 0.10
        else "; below about 10% the compute-adjusted view changes little."
    )
)
for warning in report.warnings:
    st.warning(warning)

with st.expander("Preview the rows"):
    st.markdown("**Usage, rolled up to customer × feature × month**")
    st.dataframe(data.usage.head(200), hide_index=True)
    st.markdown("**Revenue**")
    st.dataframe(revenue.head(200), hide_index=True)
