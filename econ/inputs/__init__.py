"""Stage 1, reading inputs: safe readers, export layouts of the tools companies use, the column
contracts enforced row by row, the ledger rollup, the validated dataset and its on-disk cache.

Layer 2: imports the scenario layer (for the plain-value checks) and the foundation modules.
"""
