"""The ``econ`` command line: the same report as the app, as a table or JSON.

``econ analyze`` reads the two files (any supported export layout), ``econ inspect`` shows how a
file would be read and which choices it offers, ``econ scenario`` prints the scenario in effect.
Any bad input or scenario exits with code 2 and a readable message, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from econ.decisions.pricing import Simulation, simulate
from econ.decisions.projection import project
from econ.decisions.recommend import Recommendation, recommend
from econ.errors import DatasetNotFoundError, EconError, ScenarioError
from econ.inputs.cache import bytes_hash
from econ.inputs.imports import (
    AMOUNTS,
    ImportSpec,
    inspect,
    revenue_formats,
    title_of,
    usage_formats,
)
from econ.inputs.ingest import Dataset, IngestOptions, load_dataset
from econ.inputs.readers import Limits, Source, default_name, open_table
from econ.inputs.sample import sample_paths, sample_scenario
from econ.inputs.token_prices import ModelPrice
from econ.model.report import Report, analyze_dataset, records
from econ.present.display import report_text, terminal_safe
from econ.present.views import features_by_plan
from econ.scenario.assumptions import Scenario
from econ.scenario.link import SAMPLE_DATASET, encode_link
from econ.scenario.values import known_keys, mapping, parse_json
from econ.storage.store import DATA_DIR_ENV, DatasetStore, dataset_id_for, side_hash

EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    """The command line: one sub-command each to analyze, print the scenario, or inspect."""
    parser = argparse.ArgumentParser(
        prog="econ",
        description="Compute-adjusted LTV per segment and gross margin per AI feature.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    analyze = commands.add_parser(
        "analyze", help="segment LTVs, feature margins, recommendations and a price simulation"
    )
    _data_options(analyze)
    analyze.add_argument("--format", choices=("table", "json"), default="table")
    scenario = commands.add_parser(
        "scenario", help="print the scenario in effect (defaults filled in from the data) as JSON"
    )
    _data_options(scenario)
    report = commands.add_parser(
        "report",
        help="the board pack: one self-contained HTML or PDF report of the view (needs the "
        "report extra)",
    )
    _data_options(report)
    report.add_argument("--format", choices=("html", "pdf"), default="html")
    look = commands.add_parser(
        "inspect", help="how a file would be read: its layout, columns and the choices it offers"
    )
    look.add_argument("file", type=Path)
    look.add_argument("--side", choices=("usage", "revenue"), default="usage")
    return parser


def _data_options(command: argparse.ArgumentParser) -> None:
    """What ``analyze`` and ``scenario`` read: the files, how to read them, where to write."""
    _file_options(command)
    _reading_options(command)
    command.add_argument("--output", type=Path, help="write here instead of standard output")


def _file_options(command: argparse.ArgumentParser) -> None:
    """The files to read (the bundled sample when none is given)."""
    files = command.add_argument_group("data (default: the bundled sample)")
    files.add_argument(
        "--usage",
        type=Path,
        nargs="+",
        help="usage ledger: parquet, CSV, JSON or JSON Lines, any layout; or several files "
        "(e.g. API pages), a folder of them (hive partitions too) or a quoted glob such as "
        "'ledger/*.parquet'",
    )
    files.add_argument(
        "--revenue", type=Path, help="revenue table: parquet, CSV, JSON or JSON Lines"
    )
    files.add_argument(
        "--scenario",
        type=Path,
        help="scenario JSON file (default: the sample's own scenario with the sample data, "
        "else every default)",
    )


def _reading_options(command: argparse.ArgumentParser) -> None:
    """How exports are read: their layouts, where ids come from, prices, invalid rows."""
    reading = command.add_argument_group("reading exports")
    _layout_options(reading)
    reading.add_argument(
        "--prices",
        type=Path,
        help='price overrides JSON: {"model": {"input_per_mtok": 2.5, "output_per_mtok": 10}}',
    )
    reading.add_argument(
        "--import-spec", type=Path, help='JSON {"usage": {...}, "revenue": {...}} import specs'
    )
    reading.add_argument(
        "--drop-invalid",
        action="store_true",
        help="keep the usable rows of files with invalid ones (default: refuse such files)",
    )
    reading.add_argument("--dropped-out", type=Path, help="write the dropped rows here as CSV")
    reading.add_argument(
        "--no-cache",
        action="store_true",
        help=f"read the files again even if they were read before (the rollup cache lives "
        f"under ${DATA_DIR_ENV}, see the README)",
    )


def _layout_options(reading: argparse._ArgumentGroup) -> None:
    """Which layout each file is, and how its columns map to the contract's."""
    reading.add_argument("--usage-format", choices=["auto", *usage_formats()], default="auto")
    reading.add_argument("--revenue-format", choices=["auto", *revenue_formats()], default="auto")
    reading.add_argument(
        "--customer", help="where usage rows name the customer, e.g. column:user_id"
    )
    reading.add_argument(
        "--feature",
        help="where usage rows name the feature, e.g. tag:feature: or metadata:feature",
    )
    reading.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="SIDE.COLUMN=FILE_COLUMN",
        help="map a contract column to a file column, e.g. usage.customer_id=account "
        "(repeatable; on top of a detected layout it replaces what the layout reads)",
    )
    reading.add_argument(
        "--amounts",
        choices=AMOUNTS,
        help="revenue amounts (default auto: as the layout or a header says, else from the "
        "amounts, with a warning)",
    )
    reading.add_argument("--through", help="YYYY-MM: last month of running subscriptions")
    reading.add_argument(
        "--include-prorations", action="store_true", help="count Stripe proration lines"
    )


def _read_json(path: Path, what: str) -> Any:
    try:
        text = path.read_bytes()
    except OSError as error:
        raise ScenarioError(f"cannot read the {what} file {path}: {error}") from None
    return parse_json(text, f"the {what} file {path}")


def _specs(args: argparse.Namespace) -> tuple[ImportSpec, ImportSpec]:
    """Import specs from --import-spec, then the individual flags on top."""
    usage, revenue = ImportSpec(), ImportSpec()
    if args.import_spec is not None:
        data = known_keys(
            _read_json(args.import_spec, "import spec"), "import spec", ("usage", "revenue")
        )
        usage = ImportSpec.from_dict(data.get("usage", {}), "import spec usage")
        revenue = ImportSpec.from_dict(data.get("revenue", {}), "import spec revenue")
    maps: dict[str, dict[str, str]] = {
        "usage": dict(usage.mapping),
        "revenue": dict(revenue.mapping),
    }
    for item in args.map:
        target, _, source = item.partition("=")
        side, _, column = target.partition(".")
        if side not in maps or not column or not source:
            raise ScenarioError(
                f"--map takes SIDE.COLUMN=FILE_COLUMN (side usage or revenue), got {item!r}"
            )
        maps[side][column] = source
    overrides = dict(usage.price_overrides)
    if args.prices is not None:
        prices = mapping(_read_json(args.prices, "prices"), "prices")
        overrides |= {
            model: ModelPrice.from_dict(p, f"prices[{model!r}]") for model, p in prices.items()
        }
    usage = replace(
        usage,
        format=args.usage_format if args.usage_format != "auto" else usage.format,
        customer=args.customer or usage.customer,
        feature=args.feature or usage.feature,
        mapping=maps["usage"],
        price_overrides=overrides,
    )
    revenue = replace(
        revenue,
        format=args.revenue_format if args.revenue_format != "auto" else revenue.format,
        mapping=maps["revenue"],
        amounts_in=args.amounts or revenue.amounts_in,
        through=args.through or revenue.through,
        include_prorations=args.include_prorations or revenue.include_prorations,
    )
    return usage, revenue


def _dataset(args: argparse.Namespace) -> Dataset:
    if (args.usage is None) != (args.revenue is None):
        raise ScenarioError(
            "give both --usage and --revenue, or neither to use the bundled sample data"
        )
    usage_spec, revenue_spec = _specs(args)
    if args.usage:
        paths: list[Path] = args.usage
        usage: Source = paths[0] if len(paths) == 1 else paths
        usage_name = str(paths[0]) if len(paths) == 1 else default_name(paths, "usage ledger")
        revenue: Path = args.revenue
    else:
        usage, revenue = sample_paths()
        usage_name = str(usage)
    cache_dir = None
    if not args.no_cache:
        store = DatasetStore()
        unwritable = store.write_problem()
        if unwritable is None:
            cache_dir = store.rollups
        else:  # the cache only saves time: read the files without it, and say so
            sys.stderr.write(
                f"econ: warning: the rollup cache cannot be written ({unwritable}): the files "
                "are read without it (--no-cache silences this).\n"
            )
    data = load_dataset(
        usage,
        revenue,
        usage_name=usage_name,
        revenue_name=str(revenue),
        usage_spec=usage_spec,
        revenue_spec=revenue_spec,
        options=IngestOptions(on_invalid="drop" if args.drop_invalid else "raise"),
        cache_dir=cache_dir,
    )
    for warning in data.warnings:
        sys.stderr.write(f"econ: warning: {terminal_safe(warning)}\n")
    if data.dropped.height:
        for problem in data.dropped_problems:
            sys.stderr.write(f"econ: dropped: {terminal_safe(problem.message())}\n")
        if args.dropped_out is not None:
            data.dropped.write_csv(args.dropped_out)
    return data


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
    report: Report,
    recommendations: Sequence[Recommendation],
    simulation: Simulation,
    data: Dataset | None = None,
) -> dict[str, Any]:
    """Everything ``econ analyze --format json`` prints."""
    out = report.to_dict() | {
        "feature_margins_by_plan": records(features_by_plan(report)),
        "recommendations": [item.to_dict() for item in recommendations],
        "simulation": simulation.to_dict(),
        "projection": project(report, simulation).to_dict(),
    }
    if data is not None:
        out["import"] = {
            "usage_format": data.usage_format,
            "revenue_format": data.revenue_format,
            "notes": list(data.notes),
            "dropped_rows": data.dropped["row"].n_unique(),
            "dropped": [problem.message() for problem in data.dropped_problems],
            "pricing": records(data.pricing),
        }
    return out


def _inspect(path: Path, side: str) -> str:
    label = path.name
    table = open_table(path, label, Limits.from_environment())
    found = inspect(table.frame, "usage" if side == "usage" else "revenue", hints=table.hints)
    lines = [
        f"{label}: {title_of(found.format)} ({found.format}), read as {table.kind}",
        f"columns: {', '.join(found.columns)}",
    ]
    if found.closest:
        lines.append(found.closest)
    spec: dict[str, Any] = {"format": found.format}
    if found.sources:
        lines.append(
            f"customer from: {found.customer or 'nothing found (choose --customer)'}   "
            f"feature from: {found.feature or 'nothing found (choose --feature)'}"
        )
        lines.append("other sources: " + ", ".join(found.sources))
        spec |= {"customer": found.customer, "feature": found.feature}
    if found.mapping:
        lines.append(
            "guessed mapping: " + ", ".join(f"{k} ← {v}" for k, v in found.mapping.items())
        )
        spec["mapping"] = dict(found.mapping)
    lines.append("import spec: " + json.dumps({side: spec}))
    return "\n".join(lines)


REPORT_EXTRA = "econ report needs the report extra: pip install 'econ[report]'"


def _share_query(args: argparse.Namespace, scenario: Scenario) -> tuple[str, str | None]:
    """The dataset id and the share link's query part, as the app would make them: for the
    sample, or for files the app's store holds (read the same way); else no link."""
    if args.usage is None:
        return SAMPLE_DATASET, "?" + urlencode(encode_link(SAMPLE_DATASET, scenario))
    paths: list[Path] = [*args.usage, args.revenue]
    if not all(path.is_file() for path in paths):
        return "", None  # a folder or a glob: not one upload of the app
    usage_spec, revenue_spec = _specs(args)
    usage_hash = side_hash([bytes_hash(path.read_bytes()) for path in args.usage])
    revenue_hash = bytes_hash(args.revenue.read_bytes())
    specs = {"usage_spec": usage_spec.to_dict(), "revenue_spec": revenue_spec.to_dict()}
    dataset_id = dataset_id_for(usage_hash, revenue_hash, json.dumps(specs, sort_keys=True))
    try:
        DatasetStore().find(dataset_id)
    except DatasetNotFoundError:
        return dataset_id, None
    return dataset_id, "?" + urlencode(encode_link(dataset_id, scenario))


def _board_pack(args: argparse.Namespace, data: Dataset, scenario: Scenario, report: Report) -> int:
    """``econ report``: write the board pack (HTML or PDF) to ``--output``."""
    if args.output is None:
        sys.stderr.write("econ: error: econ report needs --output PATH (the file to write)\n")
        return EXIT_BAD_INPUT
    try:
        from econ_pack.pack import board_pack_html, pack_inputs  # noqa: PLC0415
        from econ_pack.pdf import print_pdf  # noqa: PLC0415
    except ImportError:
        sys.stderr.write(f"econ: error: {REPORT_EXTRA}\n")
        return EXIT_BAD_INPUT
    dataset_id, link = _share_query(args, scenario)
    inputs = pack_inputs(
        data,
        scenario,
        dataset_id=dataset_id or "not stored",
        share_link=link,
        generated_on=dt.date.today(),
        report=report,
    )
    if args.format == "html":
        args.output.write_text(board_pack_html(inputs, charts="svg"), encoding="utf-8")
        sys.stdout.write(f"wrote {args.output}\n")
    else:
        try:
            printed = print_pdf(board_pack_html(inputs, charts="png"))
        except EconError as error:
            sys.stderr.write(f"econ: error: {terminal_safe(str(error))}\n")
            return EXIT_BAD_INPUT
        args.output.write_bytes(printed.data)
        sys.stdout.write(f"wrote {args.output} ({printed.pages} pages)\n")
    if link is None:
        sys.stdout.write(
            "no share link: the app's store does not hold these files (load them on the app's "
            "Data page first)\n"
        )
    else:
        sys.stdout.write(f"share link: {link} (append to your app's address)\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "inspect":
            sys.stdout.write(terminal_safe(_inspect(args.file, args.side)) + "\n")
            return 0
        scenario = _scenario(args.scenario, sample_data=args.usage is None)
        data = _dataset(args)
        report = analyze_dataset(data, scenario)
        if args.command == "report":
            return _board_pack(args, data, scenario, report)
        if args.command == "scenario":
            text = report.scenario.to_json()
        else:
            recommendations = recommend(report)
            simulation = simulate(report)
            if args.format == "json":
                text = json.dumps(
                    full_report(report, recommendations, simulation, data),
                    indent=2,
                    allow_nan=False,
                )
            else:
                text = report_text(report, recommendations, simulation, data.notes)
        if args.output is None:
            sys.stdout.write(terminal_safe(text) + "\n")
        else:
            args.output.write_text(text + "\n", encoding="utf-8")
    except EconError as error:
        sys.stderr.write(f"econ: error: {terminal_safe(str(error))}\n")
        return EXIT_BAD_INPUT
    except OSError as error:
        sys.stderr.write(f"econ: error: {error}\n")
        return EXIT_BAD_INPUT
    return 0
