"""Summary: what an executive reads first. KPI cards with their months and their change against
the month and the quarter before, then the findings ranked by the dollars a month at stake, each
linked to the page that explains it; the last is the verdict (does compute-adjusted LTV matter
here?)."""

import streamlit as st

from econ import formats
from econ.present import labels
from econ.present.summary import margins_text
from ui import controls, layout, session, summary
from ui.text import plain

now = session.current()
result = summary.summary(now)

title, about = st.columns([3, 2], vertical_alignment="bottom")
title.title("Summary")
latest = now.report.customer_months.window.last
title.caption(
    f"{plain(result.window)} · "
    f"{formats.count_of(now.report.totals.customers, 'paying customer')} · the cards are "
    f"{latest:%B %Y} · findings ranked by dollars a month at stake"
)
if now.is_sample:
    about.info(
        "The bundled sample: Quillstack, a fictional AI SaaS.",
        icon=":material/science:",
    )
else:
    about.caption(f"Data: {plain(now.data.usage_name)} + {plain(now.data.revenue_name)}")
about.page_link(
    summary.page_file("data"),
    label="Load your data" if now.is_sample else "Change the data",
    icon=":material/upload:" if now.is_sample else ":material/database:",
)
layout.notices()

for column, kpi in zip(st.columns(len(result.kpis)), result.kpis, strict=True):
    with column:
        st.metric(
            kpi.name,
            kpi.value_text,
            delta=kpi.mom_text,
            delta_color=summary.delta_color(kpi, kpi.mom),
            delta_arrow=kpi.direction(kpi.mom),
            chart_data=kpi.chart_values,
            chart_type="area",
            border=False,
            help=f"The last month of {result.window}: its change against the month before (MoM) "
            "and the last 3 months against the 3 before (QoQ, which needs 6 months of data).",
        )
        st.caption(kpi.qoq_text if kpi.qoq is not None else "— QoQ (needs 6 months)")
st.caption(plain(margins_text(now.report, result.kpis)))
st.caption(plain(result.ai_revenue))

for number, found in enumerate(result.findings, start=1):
    text, link = st.columns([11, 2], vertical_alignment="center")
    details = "".join(f"  \n*{plain(detail)}*" for detail in found.details)
    text.markdown(f"**{number}.** {plain(found.headline)}{details}")
    if found.segment_by is not None and found.segment_by != now.scenario.segment_by:
        by = labels.segmentation_label(found.segment_by).lower()
        if link.button(
            found.page_title,
            key=f"open:{found.key}",
            icon=":material/arrow_forward:",
            help=f"Opens {found.page_title} with customers segmented by {plain(by)}.",
        ):
            session.set_scenario(controls.segment_by(now.scenario, found.segment_by))
            st.switch_page(summary.page_file(found.page))
    else:
        link.page_link(
            summary.page_file(found.page),
            label=found.page_title,
            icon=":material/arrow_forward:",
        )

for note in result.unset:
    st.caption(plain(note))
