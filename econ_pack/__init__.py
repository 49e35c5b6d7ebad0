"""What econ draws and prints: charts, chart images, spreadsheets and the board pack.

- :mod:`econ_pack.charts`, :mod:`econ_pack.retention_charts`,
  :mod:`econ_pack.projection_charts`: pure functions from the frames of :mod:`econ.present`
  to Altair charts, shown by the app and printed in the board pack.

It sits beside ``econ`` rather than in it: ``econ`` is the computation and never imports a
drawing library, while this package needs Altair, vl-convert and WeasyPrint (the ``report``
extra). It never imports Streamlit, so the command line (``econ report``) uses it as the app
does; ``tests/test_architecture.py`` checks both rules.
"""
