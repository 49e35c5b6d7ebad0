"""Stage 1: read the two inputs, hold them to their contracts, and roll the ledger up.

1. :mod:`econ.inputs.readers` reads a parquet or CSV file safely (size limits, decompression bombs).
2. :mod:`econ.inputs.imports` turns a known export (Langfuse, LiteLLM, OpenAI, Helicone, Stripe, …)
   or a mapped layout into the contract's columns.
3. Here: values are converted to the contract's types, rows without a cost are priced from their
   tokens (:mod:`econ.inputs.token_prices`), and every row is checked against the contract's
   dataframely schema (:mod:`econ.schema`).

What happens to a row that breaks a rule is the caller's choice (:class:`IngestOptions`):
``"raise"`` refuses the file with an :class:`~econ.errors.InputError` naming the file, column,
rule, how many rows break it and one example; ``"drop"`` keeps every usable row and reports the
dropped ones (listed in :attr:`Dataset.dropped`, with their row numbers). A file that cannot be
read at all, or has no usable row, is always refused. Scenario changes never come back here.

One job per module:

- :mod:`~econ.inputs.ingest.assemble`: :func:`load_dataset`, both inputs (or the rollup cache's
  copy of an earlier load) assembled into one :class:`Dataset`.
- :mod:`~econ.inputs.ingest.usage`: :func:`load_usage`, the ledger converted, priced, checked and
  rolled up (or vouched for by its own statistics).
- :mod:`~econ.inputs.ingest.revenue`: :func:`load_revenue`, the revenue table converted and
  checked.
- :mod:`~econ.inputs.ingest.pricing`: rows without a cost priced from their tokens, and the
  models no price is known for.
- :mod:`~econ.inputs.ingest.coerce`: values converted to the contract's types.
- :mod:`~econ.inputs.ingest.time_zones`: which text timestamps carried an offset, and the note
  that says so.
- :mod:`~econ.inputs.ingest.failures`: rows that break a rule, described, listed and counted.
- :mod:`~econ.inputs.ingest.refusals`: whole files refused (unreadable, a column missing, values
  no row could use).
"""

from econ.inputs.dataset import DROPPED_SCHEMA, Dataset, IngestOptions
from econ.inputs.ingest.assemble import load_dataset, segment_columns_of
from econ.inputs.ingest.revenue import RevenueLoad, load_revenue
from econ.inputs.ingest.usage import UsageLoad, load_usage, rollup_usage
from econ.inputs.readers import Source

__all__ = [
    "DROPPED_SCHEMA",
    "Dataset",
    "IngestOptions",
    "RevenueLoad",
    "Source",
    "UsageLoad",
    "load_dataset",
    "load_revenue",
    "load_usage",
    "rollup_usage",
    "segment_columns_of",
]
