"""``python -m econ`` runs the command line."""

from econ.cli import main

raise SystemExit(main())
