"""Data: upload a usage ledger and a revenue table (any supported export), or use the sample."""

import streamlit as st

from econ import formats
from econ.present import facts
from ui import imports, layout, session, sharing
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
may_upload = sharing.may_upload()
usage_files = left.file_uploader(
    "Usage ledger",
    type=UPLOAD_TYPES,
    accept_multiple_files=True,
    key=session.uploader_key("usage"),
    help="One row per inference call or pre-aggregated rows: who, which feature, when, and what "
    "it cost (or the model and tokens to price it from). Several files of one export (API "
    "pages, a month each) are read as one table.",
    disabled=not may_upload,
)
revenue_files = right.file_uploader(
    "Revenue table",
    type=UPLOAD_TYPES,
    accept_multiple_files=True,
    key=session.uploader_key("revenue"),
    help="One row per customer per month with MRR and plan, or invoice lines / subscriptions. "
    "Several files of one export are read as one table.",
    disabled=not may_upload,
)
if not may_upload:
    st.info("Sign in to load your own files.", icon=":material/login:")

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
            progress = st.progress(0.1, text="1 of 3: files received; reading and checking rows…")
            result = session.use_uploaded(
                session.Upload(usage.name, usage.content, usage_spec),
                session.Upload(revenue.name, revenue.content, revenue_spec),
            )
            if result.problems:
                progress.progress(1.0, text="Stopped: the problems are listed below.")
                status.update(label="Your files could not be used", state="error", expanded=False)
            else:
                progress.progress(0.7, text="2 of 3: read and saved; computing the report…")
                session.current()
                progress.progress(1.0, text="3 of 3: the report is ready.")
                status.update(label="Your files are loaded", state="complete", expanded=False)
        # Draw the page again from the new state: the new dataset, or prices to ask for.
        st.rerun()
    last = session.last_upload()
    if last is not None and last.problems:
        st.error(
            f"**{len(last.problems)} problem(s) stop these files from being used.** Nothing "
            "changed: the data you were looking at is still loaded. Fix the files, or the way "
            "they are read, and load them again."
        )
        st.dataframe(imports.problems_frame(last.problems), hide_index=True, width="stretch")
elif usage is not None or revenue is not None:
    missing = "revenue table" if revenue is None else "usage ledger"
    st.info(f"Add the {missing} too: the two are read together.")

data, report = now.data, now.report
summary = facts.dataset_summary(data)
with banner:
    if now.is_sample:
        st.info(
            "**You are looking at the bundled sample data**: Quillstack, a fictional AI "
            "writing-and-research SaaS with three plans and eight AI features. Upload your own "
            "usage ledger and revenue table below to see your numbers.",
            icon=":material/science:",
        )
    else:
        st.success(
            f"Showing your data: **{plain(data.usage_name)}** ({summary.usage_layout}) "
            f"and **{plain(data.revenue_name)}** ({summary.revenue_layout}).",
            icon=":material/check_circle:",
        )
        st.button("Back to the sample data", on_click=session.use_sample, key="use_sample")

if summary.dropped_rows:
    st.warning(
        f"**{formats.count_of(summary.dropped_rows, 'row')} left out** because they "
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
first, second, third, features_slot = st.columns(4)
first.metric("Usage rows", formats.count(summary.usage_rows))
second.metric("Customers", formats.count(summary.customers))
third.metric(
    "Months",
    formats.count(summary.months),
    help=f"{summary.first_month:%b %Y} to {summary.last_month:%b %Y}",
)
first, second, third, fourth = st.columns(4)
first.metric("Plans", formats.count(len(summary.plans)))
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
    f"Plans: {', '.join(map(plain, summary.plans))}. Segment columns: "
    f"{', '.join(map(plain, summary.segment_columns)) or 'none'}. Inference is "
    f"{formats.percent(totals.inference_share)} of revenue"
    + facts.inference_note(totals.inference_share)
)
st.caption(plain(facts.seats_and_users(data)))
for note in data.notes:
    st.caption(f"• {plain(note)}")
converted = facts.currency_conversion(data)
if converted is not None:
    st.markdown(
        f"**Currencies**: every amount is in {data.reporting_currency.upper()}, converted at "
        "the rates given (never looked up)."
    )
    st.dataframe(converted, hide_index=True, key="currency_conversion")
for warning in report.warnings:
    st.warning(plain(warning))

# Last, the two things that read the ledger rollup, which a dataset re-opened from the cache
# loads in the background: everything above is shown without waiting for it.
features_slot.metric("Features", formats.count(facts.feature_count(data)))
with st.expander("Preview the rows"):
    st.markdown("**Usage, rolled up to customer × feature × month**")
    st.dataframe(facts.rollup_preview(data.usage), hide_index=True)
    st.markdown("**Revenue**")
    st.dataframe(data.revenue.head(facts.PREVIEW_ROWS), hide_index=True)

# With sign-in on: who can see this dataset, its links and its audit trail (nothing without).
sharing.section()
