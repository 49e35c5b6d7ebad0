"""Presentation helpers: chart- and table-ready frames and the plain-text report, shaped here so
they are tested and the pages stay thin. Pure polars: no streamlit, no altair.

Layer 6: imports anything below it; only the CLI and the app import it.
"""
