"""The Streamlit app's shared pieces: session state and links, controls, charts, tables.

A page (``pages/*.py``) only lays things out, so it imports from a short list of modules:

- ``streamlit``, to draw;
- ``econ``, the public API (``econ.__all__``);
- ``econ.formats`` and ``econ.schema``, the foundation: how numbers are written, and the names
  of the data contract (columns, feature categories and their target bands);
- ``econ.present`` and its modules: every figure, table and chart frame a page shows, shaped
  and tested there (:mod:`econ.present.facts`, :mod:`econ.present.views`), and the column
  specs of every table (:mod:`econ.present.columns`);
- ``econ_pack`` and its modules: the Altair chart builders (drawing only, no streamlit), shared
  with the board pack the command line prints;
- ``ui`` and its modules: the session and its cached results (:mod:`ui.session`), controls
  bound to the scenario and every edit they make (:mod:`ui.controls`), tables with their
  downloads (:mod:`ui.tables`, :mod:`ui.exports`), the board pack button (:mod:`ui.board`),
  layout, imports and text.

Nothing in between: not ``econ.scenario``, ``econ.inputs``, ``econ.model``,
``econ.decisions`` or ``econ.storage`` (a page that needs one of them needs a function in
``econ.present`` or ``ui``), and not ``polars`` (a frame a page shows is shaped in
``econ.present``). ``tests/ui/test_page_imports.py`` checks every page against this list.

``ui`` itself is the app's adapter to the package: besides everything a page may import, it
uses the few modules that hold the app's state outside a report: the dataset store and the
saved scenarios (:mod:`econ.storage.store`, :mod:`econ.storage.scenarios`), share links and
control edits (:mod:`econ.scenario.link`, :mod:`econ.scenario.edits`,
:mod:`econ.scenario.assumptions`), and reading an upload before it becomes a dataset
(:mod:`econ.inputs.readers`, :mod:`econ.inputs.cache`, :mod:`econ.inputs.imports`).
``tests/test_architecture.py`` checks that list.
"""
