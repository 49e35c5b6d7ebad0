"""The built wheel installs on its own: the library and the ``econ`` command, without the app.

The wheel is built with the locked build backend and no build isolation (as the Makefile
installs the project), so the build needs no network. It goes into a fresh virtual environment,
without system site packages, next to the hash-pinned library lock (``requirements.lock``) and
nothing else; there the bundled sample must be found and ``econ analyze`` must print what it
prints in the development environment.

pip fetches the library's dependencies from the package index (its cache makes later runs
quick). An unreachable index fails this test rather than skipping it: ``make test`` installs
from the same index, so wherever the suite runs the index is there, and a skip would let a
wheel that cannot install pass unseen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from locations import ROOT

from econ.cli import main

pytestmark = pytest.mark.slow

CORE_LOCK = ROOT / "requirements.lock"


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command to completion; its output, or a failure that shows its error output."""
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, check=False)
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
    run([*pip_wheel, "--no-build-isolation", "--wheel-dir", str(out), str(ROOT)], cwd=out)
    (built,) = out.glob("econ-*.whl")
    return built


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A working folder outside the checkout, with a fresh environment holding the wheel in
    ``env/`` (so nothing is imported from the checkout) and an empty data folder in ``data/``."""
    home = tmp_path_factory.mktemp("clean")
    venv.create(home / "env", with_pip=True, system_site_packages=False)
    pip = [str(home / "env" / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps"]
    run([*pip, "--require-hashes", "-r", str(CORE_LOCK)], cwd=home)
    run([*pip, str(wheel)], cwd=home)
    (home / "data").mkdir()
    return home


def run_installed(home: Path, program: str, *args: str) -> str:
    """Run a program of the clean environment in its working folder, on its own data folder."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["ECON_DATA_DIR"] = str(home / "data")
    return run([str(home / "env" / "bin" / program), *args], cwd=home, env=env)


def printed_by_the_checkout(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """What ``econ`` prints in the development environment for these arguments."""
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_the_app_is_not_installed(home: Path) -> None:
    for module in ("streamlit", "altair"):
        done = subprocess.run(
            [str(home / "env" / "bin" / "python"), "-c", f"import {module}"],
            capture_output=True,
            text=True,
            cwd=home,
            check=False,
        )
        assert done.returncode != 0, f"{module} is installed"
        assert "ModuleNotFoundError" in done.stderr


def test_the_sample_is_read_from_the_installed_package(home: Path) -> None:
    code = "import econ; print(*econ.sample_paths(), sep='\\n')"
    paths = [Path(line) for line in run_installed(home, "python", "-c", code).splitlines()]
    assert [path.name for path in paths] == ["usage.parquet", "revenue.parquet"]
    for path in paths:
        assert path.is_file() and path.is_relative_to(home / "env"), path


def test_the_table_matches_the_checkout(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    installed = run_installed(home, "econ", "analyze").splitlines()
    expected = printed_by_the_checkout(capsys, "analyze").splitlines()
    assert installed[0] == expected[0]  # the headline: customers, revenue, inference, margin
    assert installed[0].startswith("Window 2025-08 to 2026-10: 2,000 paying customers")
    blended = [line for line in expected if line.startswith("|     all |")]
    assert blended and blended[0] in installed


def test_the_json_matches_the_checkout(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    installed = json.loads(run_installed(home, "econ", "analyze", "--format", "json"))
    expected = json.loads(printed_by_the_checkout(capsys, "analyze", "--format", "json"))
    totals = installed["totals"]
    assert totals.keys() == expected["totals"].keys()
    for key, value in expected["totals"].items():
        assert totals[key] == same_figure(value), key
    assert totals["revenue_usd"] == pytest.approx(4_155_803.60)
    blended = installed["segments"][-1]["ltv_compute_adjusted_usd"]
    assert blended == same_figure(expected["segments"][-1]["ltv_compute_adjusted_usd"])


def same_figure(value: object) -> object:
    """What a figure of the checkout's output must equal. Either run may read a rollup whose
    rows come in another order, so sums agree to the last few bits, not bit for bit."""
    return pytest.approx(value, rel=1e-9) if isinstance(value, float) else value
