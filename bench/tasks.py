"""One measured task per process: ``python bench/tasks.py TASK [ARGS...]`` prints one JSON line.

Each task runs in a process of its own so that its peak memory (the process's maximum resident
set size, interpreter and libraries included) is its own, and no cache of an earlier run helps
a later one. Times cover the work only, not starting Python or importing libraries.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported inside the tasks, so that no task pays for another's libraries
    import econ
    from bench import pandas_report as pr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROLLUP_COLUMNS = (
    "customer_id",
    "feature_id",
    "timestamp",
    "cost_usd",
    "input_tokens",
    "output_tokens",
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def ledger_files(usage: str) -> list[str]:
    path = Path(usage)
    return sorted(str(p) for p in path.glob("*.parquet")) if path.is_dir() else [usage]


# --- stage 1 ---------------------------------------------------------------------------------


def econ_rollup(usage: str) -> dict[str, Any]:
    """econ's ingest of the ledger alone: read, check every row rule, roll up."""
    import econ

    seconds, loaded = timed(lambda: econ.load_usage(usage))
    return {"seconds": seconds, "groups": loaded.rollup.height, "rows": loaded.rows_read}


def econ_stage1(usage: str, revenue: str, cache_dir: str) -> dict[str, Any]:
    """econ's whole stage 1 from an empty cache: both files, prepared tables, cache written."""
    import econ

    seconds, data = timed(lambda: econ.load_dataset(usage, revenue, cache_dir=cache_dir))
    return {"seconds": seconds, "groups": data.usage.height, "rows": data.usage_rows}


def econ_reopen(usage: str, revenue: str, cache_dir: str) -> dict[str, Any]:
    """Re-open an ingested dataset (from the rollup cache) and compute its report."""
    import econ

    scenario = econ.sample_scenario()
    seconds, report = timed(
        lambda: econ.analyze_dataset(
            econ.load_dataset(usage, revenue, cache_dir=cache_dir), scenario
        )
    )
    return {"seconds": seconds, "customers": report.totals.customers}


def duckdb_query(usage: str) -> str:
    files = ", ".join(f"'{f}'" for f in ledger_files(usage))
    return f"""
        SELECT customer_id, feature_id, date_trunc('month', "timestamp")::DATE AS month,
               count(*) AS calls, sum(cost_usd) AS cost_usd,
               sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens
        FROM read_parquet([{files}])
        GROUP BY ALL
    """


def duckdb_rollup(usage: str) -> dict[str, Any]:
    """The same rollup as one DuckDB SQL query, into a polars frame."""
    import duckdb
    import polars  # noqa: F401  (imported before the clock starts: .pl() needs it)

    connection = duckdb.connect()
    seconds, rollup = timed(lambda: connection.sql(duckdb_query(usage)).pl())
    return {"seconds": seconds, "groups": rollup.height}


def child_run(command: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """A whole command in a process of its own, as a user runs it: its wall time from start to
    exit (starting Python and importing libraries included) and its peak memory."""
    import subprocess

    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    # this process waited for no other child: the largest resident set of its children is this one's
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": child_peak}


def econ_cli(usage: str, revenue: str, cache_dir: str, out: str) -> dict[str, Any]:
    """``econ analyze --format json`` end to end on the files, with an empty rollup cache: what
    a user waits for from pressing return to the report written."""
    env = os.environ | {"ECON_DATA_DIR": cache_dir}
    command = [str(Path(sys.executable).with_name("econ")), "analyze", "--usage", usage]
    command += ["--revenue", revenue, "--format", "json", "--output", out]
    return child_run(command, env)


def duckdb_cli(usage: str, out: str) -> dict[str, Any]:
    """DuckDB's rollup query end to end, the same way: a fresh Python process that imports
    DuckDB, runs the query and writes the rollup to a parquet file."""
    script = f"import duckdb; duckdb.sql({duckdb_query(usage)!r}).write_parquet({out!r})"
    return child_run([sys.executable, "-c", script])


def duckdb_persist(usage: str, database: str) -> dict[str, Any]:
    """Not timed: keep the rollup in a DuckDB database file, as an analyst would."""
    import duckdb

    Path(database).unlink(missing_ok=True)
    connection = duckdb.connect(database)
    connection.sql(f"CREATE TABLE rollup AS {duckdb_query(usage)}")
    connection.close()
    return {"seconds": 0.0}


def duckdb_reopen(database: str) -> dict[str, Any]:
    import duckdb
    import polars  # noqa: F401

    def reopen() -> Any:
        connection = duckdb.connect(database, read_only=True)
        return connection.sql("SELECT * FROM rollup").pl()

    seconds, rollup = timed(reopen)
    return {"seconds": seconds, "groups": rollup.height}


def pandas_rollup(usage: str, keep: str | None = None) -> dict[str, Any]:
    """The rollup as a notebook would write it: read the columns, bucket months, group."""
    import pandas as pd

    def work() -> pd.DataFrame:
        frame = pd.concat(
            pd.read_parquet(path, columns=list(ROLLUP_COLUMNS)) for path in ledger_files(usage)
        )
        frame["month"] = frame["timestamp"].dt.to_period("M").dt.to_timestamp()
        return frame.groupby(["customer_id", "feature_id", "month"], as_index=False).agg(
            calls=("cost_usd", "size"),
            cost_usd=("cost_usd", "sum"),
            input_tokens=("input_tokens", "sum"),
            output_tokens=("output_tokens", "sum"),
        )

    seconds, rollup = timed(work)
    if keep:
        rollup.to_parquet(keep)
    return {"seconds": seconds, "groups": len(rollup)}


def pandas_reopen(rollup: str) -> dict[str, Any]:
    import pandas as pd

    seconds, frame = timed(lambda: pd.read_parquet(rollup))
    return {"seconds": seconds, "groups": len(frame)}


# --- stage 2 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One set of assumptions, said once and handed to econ and to the pandas version alike."""

    churn: float | None = None
    weights: dict[str, float] | None = None  # None: usage-weighted allocation
    prices: dict[str, float] = field(default_factory=dict)

    def scenario(self, base: econ.Scenario) -> econ.Scenario:
        import econ

        changed = base.replace(prices=self.prices) if self.prices else base
        if self.churn is not None:
            changed = changed.replace(churn=self.churn)
        if self.weights is not None:
            changed = changed.replace(allocation=econ.Allocation("custom", self.weights))
        return changed

    def assumptions(self, base: econ.Scenario) -> pr.Assumptions:
        from bench import pandas_report as pr

        return pr.Assumptions(
            churn=self.churn,
            cac_usd=float(base.cac_usd),  # type: ignore[arg-type]
            burdens={name: float(getattr(base.cogs, name)) for name in pr.BURDENS},
            prices=self.prices,
            weights=self.weights,
        )


KINDS = ("churn", "weight", "price")


def change(kind: str, index: int, features: list[str]) -> Change:
    """The ``index``-th change of one kind: churn, one feature's weight or the Pro price."""
    if kind == "churn":
        return Change(churn=0.02 + index * 0.0005)
    if kind == "weight":
        return Change(weights=dict.fromkeys(features, 1.0) | {features[0]: 1.0 + index})
    return Change(prices={"Pro": 199.0 + index})


def time_changes(
    count: str, features: list[str], recompute: Callable[[Change], Any]
) -> dict[str, Any]:
    """Median and p95 of ``recompute`` over ``count`` changes of each kind, in turn."""
    recompute(Change())  # the first report pays one-off costs (allocations)
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for index in range(int(count)):
        for kind in KINDS:
            changed = change(kind, index, features)
            seconds, _ = timed(lambda changed=changed: recompute(changed))
            times[kind].append(seconds)
    return summary(times)


def features_of(data: econ.Dataset) -> list[str]:
    return sorted(data.usage["feature_id"].unique().to_list())


def econ_recompute(usage: str, revenue: str, cache_dir: str, count: str) -> dict[str, Any]:
    """Median and p95 of recomputing the whole report after one control change."""
    import econ

    data = econ.load_dataset(usage, revenue, cache_dir=cache_dir)
    base = econ.sample_scenario()
    return time_changes(
        count, features_of(data), lambda c: econ.analyze_dataset(data, c.scenario(base))
    )


def five_options(data: Any) -> list[Any]:
    """Today's pricing and four others, each as its own scenario: the five options a pricing
    review would set side by side. The others are today's recommendations, topped up (on a
    ledger too small to recommend much) with the Pro plan at 10%, 20%, … more."""
    import econ

    today = econ.sample_scenario()
    report = econ.analyze_dataset(data, today)
    changes = [
        econ.Named(item.title, today.replace(price_book=item.patch.apply(today.price_book)))
        for item in econ.recommend(report)
        if item.patch is not None
    ]
    options = [econ.Named("Today", today), *changes[:4]]
    rise = 1
    while len(options) < 5:
        price = econ.PlanPrice(base_usd=199.0 * (1 + rise / 10))
        book = econ.PriceBook(plans={"Pro": price})
        options.append(econ.Named(f"Pro +{rise * 10}%", today.replace(price_book=book)))
        rise += 1
    return options


def econ_compare(usage: str, revenue: str, cache_dir: str, count: str) -> dict[str, Any]:
    """Five scenarios side by side: computed from nothing (five reports and simulations), and
    again from the reports and simulations already computed (what the app reruns when the
    baseline changes); against one scenario's report and simulation."""
    import econ
    from econ.decisions.compare import compare, options_of

    data = econ.load_dataset(usage, revenue, cache_dir=cache_dir)
    named = five_options(data)
    one = [
        timed(lambda: econ.simulate(econ.analyze_dataset(data, named[0].scenario)))[0]
        for _ in range(int(count))
    ]
    cold = [timed(lambda: econ.compare_scenarios(data, named))[0] for _ in range(3)]
    options = options_of(data, named)
    recommendations = econ.recommend(options[0].report)
    warm = []
    for index in range(int(count)):
        order = options[index % 5 :] + options[: index % 5]  # each option the baseline in turn
        warm.append(timed(lambda order=order: compare(order, recommendations))[0])
    return {
        "one_scenario": statistics.median(one),
        "cold": statistics.median(cold),
        "seconds": statistics.median(warm),
        "p95": sorted(warm)[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))],
    }


def econ_customer(usage: str, revenue: str, cache_dir: str, count: str) -> dict[str, Any]:
    """One customer's P&L from the prepared report and simulation (what the customer view
    computes when it opens), over ``count`` customers: the largest, then every n-th."""
    import econ
    from econ.present.customer import customer_pnl

    data = econ.load_dataset(usage, revenue, cache_dir=cache_dir)
    report = econ.analyze_dataset(data, econ.sample_scenario())
    simulation = econ.simulate(report)
    ids = report.customer_months.frame["customer_id"].unique(maintain_order=True).to_list()
    step = max(1, len(ids) // int(count))
    times = [
        timed(lambda customer=customer: customer_pnl(report, customer, simulation))[0]
        for customer in ids[::step][: int(count)]
    ]
    return {
        "seconds": statistics.median(times),
        "p95": sorted(times)[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
    }


def pandas_recompute(usage: str, revenue: str, cache_dir: str, count: str) -> dict[str, Any]:
    """The same changes recomputed by the pandas notebook version of the report."""
    import econ
    from bench import pandas_report as pr

    data = econ.load_dataset(usage, revenue, cache_dir=cache_dir)
    prepared = pr.prepare(data.usage.to_pandas(), data.revenue.to_pandas())
    base = econ.sample_scenario()
    return time_changes(
        count, features_of(data), lambda c: pr.report(prepared, c.assumptions(base))
    )


def pandas_check(usage: str, revenue: str, cache_dir: str) -> dict[str, Any]:
    """Not timed: the pandas version must give econ's figures, or the comparison is void."""
    import math

    import econ
    from bench import pandas_report as pr

    data = econ.load_dataset(usage, revenue, cache_dir=cache_dir)
    prepared = pr.prepare(data.usage.to_pandas(), data.revenue.to_pandas())
    base = econ.sample_scenario()
    features = features_of(data)
    cases = [
        Change(),
        Change(churn=0.03),
        Change(prices={"Pro": 209.0}),
        Change(weights=dict.fromkeys(features, 1.0) | {features[0]: 3.0}),
    ]
    compared = 0
    for case in cases:
        ours = econ.analyze_dataset(data, case.scenario(base))
        theirs = pr.report(prepared, case.assumptions(base))
        pairs = [(ours.totals.gross_margin, theirs["totals"]["gross_margin"])]
        for row in ours.segments.iter_rows(named=True):
            other = theirs["segments"].loc[row["segment"]]
            pairs += [
                (row["ltv_compute_adjusted_usd"], other["ltv_compute_adjusted_usd"]),
                (row["customers"], other["customers"]),
            ]
        for row in ours.features.iter_rows(named=True):
            pairs.append(
                (
                    row["gross_profit_usd"],
                    theirs["features"].loc[row["feature_id"], "gross_profit_usd"],
                )
            )
        for left, right in pairs:
            if not math.isclose(float(left), float(right), rel_tol=1e-6, abs_tol=1e-6):
                raise AssertionError(f"pandas and econ disagree: {left} != {right}")
        compared += len(pairs)
    return {"seconds": 0.0, "figures_compared": compared}


def summary(times: dict[str, list[float]]) -> dict[str, Any]:
    every = sorted(t for values in times.values() for t in values)
    return {
        "seconds": statistics.median(every),
        "p95": every[min(len(every) - 1, round(0.95 * (len(every) - 1)))],
        "by_change": {kind: statistics.median(values) for kind, values in times.items()},
        "count": len(every),
    }


# --- the app -----------------------------------------------------------------------------------


def stored_upload(usage: str, revenue: str, data_dir: str) -> tuple[Any, str]:
    """The two files put in the app's dataset store under ``data_dir``, as an upload puts
    them (not yet read): the store and the dataset's id."""
    from econ.storage.store import DatasetStore

    store = DatasetStore(Path(data_dir))
    dataset_id = store.put(
        Path(usage).read_bytes(),
        Path(revenue).read_bytes(),
        usage_name="usage.parquet",
        revenue_name="revenue.parquet",
    )
    return store, dataset_id


def upload_to_page(usage: str, revenue: str, data_dir: str) -> tuple[Any, Any, str, float]:
    """A finished upload opened on a running server, timed to its first drawn page: the app,
    the dataset store, the dataset's id and the seconds it took."""
    from streamlit.testing.v1 import AppTest

    from econ.inputs.sample import sample_scenario
    from econ.scenario.link import encode_link

    # A running server: the app's modules imported, one page drawn (the sample's Summary).
    server = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    server.run()
    # The upload has finished: its files are in the store. Opening it ingests them (unless the
    # rollup cache holds them from an earlier run) and draws its first page.
    store, dataset_id = stored_upload(usage, revenue, data_dir)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    if hasattr(app, "_bidi_component_manager"):  # see the shared link in app_times
        app._bidi_component_manager = server._bidi_component_manager
    app.query_params.update(encode_link(dataset_id, sample_scenario(), "segment-ltv"))
    first, _ = timed(app.run)
    if app.exception:
        raise RuntimeError(app.exception[0].message)
    return app, store, dataset_id, first


def app_times(usage: str, revenue: str, data_dir: str, count: str) -> dict[str, Any]:
    """The app on this dataset, through Streamlit's AppTest: from a finished upload to its first
    drawn page on a running server (the files ingested, or read from the rollup cache when
    ``data_dir`` already holds them), then reruns after a control change (none when ``count``
    is 0)."""
    os.environ["ECON_DATA_DIR"] = data_dir
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from econ.inputs.sample import sample_scenario
    from econ.scenario.link import encode_link

    app, store, dataset_id, first = upload_to_page(usage, revenue, data_dir)
    if count == "0":
        return {"first_load": first}
    reruns: dict[str, list[float]] = {"churn": [], "price": [], "weight": []}
    for index in range(int(count)):
        app.slider(key="churn:all").set_value(2.0 + 0.1 * index)
        seconds, _ = timed(app.run)
        reruns["churn"].append(seconds)
    app.switch_page("pages/features.py").run()
    app.radio(key="allocation_method").set_value("custom").run()
    weights = [s.key for s in app.slider if s.key and s.key.startswith("weight:")]
    for index in range(int(count)):
        app.slider(key=weights[0]).set_value(float(5 + index))
        seconds, _ = timed(app.run)
        reruns["weight"].append(seconds)
    app.switch_page("pages/segments.py").run()
    app.selectbox(key="segment_by").set_value("plan").run()
    for index in range(int(count)):
        app.number_input(key="price:Pro").set_value(199.0 + index)
        seconds, _ = timed(app.run)
        reruns["price"].append(seconds)
    if app.exception:
        raise RuntimeError(app.exception[0].message)
    compared = compare_page(app, store, dataset_id, data_dir, count)
    # A shared link opened on a running server: imports done, but nothing of this dataset in
    # the process's caches, so it is read back from the rollup cache. A server scans for
    # custom components once, at start-up; AppTest does it per instance, so the new session
    # is given the scan already made (an attribute of AppTest's own; without it the figure
    # only gets worse).
    reopens = []
    for _ in range(3):
        st.cache_resource.clear()
        again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
        if hasattr(again, "_bidi_component_manager"):
            again._bidi_component_manager = app._bidi_component_manager
        again.query_params.update(encode_link(dataset_id, sample_scenario(), "segment-ltv"))
        seconds, _ = timed(again.run)
        if again.exception:
            raise RuntimeError(again.exception[0].message)
        reopens.append(seconds)
    return (
        {"first_load": first, "link_reopen": statistics.median(reopens)}
        | compared
        | summary(reruns)
    )


def compare_page(
    app: Any, store: Any, dataset_id: str, data_dir: str, count: str
) -> dict[str, Any]:
    """The Compare page with five saved scenarios: opened from a link (five reports and
    simulations computed), then rerun after each change of the baseline."""
    from streamlit.testing.v1 import AppTest

    from econ.scenario.link import encode_link
    from econ.storage.scenarios import ScenarioStore

    named = five_options(store.load(dataset_id))
    saved = ScenarioStore(Path(data_dir))
    ids = tuple(saved.save(dataset_id, item.name, item.scenario).scenario_id for item in named)
    page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    if hasattr(page, "_bidi_component_manager"):
        page._bidi_component_manager = app._bidi_component_manager
    page.query_params.update(encode_link(dataset_id, named[0].scenario, "compare", compare=ids))
    opened, _ = timed(page.run)
    if page.exception:
        raise RuntimeError(page.exception[0].message)
    reruns = []
    for index in range(int(count)):
        page.selectbox(key="compare:baseline").set_value(ids[(index + 1) % len(ids)])
        seconds, _ = timed(page.run)
        reruns.append(seconds)
    if page.exception:
        raise RuntimeError(page.exception[0].message)
    return {"compare_open": opened, "compare_rerun": statistics.median(reruns)}


def browser_link(usage: str, revenue: str, data_dir: str, count: str) -> dict[str, Any]:
    """A shared link opened in Chromium, to its first drawn number (see ``browser.py``)."""
    from bench.browser import browser_link as opened

    return opened(usage, revenue, data_dir, count)


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "econ-rollup": econ_rollup,
    "econ-stage1": econ_stage1,
    "econ-reopen": econ_reopen,
    "duckdb-rollup": duckdb_rollup,
    "duckdb-persist": duckdb_persist,
    "econ-cli": econ_cli,
    "duckdb-cli": duckdb_cli,
    "duckdb-reopen": duckdb_reopen,
    "pandas-rollup": pandas_rollup,
    "pandas-reopen": pandas_reopen,
    "econ-recompute": econ_recompute,
    "pandas-recompute": pandas_recompute,
    "pandas-check": pandas_check,
    "econ-compare": econ_compare,
    "econ-customer": econ_customer,
    "app": app_times,
    "browser-link": browser_link,
}


def main() -> None:
    task, *args = sys.argv[1:]
    result = TASKS[task](*args)
    print(json.dumps({"peak_mb": peak_mb()} | result))  # a task measuring a child gives its peak


if __name__ == "__main__":
    main()
