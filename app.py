"""The app: ``streamlit run app.py`` (or ``make run``).

Pages live in ``pages/``; their URL paths differ from their file names on purpose (AppTest
mis-resolves a page whose URL path equals its file name). This entry point restores the
dataset, scenario and page from the link in the URL, draws the navigation and the shared
sidebar, runs the chosen page, and writes the state back into the URL.

With sign-in configured (an ``[auth]`` table in the server's secrets), someone not signed in
sees only the sign-in page, unless they hold a signed link; whether the dataset may be opened
is checked before it is loaded (:mod:`ui.auth`). Without it the sidebar says the server is open.
"""

import streamlit as st

from ui import auth, layout, session

# An emoji icon is drawn in the browser; a Material icon would be fetched from Google's font CDN.
st.set_page_config(page_title="AI unit economics", page_icon="📈", layout="wide")
if auth.sign_in_configured() and auth.current_user() is None and not session.holds_link():
    auth.sign_in_page()
auth.account()
session.start()
pages = {
    page.url_path: page
    for page in [
        # The landing page. As the default page its URL is the app's root (Streamlit gives it
        # the url_path ""), so a link to it names no page; one that does says "summary".
        st.Page(
            "pages/summary.py",
            title="Summary",
            icon=":material/dashboard:",
            url_path="summary",
            default=True,
        ),
        st.Page(
            "pages/home.py",
            title="Data",
            icon=":material/database:",
            url_path="data",
        ),
        st.Page(
            "pages/segments.py",
            title="Segment LTV",
            icon=":material/groups:",
            url_path="segment-ltv",
        ),
        st.Page(
            "pages/features.py",
            title="Feature margins",
            icon=":material/stacked_bar_chart:",
            url_path="feature-margins",
        ),
        st.Page(
            "pages/tiers.py",
            title="Tiers & pricing",
            icon=":material/sell:",
            url_path="tiers-pricing",
        ),
        st.Page(
            "pages/scorecard.py",
            title="AI scorecard",
            icon=":material/speed:",
            url_path="ai-scorecard",
        ),
        st.Page(
            "pages/company.py",
            title="Company by month",
            icon=":material/calendar_month:",
            url_path="company-by-month",
        ),
        st.Page(
            "pages/customer.py",
            title="Customer P&L",
            icon=":material/person:",
            url_path="customer-pnl",
        ),
        st.Page(
            "pages/compare_scenarios.py",
            title="Compare scenarios",
            icon=":material/compare_arrows:",
            url_path="compare",
        ),
        st.Page(
            "pages/projection.py",
            title="Projection",
            icon=":material/trending_up:",
            url_path="projection-12-months",
        ),
        st.Page(
            "pages/formulas.py", title="Methods", icon=":material/function:", url_path="methods"
        ),
    ]
}
page = st.navigation(list(pages.values()))
pages["summary"] = pages[""]
session.open_requested_page(pages, page)
layout.sample_banner(page)
page.run()
layout.sidebar(page)
session.sync_url()
