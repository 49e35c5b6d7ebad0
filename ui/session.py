"""The app's state: which dataset, which scenario, and the URL that reproduces both.

The scenario in Session State is the single source of truth; controls write to it through
:func:`set_scenario`, and every run ends by writing it, with the dataset id, into the URL
(:func:`sync_url`), so the address bar is always a share link.

Caching lives here, at the UI edge, keyed on content hashes: a dataset is loaded once per
dataset id (a hash of the uploaded bytes), and a report once per dataset id and scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from urllib.parse import urlencode

import polars as pl
import streamlit as st
from streamlit.navigation.page import StreamlitPage

import econ
from econ import formats
from econ.present import projection as projected
from econ.present import retention, views
from econ.scenario.link import SAMPLE_DATASET, DecodedLink, decode_link, encode_link
from econ.storage.store import (
    Content,
    DatasetNotFoundError,
    DatasetStore,
    StoreWriteError,
    default_data_dir,
)
from ui import auth
from ui.text import plain

SCENARIO = "scenario"
DATASET_ID = "dataset_id"
UPLOADERS = "uploaders"
"""How many times the uploaders were emptied (see :func:`uploader_key`)."""
NOTICES = "notices"
STARTED = "started"
LAST_UPLOAD = "last_upload"
REQUESTED_PAGE = "requested_page"
CUSTOMER = "customer"
"""The customer whose P&L the customer view shows (``None``: none chosen yet)."""
COMPARED = "compared"
"""The saved scenarios the Compare page shows, the baseline first (their ids)."""
CUSTOMER_PAGE = "pages/customer.py"
SCENARIO_FILES = "scenario_files"
"""How many scenario files were opened: part of the scenario uploader's key, so a file opened
is let go of (and the same file can be opened again after an edit)."""


@st.cache_resource(show_spinner=False)
def _store(root: str) -> DatasetStore:
    return DatasetStore(Path(root))


def store() -> DatasetStore:
    return _store(str(default_data_dir()))


def _app_options() -> econ.IngestOptions:
    """How the app reads data: every usable row is kept, the rest listed."""
    return econ.IngestOptions(on_invalid="drop")


@st.cache_resource(max_entries=8, show_spinner="Reading and checking the data…")
def cached_dataset(dataset_id: str, data_dir: str) -> econ.Dataset:
    """Load a stored dataset once per content hash (failures are not cached).

    The app keeps every usable row and lists the rest, so one bad row never blocks a file.
    """
    return _store(data_dir).load(dataset_id, _app_options())


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_customer_months(
    dataset_id: str, data_dir: str, shaping_json: str
) -> econ.CustomerMonths:
    """Customer-months per dataset and shaping part of the scenario (window, prices,
    segmentation, burdens): moving churn, CAC or a weight reuses them."""
    data = cached_dataset(dataset_id, data_dir)
    return econ.build_customer_months(data, econ.Scenario.from_json(shaping_json))


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_report(dataset_id: str, data_dir: str, scenario_json: str) -> econ.Report:
    """One report per dataset and scenario: a control change only recomputes from the rollup."""
    scenario = econ.Scenario.from_json(scenario_json)
    shaping_json = econ.shaping(scenario).to_json(indent=None)
    cms = cached_customer_months(dataset_id, data_dir, shaping_json)
    fits = cached_fits(dataset_id, data_dir, shaping_json)
    return econ.analyze_customer_months(cms, scenario, fits=fits)


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_retention_charts(
    dataset_id: str, data_dir: str, shaping_json: str
) -> retention.RetentionCharts:
    """The Retention section's cohort heat map, survival curves and GRR/NRR, which only the
    shaping part of the scenario changes."""
    return retention.retention_charts(
        cached_customer_months(dataset_id, data_dir, shaping_json),
        cached_fits(dataset_id, data_dir, shaping_json),
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_fits(dataset_id: str, data_dir: str, shaping_json: str) -> dict[str, econ.SbgFit]:
    """The sBG fit per segment, which only the shaping part of the scenario changes (the
    discount rate and the LTV method do not): fitting is the slow part of retention."""
    return retention.segment_fits(cached_customer_months(dataset_id, data_dir, shaping_json))


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_customer_profits(dataset_id: str, data_dir: str, shaping_json: str) -> pl.DataFrame:
    """Per-customer gross profit, which only the shaping part of the scenario changes."""
    return views.customer_profits(cached_customer_months(dataset_id, data_dir, shaping_json))


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_trial_compute(dataset_id: str, data_dir: str, shaping_json: str) -> econ.TrialCompute:
    """Trial compute per acquisition segment, which only the shaping part of the scenario
    changes: a CAC or churn change recomputes AI-adjusted CAC from it, not from the ledger."""
    return econ.trial_compute(cached_customer_months(dataset_id, data_dir, shaping_json))


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_recommendations(
    dataset_id: str, data_dir: str, scenario_json: str
) -> list[econ.Recommendation]:
    data = cached_dataset(dataset_id, data_dir)
    report = cached_report(dataset_id, data_dir, scenario_json)
    return econ.recommend(report, model_usage=data.model_usage)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_simulation(dataset_id: str, data_dir: str, scenario_json: str) -> econ.Simulation:
    data = cached_dataset(dataset_id, data_dir)
    report = cached_report(dataset_id, data_dir, scenario_json)
    return econ.simulate(report, model_usage=data.model_usage)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_projection(dataset_id: str, data_dir: str, scenario_json: str) -> econ.Projection:
    """The 12-month projection of one dataset and scenario (a rerun that changes neither,
    such as moving between pages, reuses it)."""
    report = cached_report(dataset_id, data_dir, scenario_json)
    simulation = cached_simulation(dataset_id, data_dir, scenario_json)
    return projected.projection_of(report, simulation)


def default_scenario(dataset_id: str) -> econ.Scenario:
    return econ.sample_scenario() if dataset_id == SAMPLE_DATASET else econ.Scenario()


def start() -> None:
    """On a session's first run, read the link in the URL (or fall back to the sample); on
    every run, show money in the dataset's reporting currency.

    With sign-in on, whether this session may open the dataset is checked first, every run,
    before anything of it is loaded (:func:`ui.auth.gate`): when it may not, the refusal page
    is all that is drawn."""
    if st.session_state.get(STARTED):
        auth.gate(dataset_id(), st.session_state.get(auth.LINK_TOKEN), use_sample)
        _money_in_reporting_currency()
        return
    link = decode_link({key: st.query_params[key] for key in st.query_params})
    st.session_state[auth.LINK_TOKEN] = link.key
    auth.gate(link.dataset_id or SAMPLE_DATASET, link.key, _start_with_sample)
    _open_link(link)
    _money_in_reporting_currency()


def _start_with_sample() -> None:
    """Start the session on the sample (the refusal page's button, on a first run)."""
    st.session_state[auth.LINK_TOKEN] = None
    st.session_state[NOTICES] = []
    st.session_state[REQUESTED_PAGE] = None
    use_sample()
    st.session_state[STARTED] = True


def _open_link(link: DecodedLink) -> None:
    """Open what a link asks for (see :func:`start`)."""
    notices = list(link.problems)
    target = store()
    problem = target.write_problem()
    if problem is not None:
        notices.append(
            f"Nothing can be saved on this server now ({problem}): the data is analyzed without "
            "its cache, so opening a dataset takes longer, and files you upload are kept in "
            "memory only, so links to them stop working when the server restarts."
        )
    dataset_id = link.dataset_id or SAMPLE_DATASET
    target.mark_used(dataset_id)  # a link opened keeps its dataset in the store longest
    try:
        with st.spinner(
            "Opening the shared dataset…" if link.dataset_id else "Opening the sample…"
        ):
            cached_dataset(dataset_id, str(target.root))
    except DatasetNotFoundError:
        notices.append(
            "The dataset this link points to is no longer stored on this server; "
            "showing the sample data instead."
        )
        dataset_id = SAMPLE_DATASET
    except econ.InputError as error:
        notices.append(f"The linked dataset can no longer be read ({error}); showing the sample.")
        dataset_id = SAMPLE_DATASET
    scenario = link.scenario if link.scenario is not None else default_scenario(dataset_id)
    if link.scenario is not None and dataset_id != link.dataset_id:
        scenario = default_scenario(dataset_id)
    st.session_state[DATASET_ID] = dataset_id
    st.session_state[SCENARIO] = scenario
    st.session_state[NOTICES] = notices
    st.session_state[REQUESTED_PAGE] = link.page
    st.session_state[CUSTOMER] = link.customer
    st.session_state[COMPARED] = link.compare if dataset_id == link.dataset_id else ()
    st.session_state[STARTED] = True  # last: a start that failed part-way is tried again


def _money_in_reporting_currency() -> None:
    """Money this run shows is in the current dataset's reporting currency (US dollars when it
    cannot be read: the page that reads it says why)."""
    try:
        formats.set_currency(dataset().reporting_currency)
    except (econ.InputError, DatasetNotFoundError):
        formats.set_currency("usd")


def open_requested_page(pages: Mapping[str, StreamlitPage], current: StreamlitPage) -> None:
    """Go to the page a link names (links point at the root URL plus ``page=``)."""
    wanted = st.session_state.pop(REQUESTED_PAGE, None)
    if not wanted or wanted == current.url_path:
        return
    if wanted not in pages:
        st.session_state.setdefault(NOTICES, []).append(
            f"This link names a page ({wanted!r}) the app does not have; showing the first page."
        )
        return
    st.switch_page(pages[wanted])


def dataset_id() -> str:
    return str(st.session_state[DATASET_ID])


def scenario() -> econ.Scenario:
    return cast(econ.Scenario, st.session_state[SCENARIO])


def set_scenario(new: econ.Scenario) -> None:
    st.session_state[SCENARIO] = new


def customer_id() -> str | None:
    """The customer the customer view shows (from a link or a table), if any."""
    chosen = st.session_state.get(CUSTOMER)
    return chosen if isinstance(chosen, str) else None


def set_customer(customer: str | None) -> None:
    st.session_state[CUSTOMER] = customer


def open_customer(customer: str) -> None:
    """Show one customer's P&L: the customer view, with this customer chosen."""
    set_customer(customer)
    st.switch_page(CUSTOMER_PAGE)


def compared() -> tuple[str, ...]:
    """The saved scenarios the Compare page shows (ids, the baseline first)."""
    ids = st.session_state.get(COMPARED, ())
    return tuple(ids) if isinstance(ids, tuple | list) else ()


def set_compared(ids: tuple[str, ...]) -> None:
    st.session_state[COMPARED] = tuple(ids)


def reset_scenario() -> None:
    set_scenario(default_scenario(dataset_id()))


def dataset() -> econ.Dataset:
    data = cached_dataset(dataset_id(), str(store().root))
    formats.set_currency(data.reporting_currency)
    return data


@dataclass(frozen=True)
class Current:
    """What a page renders from."""

    dataset_id: str
    data: econ.Dataset
    scenario: econ.Scenario
    report: econ.Report

    @property
    def is_sample(self) -> bool:
        """Whether the data is the bundled sample."""
        return self.dataset_id == SAMPLE_DATASET

    def _key(self) -> tuple[str, str, str]:
        return self.dataset_id, str(store().root), self.scenario.to_json(indent=None)

    def recommendations(self) -> list[econ.Recommendation]:
        return cached_recommendations(*self._key())

    def customer_profits(self) -> pl.DataFrame:
        shaping_json = econ.shaping(self.scenario).to_json(indent=None)
        return cached_customer_profits(self.dataset_id, str(store().root), shaping_json)

    def ai_adjusted_cac(self) -> econ.AiAdjustedCac:
        """Trial compute (kept per customer-months) added to each segment's CAC."""
        shaping_json = econ.shaping(self.scenario).to_json(indent=None)
        trials = cached_trial_compute(self.dataset_id, str(store().root), shaping_json)
        return econ.ai_adjusted_cac(self.report, trials)

    def simulation(self) -> econ.Simulation:
        return cached_simulation(*self._key())

    def projection(self) -> econ.Projection:
        return cached_projection(*self._key())

    def retention(self) -> retention.RetentionView:
        """The Retention section: the report's table with the charts kept per customer-months."""
        shaping_json = econ.shaping(self.scenario).to_json(indent=None)
        charts = cached_retention_charts(self.dataset_id, str(store().root), shaping_json)
        return retention.retention_view(self.report, self.report.retention, charts)


def current() -> Current:
    """The dataset, scenario and report of this run.

    A scenario that no longer fits the data (say, a segment column the new dataset lacks)
    falls back to the dataset's defaults with a notice, never an exception.
    """
    root = str(store().root)
    try:
        report = cached_report(dataset_id(), root, scenario().to_json(indent=None))
    except econ.ScenarioError as error:
        report = _refitted(error, root)
    except (econ.InputError, DatasetNotFoundError) as error:
        if dataset_id() == SAMPLE_DATASET:
            st.error(f"The bundled sample data cannot be read: {plain(error)}")
            st.stop()
        st.session_state.setdefault(NOTICES, []).append(
            f"This dataset can no longer be read ({error}); showing the sample data instead."
        )
        use_sample()
        return current()
    return Current(dataset_id(), dataset(), scenario(), report)


def _refitted(error: econ.ScenarioError, root: str) -> econ.Report:
    """The report of the scenario without what the data no longer has (said in a notice); or,
    when that does not fit either, of the defaults."""
    fitted = econ.fit_scenario(scenario(), dataset())
    if fitted.dropped:
        try:
            report = cached_report(dataset_id(), root, fitted.scenario.to_json(indent=None))
        except econ.ScenarioError:
            pass
        else:
            set_scenario(fitted.scenario)
            st.session_state.setdefault(NOTICES, []).append(
                "The scenario does not fit this dataset in full; dropped: "
                + "; ".join(fitted.dropped)
                + "."
            )
            return report
    st.session_state.setdefault(NOTICES, []).append(
        f"The scenario does not fit this dataset ({error}); the defaults are shown."
    )
    reset_scenario()
    return cached_report(dataset_id(), root, scenario().to_json(indent=None))


def sync_url() -> None:
    """Write the dataset and scenario into the URL, so the address bar reproduces the view."""
    params = encode_link(
        dataset_id(),
        scenario(),
        customer=customer_id(),
        compare=compared(),
        key=auth.opened_through_link(),
    )
    if {key: st.query_params.get(key) for key in st.query_params} != params:
        st.query_params.from_dict(params)


def share_url(page: StreamlitPage) -> str:
    """A link to the app's root that opens this page with this dataset and scenario.

    Pointing at the root rather than at the page's own path keeps a link working on a server
    that has just started (Streamlit only learns page paths on a session's first run).
    """
    query = urlencode(
        encode_link(
            dataset_id(),
            scenario(),
            page.url_path or None,
            customer=customer_id(),
            compare=compared(),
            key=auth.opened_through_link(),
        )
    )
    return f"{_root_url(page.url_path)}/?{query}"


def _root_url(url_path: str) -> str:
    """The app's root URL, from the address of the page at ``url_path``."""
    base = (st.context.url or "").rstrip("/")
    suffix = f"/{url_path}"
    if url_path and base.endswith(suffix):
        base = base[: -len(suffix)]
    return base


def signed_url(token: str, url_path: str) -> str:
    """A link that opens this dataset and scenario for whoever holds it, with a signed link's
    ``token`` (made on the page at ``url_path``)."""
    query = urlencode(encode_link(dataset_id(), scenario(), key=token))
    return f"{_root_url(url_path)}/?{query}"


def holds_link() -> bool:
    """Whether this session came with a signed link's token (a visitor need not sign in to
    use one)."""
    return bool(st.session_state.get(auth.LINK_TOKEN) or st.query_params.get("key"))


@dataclass(frozen=True)
class UploadResult:
    """What loading an uploaded pair gave: the problems that stopped it, or the new dataset."""

    problems: tuple[econ.Problem, ...]
    dataset_id: str | None


@dataclass(frozen=True)
class Upload:
    """One side's uploaded files (one, or several read as one table) and how to read them."""

    name: str
    content: Content
    spec: econ.ImportSpec


def use_uploaded(usage: Upload, revenue: Upload) -> UploadResult:
    """Validate an uploaded pair as the specs say; on success store it and make it current.

    When it fails nothing changes and nothing is written: the previous dataset stays loaded.
    When the server cannot store it (a read-only or full data directory), it is analyzed all
    the same, from memory, with a notice that links to it will not outlive the server.
    """
    user = auth.current_user()
    if auth.sign_in_configured() and user is None:
        result = UploadResult(
            (econ.Problem(usage.name, None, "can be loaded only by someone signed in"),), None
        )
        st.session_state[LAST_UPLOAD] = result
        return result
    target = store()
    try:
        added = target.add(
            usage.content,
            revenue.content,
            usage_name=usage.name,
            revenue_name=revenue.name,
            usage_spec=usage.spec,
            revenue_spec=revenue.spec,
            options=_app_options(),
        )
        new_id = added.dataset_id
        cached_dataset(new_id, str(target.root))  # the dataset just read, from memory
    except econ.InputError as error:
        result = UploadResult(error.problems, None)
    except StoreWriteError as error:
        result = UploadResult((econ.Problem(usage.name, None, str(error)),), None)
    except DatasetNotFoundError:  # read, then pushed out of memory by other uploads at once
        result = UploadResult((econ.Problem(usage.name, None, "was read but not kept"),), None)
    else:
        result = UploadResult((), new_id)
        if user is not None and auth.sign_in_configured():
            _claim(new_id, user)
        if not added.data.unpriced_models:  # nothing left to ask about these files
            st.session_state[UPLOADERS] = st.session_state.get(UPLOADERS, 0) + 1
        if added.unstored is not None:
            st.session_state.setdefault(NOTICES, []).append(
                "Your files are read and analyzed, but they could not be saved on this server "
                f"({added.unstored}): they are kept in memory only, so links to them stop "
                "working when the server restarts."
            )
        if new_id != dataset_id():
            st.session_state[DATASET_ID] = new_id
            reset_scenario()
            set_customer(None)
            set_compared(())
    st.session_state[LAST_UPLOAD] = result
    return result


def _claim(new_id: str, user: econ.User) -> None:
    """Make the signed-in user the owner of the dataset they uploaded (an owner it already has
    is kept); this session may open it either way."""
    try:
        auth.access_store().claim(new_id, user)
    except econ.EconError as error:
        auth.remember_upload(new_id)
        st.session_state.setdefault(NOTICES, []).append(
            f"Your files are loaded, but they could not be given an owner ({error}): only this "
            "session can open them."
        )


def uploader_key(side: str) -> str:
    """The key of one side's uploader: ``upload_usage`` until a load succeeds, then a new key,
    so the uploaded files (as large as the upload limit) are let go of rather than held by the
    session for as long as it lasts."""
    emptied = st.session_state.get(UPLOADERS, 0)
    return f"upload_{side}" if not emptied else f"upload_{side}_{emptied}"


def unpriced_models(usage_name: str, data: econ.Dataset) -> tuple[str, ...]:
    """Models of this usage file that had no price: from the loaded data (their rows were left
    out) or from the last failed load (every row lacked a price)."""
    models = set(data.unpriced_models) if data.usage_name == usage_name else set()
    result = last_upload()
    if result is not None:
        models |= {
            value
            for problem in result.problems
            if problem.source == usage_name and problem.column == "cost_usd"
            for value in problem.values
        }
    return tuple(sorted(models))


def last_upload() -> UploadResult | None:
    result = st.session_state.get(LAST_UPLOAD)
    return result if isinstance(result, UploadResult) else None


def use_sample() -> None:
    st.session_state[DATASET_ID] = SAMPLE_DATASET
    st.session_state[LAST_UPLOAD] = None
    reset_scenario()
    set_customer(None)
    set_compared(())


def take_notices() -> list[str]:
    notices = list(st.session_state.get(NOTICES, []))
    st.session_state[NOTICES] = []
    return notices


def scenario_uploader_key() -> str:
    return f"scenario_file_{st.session_state.get(SCENARIO_FILES, 0)}"


def use_scenario_file() -> None:
    """Open the scenario file just put in the sidebar's uploader (a callback): it becomes the
    current scenario, or a notice says why it cannot; the current one stays either way."""
    key = scenario_uploader_key()
    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    st.session_state[SCENARIO_FILES] = st.session_state.get(SCENARIO_FILES, 0) + 1
    name = getattr(uploaded, "name", "the scenario file")
    try:
        opened = econ.Scenario.from_json(uploaded.getvalue())
    except econ.ScenarioError as error:
        st.session_state.setdefault(NOTICES, []).append(
            f"{name} could not be used as a scenario ({error}); the scenario is unchanged."
        )
        return
    fitted = econ.fit_scenario(opened, dataset())
    set_scenario(fitted.scenario)
    dropped = (
        f" It no longer fits this data in full; dropped: {'; '.join(fitted.dropped)}."
        if fitted.dropped
        else ""
    )
    st.session_state.setdefault(NOTICES, []).append(
        f"Opened the scenario in {name}: every page now shows its assumptions.{dropped}"
    )
