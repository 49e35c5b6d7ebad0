"""Reading the exports people already have into the input contract.

One module per export family (:mod:`~econ.inputs.imports.langfuse`,
:mod:`~econ.inputs.imports.litellm`, :mod:`~econ.inputs.imports.openai`,
:mod:`~econ.inputs.imports.helicone`, :mod:`~econ.inputs.imports.stripe`,
:mod:`~econ.inputs.imports.baremetrics`, :mod:`~econ.inputs.imports.chartmogul`), each defining its
layouts (:class:`~econ.inputs.imports.layout.Layout`) and citing the tool source that writes them;
the :mod:`~econ.inputs.imports.registry` lists them and tells which one a file is. Anything else
goes through a column mapping (:mod:`~econ.inputs.imports.mapping`), guessed from the names and
shown for the user to confirm.

Column names are normalized first (``"Created (UTC)"`` → ``created``, ``startTime`` →
``start_time``; :func:`econ.inputs.readers.read_header`). Nested values are found wherever the
export put them (:mod:`~econ.inputs.imports.fields`). How each file was read travels with the
dataset as an :class:`ImportSpec`, so a shared link reads the files exactly as the first time.
"""

from econ.inputs.imports.inspection import Inspection, inspect
from econ.inputs.imports.layout import ROW, Layout, Side
from econ.inputs.imports.mapping import REVENUE_TARGETS, USAGE_TARGETS, guess_mapping
from econ.inputs.imports.registry import (
    LAYOUT_BY_ID,
    LAYOUTS,
    closest,
    detect,
    revenue_formats,
    title_of,
    usage_formats,
)
from econ.inputs.imports.revenue import revenue_to_contract
from econ.inputs.imports.spec import AMOUNTS, AUTO, MAPPED, NATIVE, ImportSpec
from econ.inputs.imports.usage import UNKNOWN_CUSTOMER, UNTAGGED, Converted, usage_to_contract

__all__ = [
    "AMOUNTS",
    "AUTO",
    "LAYOUTS",
    "LAYOUT_BY_ID",
    "MAPPED",
    "NATIVE",
    "REVENUE_TARGETS",
    "ROW",
    "UNKNOWN_CUSTOMER",
    "UNTAGGED",
    "USAGE_TARGETS",
    "Converted",
    "ImportSpec",
    "Inspection",
    "Layout",
    "Side",
    "closest",
    "detect",
    "guess_mapping",
    "inspect",
    "revenue_formats",
    "revenue_to_contract",
    "title_of",
    "usage_formats",
    "usage_to_contract",
]
