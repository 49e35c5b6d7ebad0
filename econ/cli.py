"""The ``econ`` command line: the same report as the app, as a table or JSON.

``econ analyze`` reads the two files (any supported export layout), ``econ inspect`` shows how a
file would be read and which choices it offers, ``econ scenario`` prints the scenario in effect
and saves, lists, shows, renames and deletes named scenarios (the same files the app keeps next
to the dataset), ``econ compare`` sets saved scenarios side by side, ``econ customer`` prints one
customer's P&L, ``econ report`` writes the board pack, ``econ swap`` re-prices a feature's past
calls at another model's list rates, ``econ check`` checks margin alert rules (exit 1 when
one fires), ``econ rollup`` writes the ledger's rollup (polars or Spark) as a pre-aggregated
ledger and ``econ rollup-sql`` prints it as a warehouse's SQL. Any bad input or scenario exits
with code 2 and a readable message, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Final
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

from econ.decisions.compare import MAX_OPTIONS, Comparison, Named, compare_scenarios
from econ.decisions.estimate import estimate, estimate_text
from econ.decisions.freemium import free_tier
from econ.decisions.model_swap import swap_model, swap_text
from econ.decisions.pricing import Simulation, simulate
from econ.decisions.projection import project
from econ.decisions.recommend import Recommendation, recommend
from econ.errors import DatasetNotFoundError, EconError, ScenarioError
from econ.formats import in_currency, set_currency
from econ.inputs.cache import bytes_hash
from econ.inputs.imports import (
    AMOUNTS,
    ImportSpec,
    inspect,
    revenue_formats,
    title_of,
    usage_formats,
)
from econ.inputs.imports.currencies import Currencies, conversion_text, parse_rates
from econ.inputs.ingest import Dataset, IngestOptions, load_dataset
from econ.inputs.readers import Limits, Source, default_name, open_table
from econ.inputs.sample import sample_paths, sample_scenario
from econ.inputs.token_prices import ModelPrice
from econ.inputs.warehouse import DIALECTS, NATIVE_COLUMNS, rollup_sql
from econ.model.acquisition import ai_adjusted_cac
from econ.model.customer_months import resolve_window
from econ.model.report import Report, analyze_dataset, records
from econ.model.retention.sbg import load_scipy
from econ.model.scenario_fit import fit_scenario
from econ.present.ai_revenue import ai_revenue_buckets
from econ.present.alerts import check, check_text, read_rules
from econ.present.compare_view import comparison_text
from econ.present.customer import customer_pnl, customer_text
from econ.present.display import report_text, terminal_safe
from econ.present.scorecard import scorecard
from econ.present.views import features_by_plan
from econ.scenario.assumptions import Scenario
from econ.scenario.launch import Launch
from econ.scenario.link import SAMPLE_DATASET, encode_link
from econ.scenario.values import known_keys, mapping, parse_json
from econ.storage.scenarios import ScenarioStore
from econ.storage.store import DATA_DIR_ENV, DatasetStore, dataset_id_for, side_hash

EXIT_BAD_INPUT = 2
EXIT_FIRED = 1
"""``econ check``: a rule fired (and the alert, if a webhook was given, was delivered)."""
WEBHOOK_TIMEOUT_S = 10.0
"""How long ``econ check --webhook`` waits for the webhook to answer."""


def _parser() -> argparse.ArgumentParser:
    """The command line: one sub-command each to analyze, print the scenario, or inspect."""
    parser = argparse.ArgumentParser(
        prog="econ",
        description="Compute-adjusted LTV per segment and gross margin per AI feature.",
        argument_default=argparse.SUPPRESS,
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    analyze = commands.add_parser(
        "analyze", help="segment LTVs, feature margins, recommendations and a price simulation"
    )
    _data_options(analyze)
    analyze.add_argument("--format", choices=("table", "json"), default="table")
    _scenario_commands(commands)
    compared = commands.add_parser(
        "compare",
        help="saved scenarios side by side, each against the first (the baseline): revenue, "
        "gross profit and margin, segment LTVs, plan margins and customers' bills",
    )
    compared.add_argument(
        "scenarios",
        nargs="+",
        metavar="SCENARIO",
        help="2 to 5 saved scenario names or ids, or scenario JSON files; the first is the "
        "baseline",
    )
    _data_options(compared, scenario=False)
    compared.add_argument("--format", choices=("table", "json"), default="table")
    _estimate_command_parser(commands)
    _swap_command_parser(commands)
    customer = commands.add_parser(
        "customer",
        help="one customer's P&L: monthly revenue against inference by feature, gross profit, "
        "its LTV and payback, its costliest features against its plan's median",
    )
    customer.add_argument("customer_id", metavar="ID", help="the customer's id")
    _data_options(customer)
    customer.add_argument("--format", choices=("table", "json"), default="table")
    report = commands.add_parser(
        "report",
        help="the board pack: one self-contained HTML or PDF report of the view (needs the "
        "report extra)",
    )
    _data_options(report)
    report.add_argument("--format", choices=("html", "pdf"), default="html")
    report.add_argument(
        "--compare",
        nargs="+",
        metavar="SCENARIO",
        help="add the section comparing 2 to 5 saved scenarios (names, ids or JSON files; the "
        "first is the baseline), as econ compare prints them",
    )
    _check_command_parser(commands)
    _rollup_sql_command_parser(commands)
    _rollup_command_parser(commands)
    look = commands.add_parser(
        "inspect", help="how a file would be read: its layout, columns and the choices it offers"
    )
    look.add_argument("file", type=Path)
    look.add_argument("--side", choices=("usage", "revenue"), default="usage")
    return parser


class _Parser(argparse.ArgumentParser):
    """A sub-command's parser. Its options leave unset what the command line does not give
    (:data:`DEFAULTS` fills them in after parsing), so an option given before ``econ scenario``'s
    action is not overwritten by the action's own default."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(argument_default=argparse.SUPPRESS, **kwargs)


DEFAULTS: Final[dict[str, Any]] = {
    "usage": None,
    "revenue": None,
    "scenario": None,
    "output": None,
    "action": None,
    "name": None,
    "compare": None,
    "launch": None,
    "category": None,
    "value_weight": None,
    "cost_per_use": None,
    "model": None,
    "input_tokens": None,
    "output_tokens": None,
    "uses": None,
    "uses_plan": None,
    "like": None,
    "like_share": None,
    "usage_format": "auto",
    "revenue_format": "auto",
    "customer": None,
    "feature": None,
    "map": [],
    "amounts": None,
    "through": None,
    "include_prorations": False,
    "ai_lines": None,
    "currency": None,
    "rates": None,
    "prices": None,
    "import_spec": None,
    "drop_invalid": False,
    "dropped_out": None,
    "no_cache": False,
    "webhook": None,
    "checks": False,
    "columns": None,
    "zoned_timestamps": False,
}
"""What a data option is when the command line does not give it."""


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    args = _parser().parse_args(argv)
    for key, value in DEFAULTS.items():
        if not hasattr(args, key):
            setattr(args, key, list(value) if isinstance(value, list) else value)
    return args


def _rollup_command_parser(commands: Any) -> None:
    """``econ rollup``: the ledger rolled up to one pre-aggregated parquet file
    (:mod:`econ.inputs.spark_rollup`), on polars or on Spark."""
    rolled = commands.add_parser(
        "rollup",
        help="roll a usage ledger up to one pre-aggregated parquet file (customer × feature × "
        "month × model) that econ analyze --usage reads with the same report; --engine spark "
        "runs it on PySpark (needs the spark extra and Java)",
    )
    rolled.add_argument("--engine", choices=("polars", "spark"), default="polars")
    rolled.add_argument(
        "--usage",
        nargs="+",
        required=True,
        help="the ledger in the econ layout: parquet files, a folder (hive partitions too), a "
        "quoted glob, or (spark) any URI Spark reads",
    )
    rolled.add_argument("--output", type=Path, required=True, help="the parquet file to write")
    rolled.add_argument(
        "--map",
        action="append",
        metavar="usage.COLUMN=FILE_COLUMN",
        help="map a contract column to a file column, e.g. usage.customer_id=account",
    )
    rolled.add_argument("--master", default="local[*]", help="spark: the master URL")


def _rollup(args: argparse.Namespace) -> int:
    """``econ rollup``: write the rollup, say what was written."""
    from econ.inputs.spark_rollup import polars_rollup, spark_rollup, spark_session  # noqa: PLC0415

    mapping = {}
    for item in args.map:
        target, _, source = item.partition("=")
        side, _, column = target.partition(".")
        if side != "usage" or not column or not source:
            raise ScenarioError(f"--map takes usage.COLUMN=FILE_COLUMN, got {item!r}")
        mapping[column] = source
    if args.engine == "spark":
        session = spark_session(args.master)
        try:
            written = spark_rollup(args.usage, args.output, spark=session, mapping=mapping)
        finally:
            session.stop()
    else:
        usage = [Path(u) for u in args.usage]
        written = polars_rollup(
            usage[0] if len(usage) == 1 else usage, args.output, mapping=mapping
        )
    sys.stdout.write(
        f"{written.rows_read:,} ledger rows rolled up to {written.rollup.height:,} rows in "
        f"{written.path}\n"
    )
    return 0


def _rollup_sql_command_parser(commands: Any) -> None:
    """``econ rollup-sql``: the ledger rollup as SQL for a warehouse
    (:mod:`econ.inputs.warehouse`)."""
    sql = commands.add_parser(
        "rollup-sql",
        help="print the ledger rollup (or, with --checks, the counts of rows breaking each "
        "row rule) as SQL to run where the ledger lives; export its result to parquet and "
        "give it to econ analyze --usage",
    )
    sql.add_argument("--dialect", required=True, choices=DIALECTS)
    sql.add_argument("--table", required=True, help="the ledger table, e.g. analytics.usage")
    sql.add_argument(
        "--checks", action="store_true", help="print the checks query instead of the rollup"
    )
    sql.add_argument(
        "--columns",
        help="the contract columns the table has, comma-separated (default: "
        + ",".join(NATIVE_COLUMNS)
        + "; month instead of timestamp for a monthly ledger)",
    )
    sql.add_argument(
        "--zoned-timestamps",
        action="store_true",
        help="the timestamp column holds time-zone-aware values (converted to UTC first)",
    )
    sql.add_argument(
        "--map",
        action="append",
        metavar="usage.COLUMN=TABLE_COLUMN",
        help="a contract column the table names otherwise, e.g. usage.customer_id=account",
    )
    sql.add_argument("--output", type=Path, help="write here instead of standard output")


def _rollup_sql(args: argparse.Namespace) -> str:
    """``econ rollup-sql``: the rollup (or checks) query in the dialect."""
    mapping: dict[str, str] = {}
    for item in args.map:
        target, _, source = item.partition("=")
        side, _, column = target.partition(".")
        if side != "usage" or not column or not source:
            raise ScenarioError(f"--map takes usage.COLUMN=TABLE_COLUMN, got {item!r}")
        mapping[column] = source
    columns = (
        NATIVE_COLUMNS
        if args.columns is None
        else tuple(c.strip() for c in args.columns.split(",") if c.strip())
    )
    sql = rollup_sql(
        args.table,
        args.dialect,
        columns=columns,
        mapping=mapping,
        zoned=args.zoned_timestamps,
    )
    return sql.checks if args.checks else sql.rollup


def _check_command_parser(commands: Any) -> None:
    """``econ check --rules FILE``: margin alerts as code (:mod:`econ.present.alerts`)."""
    checked = commands.add_parser(
        "check",
        help="check margin alert rules (a TOML or JSON file) against the data: prints what "
        "fired with the numbers; exits 1 when a rule fires, 0 when none, 2 on bad input or a "
        "failed webhook",
    )
    checked.add_argument(
        "--rules", type=Path, required=True, help="the rules file: TOML, or JSON if it ends .json"
    )
    checked.add_argument("--format", choices=("table", "json"), default="table")
    checked.add_argument(
        "--webhook",
        metavar="URL",
        help="also POST the result's JSON (as --format json prints it) to this http(s) URL",
    )
    _data_options(checked)


def _estimate_command_parser(commands: Any) -> None:
    """``econ estimate``: a new feature's margins before it launches."""
    estimate = commands.add_parser(
        "estimate",
        help="a new feature's margin per plan before it launches, its effect on each plan's "
        "margin and LTV, and the allowance and overage a recommendation would set",
    )
    launch = estimate.add_argument_group("the new feature (or --launch NAME from the scenario)")
    launch.add_argument("--launch", help="a launch the scenario holds (its launches), by name")
    launch.add_argument("--name", help="the new feature's id")
    launch.add_argument("--category", choices=("core", "value_add", "premium", "commodity"))
    launch.add_argument(
        "--value-weight", type=float, help="its share of each plan's price (0 to under 1)"
    )
    launch.add_argument("--cost-per-use", type=float, help="inference cost of one use ($)")
    launch.add_argument("--model", help="price a use from this model's list price instead")
    launch.add_argument("--input-tokens", type=float, help="input tokens per use (with --model)")
    launch.add_argument("--output-tokens", type=float, help="output tokens per use (with --model)")
    launch.add_argument("--uses", type=float, help="uses per customer-month on every plan")
    launch.add_argument(
        "--uses-plan",
        action="append",
        metavar="PLAN=USES",
        help="uses per customer-month on one plan (repeatable; overrides --uses there)",
    )
    launch.add_argument("--like", help="follow an existing feature's use instead of --uses")
    launch.add_argument(
        "--like-share", type=float, help="the share of that feature's use (default 1)"
    )
    _data_options(estimate)
    estimate.add_argument("--format", choices=("table", "json"), default="table")


def _swap_command_parser(commands: Any) -> None:
    """``econ swap FEATURE --model MODEL``: a feature's history re-priced at another model."""
    swap = commands.add_parser(
        "swap",
        help="a feature's past calls re-priced at another model's list rates (genai-prices, "
        "month by month): recorded against re-priced cost per month and the cost multiplier "
        "the routing lever and the price book's model_swaps apply",
    )
    swap.add_argument("swap_feature", metavar="FEATURE", help="the feature whose calls to re-price")
    swap.add_argument(
        "--model",
        required=True,
        help="the model to re-price them at, as genai-prices names it (gpt-4o-mini, or "
        "provider/model), or a model --prices gives a price",
    )
    _data_options(swap)
    swap.add_argument("--format", choices=("table", "json"), default="table")


def _scenario_commands(commands: Any) -> None:
    """``econ scenario`` and its actions on saved scenarios."""
    scenario = commands.add_parser(
        "scenario",
        help="print the scenario in effect (defaults filled in from the data) as JSON; or save, "
        "list, show, rename or delete named scenarios of the data",
    )
    _data_options(scenario)
    actions = scenario.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    show = actions.add_parser(
        "show", help="a saved scenario's JSON (without NAME: the scenario in effect)"
    )
    show.add_argument("name", nargs="?", metavar="NAME", help="a saved scenario's name or id")
    _data_options(show)
    save = actions.add_parser(
        "save", help="save the scenario in effect (--scenario, else the defaults) as NAME"
    )
    save.add_argument("name", metavar="NAME")
    _data_options(save)
    listed = actions.add_parser("list", help="the scenarios saved for the data")
    _data_options(listed, scenario=False)
    listed.add_argument("--format", choices=("table", "json"), default="table")
    rename = actions.add_parser("rename", help="rename a saved scenario (links keep working)")
    rename.add_argument("name", metavar="NAME")
    rename.add_argument("new_name", metavar="NEW_NAME")
    _data_options(rename, scenario=False)
    delete = actions.add_parser("delete", help="delete a saved scenario")
    delete.add_argument("name", metavar="NAME")
    _data_options(delete, scenario=False)


def _data_options(command: argparse.ArgumentParser, *, scenario: bool = True) -> None:
    """What a command reads: the files, how to read them, where to write."""
    _file_options(command, scenario=scenario)
    _reading_options(command)
    command.add_argument("--output", type=Path, help="write here instead of standard output")


def _file_options(command: argparse.ArgumentParser, *, scenario: bool = True) -> None:
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
        "--revenue",
        type=Path,
        help="revenue table: parquet, CSV, JSON or JSON Lines",
    )
    if scenario:
        files.add_argument(
            "--scenario",
            help="a scenario JSON file, or the name or id of a scenario saved for the data "
            "(default: the sample's own scenario with the sample data, else every default)",
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
    reading.add_argument("--usage-format", choices=["auto", *usage_formats()])
    reading.add_argument("--revenue-format", choices=["auto", *revenue_formats()])
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
    reading.add_argument(
        "--ai-lines",
        metavar="REGEX",
        help="revenue lines (invoice lines, subscription items) whose plan or product matches "
        "this pattern (case-insensitive) are direct AI revenue, e.g. 'AI|assistant'",
    )
    reading.add_argument(
        "--currency",
        metavar="CODE",
        help="the reporting currency revenue is converted to (default USD, or the revenue's "
        "one currency when no rates are given)",
    )
    reading.add_argument(
        "--rates",
        type=Path,
        metavar="FILE",
        help="exchange rates, reporting currency per unit: CSV currency,rate or "
        'currency,month,rate, or JSON {"eur": 1.08, "gbp": {"2026-01": 1.27}}; never fetched',
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
        ai_lines=args.ai_lines or revenue.ai_lines,
        currencies=_currencies(args, revenue.currencies),
    )
    return usage, revenue


def _currencies(args: argparse.Namespace, given: Currencies | None) -> Currencies | None:
    """The reporting currency and rates: ``--rates`` and ``--currency`` over the import spec's."""
    if args.rates is None and args.currency is None:
        return given
    if args.rates is not None:
        try:
            text = args.rates.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ScenarioError(f"cannot read the rates file {args.rates}: {error}") from None
        # No --currency: the import spec's reporting currency still holds.
        reporting = args.currency or (given.reporting if given is not None else None)
        return parse_rates(text, f"the rates file {args.rates}", reporting)
    base = given or Currencies()
    return Currencies(args.currency, base.rates)


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
    # The report's retention fit needs SciPy, whose import takes longer than a cached dataset
    # takes to load: it loads in a thread while polars reads (which releases the GIL).
    threading.Thread(target=load_scipy, name="load-scipy").start()
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
    set_currency(data.reporting_currency)  # money reads in it from here on
    for warning in data.warnings:
        sys.stderr.write(f"econ: warning: {terminal_safe(warning)}\n")
    if data.dropped.height:
        for problem in data.dropped_problems:
            sys.stderr.write(f"econ: dropped: {terminal_safe(problem.message())}\n")
        if args.dropped_out is not None:
            data.dropped.write_csv(args.dropped_out)
    return data


def _scenario_file(path: Path) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"cannot read the scenario file {path}: {error}") from None
    try:
        return Scenario.from_json(text)
    except ScenarioError as error:
        raise ScenarioError(f"{path}: {error}") from None


def _looks_like_file(given: str) -> bool:
    return given.lower().endswith(".json") or Path(given).exists() or "/" in given


def _named(given: str, args: argparse.Namespace, data: Dataset) -> tuple[str, Scenario, str | None]:
    """A scenario given on the command line: a JSON file, else a scenario saved for the data
    (fitted to the data as it is now, what was dropped said on standard error). Returns its
    name, the scenario and its saved id (``None`` for a file)."""
    if _looks_like_file(given):
        return Path(given).stem, _scenario_file(Path(given)), None
    saved = ScenarioStore(DatasetStore().root).find(_dataset_id(args), given)
    fitted = fit_scenario(saved.scenario, data)
    for dropped in fitted.dropped:
        sys.stderr.write(f"econ: warning: {saved.name!r} no longer fits the data: {dropped}\n")
    for note in fitted.notes:
        sys.stderr.write(f"econ: note: {saved.name!r}: {note}\n")
    return saved.name, fitted.scenario, saved.scenario_id


def _scenario(args: argparse.Namespace, data: Dataset) -> Scenario:
    """The scenario in effect: ``--scenario`` (a file or a saved name), else the defaults."""
    if args.scenario is None:
        return sample_scenario() if args.usage is None else Scenario()
    return _named(str(args.scenario), args, data)[1]


def _dataset_id(args: argparse.Namespace) -> str:
    """The dataset id the app gives these files read this way (``sample`` for the sample),
    under which saved scenarios are kept.

    Raises:
        ScenarioError: for a folder or a glob (the app stores one upload of named files).
    """
    if args.usage is None:
        return SAMPLE_DATASET
    paths: list[Path] = [*args.usage, args.revenue]
    if not all(path.is_file() for path in paths):
        raise ScenarioError(
            "saved scenarios belong to one dataset of named files, as the app stores an "
            "upload: give --usage and --revenue as files, not a folder or a glob"
        )
    usage_spec, revenue_spec = _specs(args)
    usage_hash = side_hash([bytes_hash(path.read_bytes()) for path in args.usage])
    revenue_hash = bytes_hash(args.revenue.read_bytes())
    specs = {"usage_spec": usage_spec.to_dict(), "revenue_spec": revenue_spec.to_dict()}
    return dataset_id_for(usage_hash, revenue_hash, json.dumps(specs, sort_keys=True))


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
        "ai_adjusted_cac": ai_adjusted_cac(report).to_dict(),
        "scorecard": scorecard(report).to_dict(),
        "ai_revenue": ai_revenue_buckets(report).to_dict(),
    }
    if data is not None:
        out["free_tier"] = free_tier(data, report).to_dict()
        out["import"] = {
            "usage_format": data.usage_format,
            "revenue_format": data.revenue_format,
            "notes": list(data.notes),
            "dropped_rows": data.dropped["row"].n_unique(),
            "dropped": [problem.message() for problem in data.dropped_problems],
            "pricing": records(data.pricing),
            "reporting_currency": data.reporting_currency,
            "currencies": records(data.currency_conversion),
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


def _share_query(
    args: argparse.Namespace, scenario: Scenario, comparison: Comparison | None = None
) -> tuple[str, str | None]:
    """The dataset id and the share link's query part, as the app would make them: for the
    sample, or for files the app's store holds (read the same way); else no link. With a
    comparison of saved scenarios only, the link opens it on the Compare page."""
    try:
        dataset_id = _dataset_id(args)
    except ScenarioError:
        return "", None  # a folder or a glob: not one upload of the app
    if dataset_id != SAMPLE_DATASET:
        try:
            DatasetStore().find(dataset_id)
        except DatasetNotFoundError:
            return dataset_id, None
    ids = tuple(option for option in comparison.scenario_ids if option) if comparison else ()
    if comparison is not None and len(ids) == len(comparison.names):
        return dataset_id, "?" + urlencode(
            encode_link(dataset_id, scenario, "compare", compare=ids)
        )
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
    comparison = None if args.compare is None else _comparison(args.compare, args, data)
    dataset_id, link = _share_query(args, scenario, comparison)
    inputs = pack_inputs(
        data,
        scenario,
        dataset_id=dataset_id or "not stored",
        share_link=link,
        generated_on=dt.date.today(),
        report=report,
        comparison=comparison,
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


def _saved_action(args: argparse.Namespace) -> str:
    """``econ scenario list|rename|delete``: what needs the dataset's id, not its data."""
    store = ScenarioStore(DatasetStore().root)
    dataset_id = _dataset_id(args)
    if args.action == "list":
        saved = store.list(dataset_id)
        if args.format == "json":
            return json.dumps(
                [
                    {key: value for key, value in item.to_dict().items() if key != "scenario"}
                    for item in saved
                ],
                indent=2,
            )
        if not saved:
            return "no scenario is saved for this data (econ scenario save NAME)"
        width = max(len(item.name) for item in saved)
        lines = [f"{'name':<{width}}  saved (UTC)       id"]
        lines += [
            f"{item.name:<{width}}  {item.saved_at:%Y-%m-%d %H:%M}  {item.scenario_id}"
            for item in saved
        ]
        return "\n".join(lines)
    found = store.find(dataset_id, args.name)
    if args.action == "rename":
        renamed = store.rename(dataset_id, found.scenario_id, args.new_name)
        return f"renamed {found.name!r} to {renamed.name!r} (id {renamed.scenario_id})"
    store.delete(dataset_id, found.scenario_id)
    return f"deleted {found.name!r} (id {found.scenario_id})"


def _scenario_command(args: argparse.Namespace, data: Dataset) -> str:
    """``econ scenario [show [NAME]] | save NAME``."""
    if args.action == "save":
        scenario = _scenario(args, data)
        saved = ScenarioStore(DatasetStore().root).save(_dataset_id(args), args.name, scenario)
        return f"saved {saved.name!r} (id {saved.scenario_id}) for this data"
    if args.action == "show" and args.name is not None:
        return _named(args.name, args, data)[1].to_json()
    return analyze_dataset(data, _scenario(args, data)).scenario.to_json()


def _comparison(given: Sequence[str], args: argparse.Namespace, data: Dataset) -> Comparison:
    """Saved scenarios (or files) side by side, the first the baseline; the notes on what was
    changed so that each fits go to standard error."""
    if not 2 <= len(given) <= MAX_OPTIONS:
        raise ScenarioError(
            f"a comparison takes 2 to {MAX_OPTIONS} scenarios, the baseline first; got {len(given)}"
        )
    comparison = compare_scenarios(data, [Named(*_named(item, args, data)) for item in given])
    for name, notes in comparison.notes.items():
        for note in notes:
            sys.stderr.write(f"econ: note: {name!r}: {note}\n")
    return comparison


def _compare_command(args: argparse.Namespace, data: Dataset) -> str:
    """``econ compare A B …``: the saved scenarios (or files) side by side."""
    comparison = _comparison(args.scenarios, args, data)
    if args.format == "json":
        return json.dumps(comparison.to_dict(), indent=2, allow_nan=False)
    features = sorted(data.prepared.cells["feature_id"].unique().to_list())
    return comparison_text(comparison, segment_by=comparison.segment_by, features=features)


def _launch(args: argparse.Namespace, scenario: Scenario) -> Launch:
    """The launch to estimate: ``--launch NAME`` from the scenario, else one built from the
    flags (each left out takes its default)."""
    if args.launch is not None:
        if args.launch not in scenario.launches:
            known = ", ".join(map(repr, scenario.launches)) or "none"
            raise ScenarioError(
                f"the scenario has no launch {args.launch!r} (its launches: {known})"
            )
        return scenario.launches[args.launch]
    if args.name is None:
        raise ScenarioError("econ estimate needs --name NAME (or --launch NAME from a scenario)")
    uses: dict[str, float] = {} if args.uses is None else {"all": args.uses}
    for item in args.uses_plan or []:
        plan, _, value = item.partition("=")
        try:
            uses[plan] = float(value)
        except ValueError:
            raise ScenarioError(f"--uses-plan takes PLAN=USES, got {item!r}") from None
    given = {
        "name": args.name,
        "category": args.category,
        "value_weight": args.value_weight,
        "cost_per_use_usd": args.cost_per_use,
        "model": args.model,
        "input_tokens": args.input_tokens,
        "output_tokens": args.output_tokens,
        "uses": uses,
        "like_feature": args.like,
        "like_share": args.like_share,
    }
    return Launch.from_dict(
        {key: value for key, value in given.items() if value is not None}, "the launch"
    )


def _estimate_command(args: argparse.Namespace, data: Dataset) -> str:
    """``econ estimate``: the new feature's estimate under the scenario in effect."""
    report = analyze_dataset(data, _scenario(args, data))
    result = estimate(report, _launch(args, report.scenario))
    if args.format == "json":
        return json.dumps(result.to_dict(), indent=2, allow_nan=False)
    return estimate_text(result)


def _swap_command(args: argparse.Namespace, data: Dataset) -> str:
    """``econ swap FEATURE --model MODEL``: the feature's calls in the scenario's window
    re-priced at the model's rates (:func:`econ.decisions.model_swap.swap_model`)."""
    scenario = _scenario(args, data)
    window = resolve_window(data.prepared.months, scenario.months)
    overrides = _specs(args)[0].price_overrides
    swap = swap_model(data, args.swap_feature, args.model, window, overrides=overrides)
    if args.format == "json":
        return json.dumps(swap.to_dict(), indent=2, allow_nan=False)
    return swap_text(swap)


def _customer_command(args: argparse.Namespace, data: Dataset) -> str:
    """``econ customer ID``: one customer's P&L under the scenario in effect."""
    report = analyze_dataset(data, _scenario(args, data))
    book = report.scenario.price_book
    pnl = customer_pnl(
        report,
        args.customer_id,
        None if book.is_current_pricing else simulate(report, model_usage=data.model_usage),
    )
    if args.format == "json":
        return json.dumps(pnl.to_dict(), indent=2, allow_nan=False)
    return customer_text(pnl)


def _analyze_command(args: argparse.Namespace, data: Dataset) -> str:
    """``econ analyze``: the report as tables or JSON."""
    report = analyze_dataset(data, _scenario(args, data))
    recommendations = recommend(report, model_usage=data.model_usage)
    simulation = simulate(report, model_usage=data.model_usage)
    if args.format == "json":
        return json.dumps(
            full_report(report, recommendations, simulation, data), indent=2, allow_nan=False
        )
    text = report_text(report, recommendations, simulation, data.notes, free_tier(data, report))
    converted = conversion_text(data.currency_conversion, data.reporting_currency)
    return text if not converted else f"{text}\n\n{converted}"


def _webhook_url(url: str) -> str:
    """``url`` if it is an http or https URL with a host.

    Raises:
        ScenarioError: any other URL (a file: or ftp: one, a bare host).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ScenarioError(f"--webhook takes an http:// or https:// URL, got {url!r}")
    return url


def _post(url: str, payload: str) -> str | None:
    """POST ``payload`` (JSON) to ``url``; ``None`` when delivered, else why not."""
    request = Request(
        url,
        data=payload.encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urlopen(request, timeout=WEBHOOK_TIMEOUT_S) as response:
            response.read()
    except HTTPError as error:  # the webhook answered 4xx or 5xx
        return f"it answered HTTP {error.code} {error.reason}"
    except URLError as error:  # no connection: refused, unknown host
        return str(error.reason)
    except (OSError, ValueError) as error:  # a timeout, a reset connection, a bad URL
        return str(error)
    return None


def _check(args: argparse.Namespace) -> int:
    """``econ check``: the rules checked against the data; exit 1 when one fired, 0 when none.

    With ``--webhook`` the JSON result (exactly what ``--format json`` prints) is POSTed after
    it is printed; a failed POST is a warning on standard error and exit code 2, whether or not
    a rule fired, so a monitoring job notices that its alert did not arrive."""
    rules = read_rules(args.rules)
    url = None if args.webhook is None else _webhook_url(args.webhook)
    data = _dataset(args)
    result = check(analyze_dataset(data, _scenario(args, data)), rules)
    payload = json.dumps(result.to_dict(), indent=2, allow_nan=False)
    _write(args, payload if args.format == "json" else check_text(result))
    if url is not None:
        problem = _post(url, payload)
        if problem is not None:
            sys.stderr.write(
                f"econ: warning: the webhook {url} did not take the alert: "
                f"{terminal_safe(problem)}\n"
            )
            return EXIT_BAD_INPUT
    return EXIT_FIRED if result.fired else 0


_COMMANDS: Final = {
    "analyze": _analyze_command,
    "scenario": _scenario_command,
    "compare": _compare_command,
    "customer": _customer_command,
    "estimate": _estimate_command,
    "swap": _swap_command,
}


def _run(args: argparse.Namespace) -> int:
    """Run the command; its text goes to ``--output`` or standard output."""
    if args.command == "rollup-sql":
        _write(args, _rollup_sql(args))
        return 0
    if args.command == "rollup":
        return _rollup(args)
    if args.command == "inspect":
        text = _inspect(args.file, args.side)
    elif (args.usage is None) != (args.revenue is None):
        raise ScenarioError(
            "give both --usage and --revenue, or neither to use the bundled sample data"
        )
    elif args.command == "scenario" and args.action in ("list", "rename", "delete"):
        text = _saved_action(args)
    elif args.command == "check":
        return _check(args)
    elif args.command == "report":
        data = _dataset(args)
        scenario = _scenario(args, data)
        return _board_pack(args, data, scenario, analyze_dataset(data, scenario))
    else:
        text = _COMMANDS[args.command](args, _dataset(args))
    _write(args, text)
    return 0


def _write(args: argparse.Namespace, text: str) -> None:
    """``text`` to ``--output``, else to standard output."""
    if getattr(args, "output", None) is None:
        sys.stdout.write(terminal_safe(text) + "\n")
    else:
        args.output.write_text(text + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    try:
        with in_currency("usd"):  # the data's own currency is set once it is read, until here
            return _run(args)
    except EconError as error:
        sys.stderr.write(f"econ: error: {terminal_safe(str(error))}\n")
        return EXIT_BAD_INPUT
    except OSError as error:
        sys.stderr.write(f"econ: error: {error}\n")
        return EXIT_BAD_INPUT
