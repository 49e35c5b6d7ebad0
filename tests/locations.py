"""Where the project's files are, for tests in any folder of ``tests/``."""

from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent
TESTS: Final = ROOT / "tests"
APP: Final = ROOT / "app.py"
CORPUS: Final = TESTS / "corpus"
FIXTURES: Final = TESTS / "fixtures" / "imports"
