"""The tiny dataset the presentation tests compute by hand: three customers, two features.

Usage-weighted allocation splits each customer-month's revenue by its calls:

======== ======= ======== ===== =========================================== =========
customer channel plan     MRR   usage                                       months
======== ======= ======== ===== =========================================== =========
a        web     Solo     $100  write: 100 calls, $20 a month               Jan, Feb
b        sales   Business $300  Jan: write 10 calls $5 + research 10 $350;  Jan, Feb
                                Feb: research 10 calls $350
c        web     Solo     $50   write: 10 calls, $2                         Jan
trial    —       —        —     research: 5 calls, $1 (unbilled)            Jan
======== ======= ======== ===== =========================================== =========

write earns 100 + 100 + 150 (half of b's January) + 50 = $400 at a cost of $47; research earns
150 + 300 = $450 at a cost of $700, a loss of $250. Revenue is $850, inference $747, over 5
customer-months.
"""

from __future__ import annotations

from builders import revenue_frame, usage_frame

import econ

REVENUE = revenue_frame(
    [
        ("a", "2026-01", 100, "Solo"),
        ("a", "2026-02", 100, "Solo"),
        ("b", "2026-01", 300, "Business"),
        ("b", "2026-02", 300, "Business"),
        ("c", "2026-01", 50, "Solo"),
    ],
    channel=["web", "web", "sales", "sales", "web"],
)
USAGE = usage_frame(
    [
        ("a", "write", "2026-01", 100, 20.0),
        ("a", "write", "2026-02", 100, 20.0),
        ("b", "write", "2026-01", 10, 5.0),
        ("b", "research", "2026-01", 10, 350.0),
        ("b", "research", "2026-02", 10, 350.0),
        ("c", "write", "2026-01", 10, 2.0),
        ("trial", "research", "2026-01", 5, 1.0),
    ]
)


def tiny_dataset() -> econ.Dataset:
    return econ.load_dataset(USAGE, REVENUE)


def tiny_report(scenario: econ.Scenario | None = None) -> econ.Report:
    """The tiny dataset's report, segmented by channel unless ``scenario`` says otherwise."""
    return econ.analyze_dataset(tiny_dataset(), scenario or econ.Scenario(segment_by="channel"))
