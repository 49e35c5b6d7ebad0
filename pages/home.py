"""Data: upload a usage ledger and a revenue table (any supported export), or use the sample."""

import streamlit as st

from econ import formats
from econ.inputs.imports import title_of
from econ.scenario.link import SAMPLE_DATASET
from ui import imports, layout, session
from ui.text import plain

UPLOAD_TYPES = ["parquet", "csv", "json", "jsonl", "ndjson", "gz"]

st.title("Data")
banner = st.container()
layout.notices()

st.subheader("Your files")
st.caption(
    "Parquet, CSV, JSON or JSON Lines. Usage: the econ layout, or an export from Langfuse, "
    "LiteLLM, OpenAI's usage API or Helicone (any other layout can be mapped). Revenue: the econ "
    "layout, Stripe invoice lines, subscriptions or Dashboard export, a Baremetrics or "
    "ChartMogul import file, or a subscriptions table."
)
left, right = st.columns(2)
usage_files = left.file_uploader(
    "Usage ledger",
    type=UPLOAD_TYPES,
    accept_multiple_files=True,
    key=session.uploader_key("usage"),
    help="One row per inference call or pre-aggregated rows: who, which feature, when, and what "
    "it cost (or the model and tokens to price it from). Several files of one export (API "
    "pages, a month each) are read as one table.",
)
revenue_files = right.file_uploader(
    "Revenue table",
    type=UPLOAD_TYPES,
    accept_multiple_files=True,
    key=session.uploader_key("revenue"),
    help="One row per customer per month with MRR and plan, or invoice lines / subscriptions. "
    "Several files of one export are read as one table.",
)

now = session.current()
usage, revenue = imports.chosen(usage_files), imports.chosen(revenue_files)
if usage is not None and revenue is not None:
    unpriced = session.unpriced_models(usage.name, now.data)
    with st.container(border=True):
        st.markdown("##### How to read them")
        usage_spec = imports.spec_controls("usage", usage.name, usage.files, unpriced)
        st.divider()
        revenue_spec = imports.spec_controls("revenue", revenue.name, revenue.files)
        ready = not isinstance(usage_spec, tuple) and not isinstance(revenue_spec, tuple)
        clicked = st.button(
            "Load these files", type="primary", key="load_files", disabled=not ready
        )
    unreadable = [spec for spec in (usage_spec, revenue_spec) if isinstance(spec, tuple)]
    if unreadable:
        st.error(
            "**These files cannot be read.** Nothing changed: the data you were looking at is "
            "still loaded."
        )
        st.dataframe(
            imports.problems_frame([p for problems in unreadable for p in problems]),
            hide_index=True,
            width="stretch",
        )
    elif clicked and not isinstance(usage_spec, tuple) and not isinstance(revenue_spec, tuple):
        with st.status("Reading and checking your files…", expanded=True) as status:
            st.write(f"Usage ledger: {plain(usage.name)} ({usage.size:,} bytes)")
            st.write(f"Revenue table: {plain(revenue.name)} ({revenue.size:,} bytes)")
            result = session.use_uploaded(
                session.Upload(usage.name, usage.content, usage_spec),
                session.Upload(revenue.name, revenue.content, revenue_spec),
            )
            if result.problems:
                status.update(label="Your files could not be used", state="error", expanded=False)
            else:
                status.update(label="Your files are loaded", state="complete", expanded=False)
        # Draw the page again from the new state: the new dataset, or prices to ask for.
        st.rerun()
    result = session.last_upload()
    if result is not None and result.problems:
        st.error(
            f"**{len(result.problems)} problem(s) stop these files from being used.** Nothing "
            "changed: the data you were looking at is still loaded. Fix the files, or the way "
            "they are read, and load them again."
        )
        st.dataframe(imports.problems_frame(result.problems), hide_index=True, width="stretch")
elif usage is not None or revenue is not None:
    missing = "revenue table" if revenue is None else "usage ledger"
    st.info(f"Add the {missing} too: the two are read together.")

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
            f"Showing your data: **{plain(data.usage_name)}** ({title_of(data.usage_format)}) "
            f"and **{plain(data.revenue_name)}** ({title_of(data.revenue_format)}).",
            icon=":material/check_circle:",
        )
        st.button("Back to the sample data", on_click=session.use_sample, key="use_sample")

if data.dropped.height:
    st.warning(
        f"**{formats.count_of(data.dropped['row'].n_unique(), 'row')} left out** because they "
        "break a rule; every other row is used. Download the list to fix them at the source.",
        icon=":material/filter_alt_off:",
    )
    st.dataframe(imports.problems_frame(data.dropped_problems), hide_index=True, width="stretch")
    st.download_button(
        "Download the dropped rows (CSV)",
        data.dropped.write_csv(),
        file_name="dropped_rows.csv",
        mime="text/csv",
        key="download_dropped",
    )

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
second.metric("Total revenue", formats.headline(totals.revenue_usd))
third.metric(
    "Inference cost",
    formats.headline(totals.inference_usd),
    help="Inference inside paying customer-months.",
)
fourth.metric(
    "Unbilled usage",
    formats.headline(totals.unbilled_inference_usd),
    help=f"{totals.unbilled_calls:,} calls outside any paying month: free trials, churned "
    "or unknown customers. Left out of segment and feature economics.",
)
st.caption(
    f"Plans: {', '.join(map(plain, sorted(revenue['plan'].unique())))}. Segment columns: "
    f"{', '.join(map(plain, data.segment_columns)) or 'none'}. Inference is "
    f"{formats.percent(totals.inference_share)} of revenue"
    + (
        ", so compute-adjusted LTV matters here."
        if (totals.inference_share or 0) > 0.10
        else "; below about 10% the compute-adjusted view changes little."
    )
)
for note in data.notes:
    st.caption(f"• {plain(note)}")
for warning in report.warnings:
    st.warning(plain(warning))

with st.expander("Preview the rows"):
    st.markdown("**Usage, rolled up to customer × feature × month**")
    # The rollup is in no particular order; the preview shows the first rows by its keys.
    keys = ["customer_id", "feature_id", "month"]
    st.dataframe(data.usage.bottom_k(200, by=keys).sort(keys), hide_index=True)
    st.markdown("**Revenue**")
    st.dataframe(revenue.head(200), hide_index=True)
