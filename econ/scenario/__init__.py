"""The scenario: every assumption behind a report, the levers it can pull, the small edits the
app's controls make, and the share link that carries it.

Layer 1, above :mod:`econ.errors`, :mod:`econ.schema` and :mod:`econ.formats`; it imports
nothing else of the package.
"""
