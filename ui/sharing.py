"""The Data page's access section, with sign-in on: the owner says who can see the dataset,
makes and revokes links with an expiry, and reads the audit trail; anyone else is told whose
dataset it is. Without sign-in it draws nothing (the sidebar says the server is open).

Every change is a button callback that leaves a notice (shown at the top of the next run)
saying what happened or why nothing did; the access store writes it to the audit trail.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Final

import streamlit as st

import econ
from econ.scenario.link import SAMPLE_DATASET
from ui import auth, session
from ui.text import plain

MODES: Final[dict[str, str]] = {
    "private": "Only me",
    "people": "Named people or email domains",
    "signed_in": "Anyone signed in",
}
ACTIONS: Final = {
    "upload": "uploaded it",
    "open": "opened it",
    "open_link": "opened it through a link",
    "refused": "was refused",
    "access_changed": "changed who can see it",
    "link_created": "made a link",
    "link_revoked": "revoked a link",
    "scenario_saved": "saved a scenario",
}
"""How the audit trail's actions read in the table (an action not listed reads as it is)."""
DEFAULT_DAYS: Final = 7
MAX_DAYS: Final = 365
"""The longest a link made here works, in days."""
DATA_PAGE: Final = "data"
"""The Data page's URL path (a link made there points at the app's root)."""
_SEPARATORS: Final = re.compile(r"[\s,;]+")
_DOMAIN: Final = re.compile(r"[^\s@.:/\\,;]+(?:\.[^\s@.:/\\,;]+)+")
"""An email domain: dot-separated labels (at least two), as access records take them."""
_EMAIL: Final = re.compile(r"[^\s@:,;]+@" + _DOMAIN.pattern)


@dataclass(frozen=True)
class Recipients:
    """What the owner typed: the email addresses and domains, and the entries that are neither."""

    people: tuple[str, ...]
    domains: tuple[str, ...]
    rejected: tuple[str, ...]


def recipients(people: str, domains: str) -> Recipients:
    """Read the people (email addresses) and the email domains typed in, separated by commas,
    semicolons, spaces or new lines; lowercased, each once, in the order typed. A domain may be
    written with a leading ``@``. Anything else is kept in :attr:`Recipients.rejected`."""
    emails: list[str] = []
    names: list[str] = []
    rejected: list[str] = []
    for entry in _SEPARATORS.split(people.strip().lower()):
        if entry:
            (emails if _EMAIL.fullmatch(entry) else rejected).append(entry)
    for entry in _SEPARATORS.split(domains.strip().lower()):
        domain = entry.removeprefix("@")
        if entry:
            (names if _DOMAIN.fullmatch(domain) else rejected).append(domain or entry)
    return Recipients(
        tuple(dict.fromkeys(emails)), tuple(dict.fromkeys(names)), tuple(dict.fromkeys(rejected))
    )


def _notice(text: str) -> None:
    st.session_state.setdefault(session.NOTICES, []).append(text)


def _key(dataset_id: str, part: str) -> str:
    return f"access:{dataset_id[:12]}:{part}"


def _owner(dataset_id: str) -> tuple[econ.Access, econ.User] | None:
    """The dataset's access record and its owner, when the one signed in owns it."""
    user = auth.current_user()
    try:
        access = auth.access_store().get(dataset_id)
    except econ.EconError as error:
        _notice(f"Who can see this dataset cannot be read ({error}); nothing changed.")
        return None
    if access is None or user is None or user.key != access.owner:
        _notice("Only the dataset's owner can change who can see it; nothing changed.")
        return None
    return access, user


def _save(dataset_id: str) -> None:
    found = _owner(dataset_id)
    if found is None:
        return
    access, user = found
    mode = st.session_state.get(_key(dataset_id, "mode"), access.mode)
    typed = recipients(
        str(st.session_state.get(_key(dataset_id, "people"), "")),
        str(st.session_state.get(_key(dataset_id, "domains"), "")),
    )
    if typed.rejected:
        _notice(
            "These are not email addresses or domains: "
            + ", ".join(repr(entry) for entry in typed.rejected[:5])
            + ". Who can see the dataset is unchanged."
        )
        return
    if mode == "people" and not typed.people and not typed.domains:
        _notice(
            "Name at least one person or email domain to share the dataset with; who can see "
            "it is unchanged."
        )
        return
    changed = replace(access, mode=mode, people=typed.people, domains=typed.domains)
    if changed == access:
        _notice("Who can see this dataset is unchanged.")
        return
    try:
        auth.access_store().set(dataset_id, changed, user)
    except econ.EconError as error:
        _notice(f"Who can see this dataset could not be changed ({error}).")
        return
    _notice(f"Saved: {_describe(changed)}.")


def _describe(access: econ.Access) -> str:
    """Who can see the dataset, in a sentence's words."""
    if access.mode == "private":
        return "only you can see this dataset"
    if access.mode == "signed_in":
        return "anyone signed in can see this dataset"
    named = [*access.people, *(f"anyone at {domain}" for domain in access.domains)]
    return "you and " + ", ".join(named) + " can see this dataset"


def _create(dataset_id: str) -> None:
    found = _owner(dataset_id)
    if found is None:
        return
    _, user = found
    days = int(st.session_state.get(_key(dataset_id, "days"), DEFAULT_DAYS))
    try:
        token = auth.access_store().create_link(dataset_id, user, days)
    except econ.EconError as error:
        _notice(f"The link could not be made ({error}).")
        return
    st.session_state[_key(dataset_id, "created")] = token
    _notice(
        f"Made a link that works for {days} day{'s' if days != 1 else ''}: copy it from "
        "“Links with an expiry” on the Data page."
    )


def _revoke(dataset_id: str, link_id: str) -> None:
    found = _owner(dataset_id)
    if found is None:
        return
    _, user = found
    try:
        auth.access_store().revoke_link(dataset_id, link_id, user)
    except econ.EconError as error:
        _notice(f"The link could not be revoked ({error}).")
        return
    st.session_state.pop(_key(dataset_id, "created"), None)
    _notice("Revoked the link: it no longer opens the dataset.")


def may_upload() -> bool:
    """Whether this session may load files (with sign-in on, only someone signed in may)."""
    return not auth.sign_in_configured() or auth.current_user() is not None


def _date(seconds: int) -> str:
    return f"{dt.datetime.fromtimestamp(seconds, dt.UTC):%Y-%m-%d %H:%M} UTC"


def section() -> None:
    """The Data page's access section (nothing without sign-in, or for the sample)."""
    dataset_id = session.dataset_id()
    if not auth.sign_in_configured() or dataset_id == SAMPLE_DATASET:
        return
    try:
        access = auth.access_store().get(dataset_id)
    except econ.EconError as error:
        st.warning(f"Who can see this dataset cannot be read: {plain(error)}")
        return
    user = auth.current_user()
    st.subheader("Who can see this dataset")
    if access is None:
        st.caption(
            "This dataset has no owner (it was loaded while sign-in was off, or could not be "
            "given one): nobody else can open it."
        )
        return
    if user is None or user.key != access.owner:
        how = " through a link" if auth.opened_through_link() else ""
        st.info(
            f"Shared with you{how} by {plain(access.owner_name)}, who owns it.",
            icon=":material/group:",
        )
        return
    _who_can_see(dataset_id, access)
    _links(dataset_id, access)
    _audit(dataset_id)


def _who_can_see(dataset_id: str, access: econ.Access) -> None:
    st.caption(f"You own this dataset: {plain(_describe(access))}.")
    modes = list(MODES)
    st.radio(
        "Who can see it",
        modes,
        index=modes.index(access.mode),
        format_func=MODES.__getitem__,
        horizontal=True,
        key=_key(dataset_id, "mode"),
    )
    left, right = st.columns(2)
    left.text_area(
        "People (email addresses)",
        value="\n".join(access.people),
        key=_key(dataset_id, "people"),
        placeholder="ana@example.com\nben@example.org",
        help="One a line, or separated by commas. Used when “Named people or email domains” "
        "is chosen.",
    )
    right.text_input(
        "Email domains",
        value=", ".join(access.domains),
        key=_key(dataset_id, "domains"),
        placeholder="example.com",
        help="Everyone whose email address ends in @ one of these can see it. Used when "
        "“Named people or email domains” is chosen.",
    )
    st.button(
        "Save who can see it",
        key=_key(dataset_id, "save"),
        on_click=_save,
        args=(dataset_id,),
        icon=":material/save:",
    )


def _links(dataset_id: str, access: econ.Access) -> None:
    st.markdown("**Links with an expiry**")
    st.caption(
        "Anyone holding such a link can open this dataset, signed in or not, until the link "
        "expires or you revoke it. It is signed by this server: it cannot be changed to last "
        "longer or to open another dataset."
    )
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    left.number_input(
        "Days it works",
        min_value=1,
        max_value=MAX_DAYS,
        value=DEFAULT_DAYS,
        step=1,
        key=_key(dataset_id, "days"),
    )
    right.button(
        "Create a link",
        key=_key(dataset_id, "create"),
        on_click=_create,
        args=(dataset_id,),
        icon=":material/add_link:",
    )
    created = st.session_state.get(_key(dataset_id, "created"))
    if isinstance(created, str):
        st.code(session.signed_url(created, DATA_PAGE), language=None, wrap_lines=True)
    now = int(dt.datetime.now(dt.UTC).timestamp())
    for link in reversed(access.links):
        if link.revoked:
            state = "revoked"
        elif link.expires_at <= now:
            state = f"expired {_date(link.expires_at)}"
        else:
            state = f"works until {_date(link.expires_at)}"
        text, button = st.columns([4, 1], vertical_alignment="center")
        text.caption(
            f"Link {link.link_id[:8]}, made {_date(link.created_at)} by "
            f"{plain(link.created_by)}: {state}"
        )
        if not link.revoked and link.expires_at > now:
            button.button(
                "Revoke",
                key=_key(dataset_id, f"revoke:{link.link_id}"),
                on_click=_revoke,
                args=(dataset_id, link.link_id),
            )


def _audit(dataset_id: str) -> None:
    st.markdown("**Audit trail**")
    events = auth.access_store().events(dataset_id)
    st.caption(
        "Who uploaded this dataset, opened it, was refused, or changed who can see it; "
        "the newest first."
    )
    st.dataframe(
        [
            {
                "when": event.at,
                "who": event.who,
                "what": ACTIONS.get(event.action, event.action),
                "detail": event.detail,
            }
            for event in reversed(events)
        ],
        hide_index=True,
        key=_key(dataset_id, "audit"),
    )
