"""Stage 2, the economic model: one definition per measure (:mod:`econ.measures`), the
active customer-months every figure is built from, segment LTVs, feature margins and the report.

Layer 4: imports inputs and the scenario layer, never storage, decisions or presentation.
"""
