"""The ``econ`` command line: the same report as the app, as a table or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from econ.display import report_text
from econ.errors import InputError, ScenarioError
from econ.ingest import Dataset, load_dataset
from econ.pricing import Simulation, simulate
from econ.recommend import Recommendation, recommend
from econ.report import Report, analyze_dataset, records
from econ.sample import sample_paths, sample_scenario
from econ.scenario import Scenario
from econ.views import features_by_plan

EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="econ",
        description="Compute-adjusted LTV per segment and gross margin per AI feature.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def data_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--usage", type=Path, help="usage ledger parquet (default: bundled sample data)"
        )
        command.add_argument(
            "--revenue", type=Path, help="revenue table parquet (default: bundled sample data)"
        )
        command.add_argument(
            "--scenario",
            type=Path,
            help="scenario JSON file (default: sample_data/scenario.json with the sample data, "
            "else every default)",
        )
        command.add_argument("--output", type=Path, help="write here instead of standard output")

    analyze = commands.add_parser(
        "analyze", help="segment LTVs, feature margins and totals for a dataset"
    )
    data_options(analyze)
    analyze.add_argument("--format", choices=("table", "json"), default="table")

    scenario = commands.add_parser(
        "scenario", help="print the scenario in effect (defaults filled in from the data) as JSON"
    )
    data_options(scenario)
    return parser


def _dataset(args: argparse.Namespace) -> Dataset:
    if (args.usage is None) != (args.revenue is None):
        raise ScenarioError(
            "give both --usage and --revenue, or neither to use the bundled sample data"
        )
    if args.usage is None:
        usage, revenue = sample_paths()
    else:
        usage, revenue = args.usage, args.revenue
    return load_dataset(usage, revenue, usage_name=str(usage), revenue_name=str(revenue))


def _scenario(path: Path | None, *, sample_data: bool) -> Scenario:
    if path is None:
        return sample_scenario() if sample_data else Scenario()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"cannot read the scenario file {path}: {error}") from None
    try:
        return Scenario.from_json(text)
    except ScenarioError as error:
        raise ScenarioError(f"{path}: {error}") from None


def full_report(
    report: Report, recommendations: Sequence[Recommendation], simulation: Simulation
) -> dict[str, Any]:
    """Everything ``econ analyze --format json`` prints."""
    return report.to_dict() | {
        "feature_margins_by_plan": records(features_by_plan(report)),
        "recommendations": [item.to_dict() for item in recommendations],
        "simulation": simulation.to_dict(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        scenario = _scenario(args.scenario, sample_data=args.usage is None)
        report = analyze_dataset(_dataset(args), scenario)
        if args.command == "scenario":
            text = report.scenario.to_json()
        else:
            recommendations = recommend(report)
            simulation = simulate(report)
            if args.format == "json":
                text = json.dumps(
                    full_report(report, recommendations, simulation), indent=2, allow_nan=False
                )
            else:
                text = report_text(report, recommendations, simulation)
        if args.output is None:
            sys.stdout.write(text + "\n")
        else:
            args.output.write_text(text + "\n", encoding="utf-8")
    except (InputError, ScenarioError) as error:
        sys.stderr.write(f"econ: error: {error}\n")
        return EXIT_BAD_INPUT
    except OSError as error:
        sys.stderr.write(f"econ: error: {error}\n")
        return EXIT_BAD_INPUT
    return 0
