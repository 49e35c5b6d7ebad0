"""Saved scenarios in the app: save the current one under a name, open, rename, duplicate or
delete one, and compare several (:mod:`econ.storage.scenarios` keeps them next to the dataset,
in the same files the CLI reads).

The sidebar's "Saved scenarios" section does the first; the Compare page reads
:func:`saved_scenarios` and :func:`comparison`. Every action is a button callback that leaves a
notice (shown at the top of the next run) saying what happened or why nothing did.

With sign-in on, a dataset's saved scenarios go with the dataset's access: they are listed and
opened only for a session that may open the dataset (:func:`ui.auth.allowed_here`), each records
who saved it, and saving one goes into the dataset's audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

import streamlit as st

import econ
from econ.storage.scenarios import MAX_NAME
from ui import auth, session

NAME_KEY: Final = "saved:name"
CHOSEN_KEY: Final = "saved:chosen"
RENAME_KEY: Final = "saved:rename"


@st.cache_resource(show_spinner=False)
def _scenario_store(root: str) -> econ.ScenarioStore:
    return econ.ScenarioStore(Path(root))


def scenario_store() -> econ.ScenarioStore:
    """The saved scenarios of this server (in the datasets' data directory)."""
    return _scenario_store(str(session.store().root))


def saved_scenarios() -> list[econ.SavedScenario]:
    """The scenarios saved for the current dataset, oldest first (none for a session that may
    not open the dataset)."""
    if not auth.allowed_here():
        return []
    return scenario_store().list(session.dataset_id())


def _notice(text: str) -> None:
    st.session_state.setdefault(session.NOTICES, []).append(text)


def save_current(name: str) -> econ.SavedScenario | None:
    """Save the current scenario under ``name``; ``None`` (with a notice saying why) when the
    name breaks a rule, is taken by another saved scenario, or the server cannot write."""
    if not _may_change():
        return None
    current = session.scenario()
    taken = [item for item in saved_scenarios() if item.name.casefold() == name.strip().casefold()]
    if any(item.scenario != current for item in taken):
        _notice(
            f"A scenario named {name.strip()!r} is already saved: choose another name, or "
            "delete that one first. Nothing was saved."
        )
        return None
    user = auth.current_user()
    try:
        saved = scenario_store().save(
            session.dataset_id(), name, current, saved_by=user.key if user is not None else None
        )
    except econ.EconError as error:
        _notice(f"The scenario could not be saved ({error}).")
        return None
    if auth.sign_in_configured():
        auth.record(session.dataset_id(), "scenario_saved", saved.name)
    _notice(
        f"Saved the current scenario as {saved.name!r}. Compare it with others on the "
        "Compare scenarios page."
    )
    return saved


def open_saved(saved: econ.SavedScenario) -> None:
    """Make a saved scenario the current one, fitted to the data as it is now: what it names
    that the data no longer has is dropped, and the notice says what."""
    fitted = econ.fit_scenario(saved.scenario, session.dataset())
    session.set_scenario(fitted.scenario)
    if fitted.dropped:
        _notice(
            f"Opened {saved.name!r}, which no longer fits the data in full; dropped: "
            + "; ".join(fitted.dropped)
            + "."
        )
    else:
        _notice(f"Opened {saved.name!r}: every page now shows its assumptions.")
    for note in fitted.notes:
        _notice(f"{saved.name!r}: {note}.")


def _may_change() -> bool:
    """Whether this session may save, rename, copy or delete saved scenarios: with sign-in on,
    only someone signed in who may open the dataset (a notice says why not)."""
    if not auth.sign_in_configured():
        return True
    if auth.current_user() is None:
        _notice("Sign in to save, rename, copy or delete saved scenarios; nothing changed.")
        return False
    # Decided afresh: a button's callback runs before this run's access check, so the last
    # run's verdict may predate a change of who can see the dataset.
    token = st.session_state.get(auth.LINK_TOKEN)
    if not auth.verdict(session.dataset_id(), token, auth.current_user()).allowed:
        _notice("You may not open this dataset, so its saved scenarios cannot be changed.")
        return False
    return True


def _save_clicked() -> None:
    name = str(st.session_state.get(NAME_KEY, ""))
    if save_current(name) is not None:
        st.session_state[NAME_KEY] = ""


def _chosen() -> econ.SavedScenario | None:
    wanted = st.session_state.get(CHOSEN_KEY)
    return next((item for item in saved_scenarios() if item.scenario_id == wanted), None)


def _open_clicked() -> None:
    chosen = _chosen()
    if chosen is not None:
        open_saved(chosen)


def _rename_clicked() -> None:
    chosen = _chosen()
    if chosen is not None and not _may_change():
        return
    new_name = str(st.session_state.get(RENAME_KEY, "")).strip()
    if chosen is None:
        return
    if any(
        item.name.casefold() == new_name.casefold() and item.scenario_id != chosen.scenario_id
        for item in saved_scenarios()
    ):
        _notice(f"A scenario named {new_name!r} is already saved; {chosen.name!r} keeps its name.")
        return
    try:
        renamed = scenario_store().rename(session.dataset_id(), chosen.scenario_id, new_name)
    except econ.EconError as error:
        _notice(f"{chosen.name!r} could not be renamed ({error}).")
        return
    _replace_compared(chosen.scenario_id, renamed.scenario_id)
    st.session_state[CHOSEN_KEY] = renamed.scenario_id
    st.session_state[RENAME_KEY] = ""
    _notice(f"Renamed {chosen.name!r} to {renamed.name!r}; links to it still open it.")


def _duplicate_clicked() -> None:
    chosen = _chosen()
    if chosen is not None and not _may_change():
        return
    if chosen is None:
        return
    names = {item.name.casefold() for item in saved_scenarios()}
    copy, number = f"{chosen.name} (copy)", 2
    while copy.casefold() in names:
        copy, number = f"{chosen.name} (copy {number})", number + 1
    try:
        user = auth.current_user()
        duplicate = scenario_store().duplicate(
            session.dataset_id(),
            chosen.scenario_id,
            copy,
            saved_by=user.key if user is not None else None,
        )
    except econ.EconError as error:
        _notice(f"{chosen.name!r} could not be duplicated ({error}).")
        return
    st.session_state[CHOSEN_KEY] = duplicate.scenario_id
    _notice(f"Saved a copy of {chosen.name!r} as {duplicate.name!r}.")


def _delete_clicked() -> None:
    chosen = _chosen()
    if chosen is not None and not _may_change():
        return
    if chosen is None:
        return
    try:
        scenario_store().delete(session.dataset_id(), chosen.scenario_id)
    except econ.EconError as error:
        _notice(f"{chosen.name!r} could not be deleted ({error}).")
        return
    _replace_compared(chosen.scenario_id, None)
    _notice(f"Deleted the saved scenario {chosen.name!r}.")


def _replace_compared(old: str, new: str | None) -> None:
    """Keep the comparison pointing at a renamed scenario, or drop a deleted one from it."""
    ids = session.compared()
    if old in ids:
        replaced = (new if item == old else item for item in ids)
        session.set_compared(tuple(item for item in replaced if item is not None))


def label(saved: econ.SavedScenario) -> str:
    """A saved scenario as a list shows it: its name and when it was saved."""
    return f"{saved.name} — saved {saved.saved_at:%Y-%m-%d %H:%M} UTC"


def sidebar_section() -> None:
    """The sidebar's "Saved scenarios": save the current one; open, rename, duplicate or
    delete one saved for this dataset."""
    with st.expander("Saved scenarios", icon=":material/bookmarks:"):
        st.text_input(
            "Save the current scenario as",
            key=NAME_KEY,
            max_chars=MAX_NAME,
            placeholder="e.g. Starter at $59",
        )
        st.button("Save", key="saved:save", on_click=_save_clicked, icon=":material/save:")
        saved = saved_scenarios()
        if not saved:
            st.caption(
                "Saved scenarios are kept on this server with the dataset; the Compare "
                "scenarios page sets up to five of them side by side."
            )
            return
        by_id = {item.scenario_id: item for item in saved}
        if st.session_state.get(CHOSEN_KEY) not in by_id:
            st.session_state[CHOSEN_KEY] = saved[-1].scenario_id
        st.selectbox(
            "Saved for this dataset",
            list(by_id),
            format_func=lambda scenario_id: label(by_id[scenario_id]),  # options are plain text
            key=CHOSEN_KEY,
        )
        left, middle, right = st.columns(3)
        left.button("Open", key="saved:open", on_click=_open_clicked)
        middle.button("Copy", key="saved:duplicate", on_click=_duplicate_clicked)
        right.button("Delete", key="saved:delete", on_click=_delete_clicked)
        st.text_input("New name", key=RENAME_KEY, max_chars=MAX_NAME)
        st.button("Rename", key="saved:rename_button", on_click=_rename_clicked)


@st.cache_resource(max_entries=8, show_spinner="Comparing the scenarios…")
def cached_comparison(
    dataset_id: str, data_dir: str, named: tuple[tuple[str, str, str], ...]
) -> econ.Comparison:
    """The comparison of saved scenarios, each given as (name, scenario JSON, id); each
    option's report and simulation come from the app's caches (a scenario shown elsewhere is
    not computed again)."""

    keys: dict[int, str] = {}

    def run(scenario: econ.Scenario) -> tuple[econ.Report, econ.Simulation]:
        key = scenario.to_json(indent=None)
        report = session.cached_report(dataset_id, data_dir, key)
        keys[id(report)] = key
        return report, session.cached_simulation(dataset_id, data_dir, key)

    def recommendations(report: econ.Report) -> list[econ.Recommendation]:
        return session.cached_recommendations(dataset_id, data_dir, keys[id(report)])

    options = [
        econ.Named(name, econ.Scenario.from_json(scenario_json), scenario_id)
        for name, scenario_json, scenario_id in named
    ]
    data = session.cached_dataset(dataset_id, data_dir)
    return econ.compare_scenarios(data, options, run=run, recommendations=recommendations)


def comparison(ids: Sequence[str]) -> tuple[econ.Comparison | None, list[str]]:
    """The comparison of the saved scenarios ``ids`` (the baseline first), and a sentence for
    each that is no longer saved; ``None`` when fewer than two are left."""
    problems: list[str] = []
    found: list[econ.SavedScenario] = []
    if not auth.allowed_here():
        return None, problems
    for scenario_id in ids:
        try:
            found.append(scenario_store().get(session.dataset_id(), scenario_id))
        except econ.EconError as error:
            problems.append(f"A scenario of this comparison cannot be opened ({error}).")
    if len(found) < 2:
        return None, problems
    named = tuple(
        (item.name, item.scenario.to_json(indent=None), item.scenario_id) for item in found
    )
    return cached_comparison(session.dataset_id(), str(session.store().root), named), problems
