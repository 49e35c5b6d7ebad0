"""Sign-in and who may open a dataset, in the app.

Sign-in is Streamlit's own OpenID Connect (``st.login``, ``st.user``, ``st.logout``), on only
when the server's secrets have an ``[auth]`` table. Without it the app is open, as it always
was, and the sidebar says so. With it:

- nobody sees anything but the sign-in page until they sign in, except a visitor holding a
  signed link (``key=`` in the URL), who may open that one dataset until the link expires or
  its owner revokes it;
- a dataset is checked before it is loaded (:func:`gate`, from :func:`ui.session.start`): the
  owner, the people it is shared with and a valid signed link open it; anyone else gets a
  refusal page naming the owner, and nothing of the dataset: no page, number, file name or
  feature name;
- the bundled sample is open to everyone signed in;
- each opening (once a session) and each refusal goes into the dataset's audit trail.

Who owns a dataset and whom it is shared with live in :mod:`econ.storage.access`; the Data
page's controls for them are in :mod:`ui.sharing`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, NoReturn

import streamlit as st

import econ
from econ.scenario.link import SAMPLE_DATASET
from econ.storage.store import default_data_dir
from ui.text import plain

AUTH_SECTION: Final = "auth"
"""The secrets table that turns sign-in on (Streamlit's own name for it)."""
LINK_TOKEN: Final = "auth:link_token"
"""Session key: the signed link's token this session opened its dataset with (if any)."""
AUDITED: Final = "auth:audited"
"""Session key: the (dataset id, action) pairs already in an audit trail this session."""
UPLOADED: Final = "auth:uploaded"
"""Session key: the datasets this session uploaded (open to it even when they could not be
given an owner, say on a read-only server)."""
VERDICT: Final = "auth:verdict"
"""Session key: the last :class:`Verdict` of :func:`gate`."""
OPEN_NOTICE: Final = "No sign-in: anyone who can reach this server can see its data."
HOW_TO_SIGN_IN: Final = (
    "To require sign-in, add an `[auth]` table to `.streamlit/secrets.toml` and restart "
    "(the README's \u201cSign-in and access\u201d section says how)."
)


def sign_in_configured() -> bool:
    """Whether the server's secrets have an ``[auth]`` table (no secrets file at all: no)."""
    return len(_section()) > 0


UNREADABLE: Final = "_unreadable"
"""The key :func:`_section` answers with when a secrets file exists but cannot be read."""


def _section() -> Mapping[str, object]:
    """The ``[auth]`` table of the secrets (empty when there is none, or no secrets file).

    A secrets file that exists but cannot be read fails closed: it may hold the ``[auth]``
    table meant to protect this server, so sign-in counts as configured and nothing is shown
    (:func:`sign_in_page` says why)."""
    try:
        loaded = st.secrets.load_if_toml_exists()
        if not loaded:
            # Streamlit answers False for a file with a TOML error as for no file at all.
            present = [path for path in st.get_option("secrets.files") if Path(path).exists()]
            if present:
                return {UNREADABLE: f"{present[0]} is not valid TOML"}
            return {}
        section = st.secrets.get(AUTH_SECTION)
    except Exception as error:  # any failure to read it must close the server
        return {UNREADABLE: f"{type(error).__name__}: {error}"}
    return section if isinstance(section, Mapping) else {}


def providers() -> list[str | None]:
    """The identity providers the ``[auth]`` table configures: ``None`` for the one given in
    the table itself, and the name of each sub-table that names a client (``[auth.google]``)."""
    section = _section()
    if not section or UNREADABLE in section:
        return []
    found: list[str | None] = []
    if "client_id" in section or "server_metadata_url" in section:
        found.append(None)
    found += [
        str(name)
        for name, value in section.items()
        if isinstance(value, Mapping) and "client_id" in value
    ]
    return found or [None]


def current_user() -> econ.User | None:
    """Who is signed in (``None``: nobody, or sign-in is off)."""
    info = st.user.to_dict()
    if info.get("is_logged_in") is not True:
        return None
    subject, email, name, verified = (
        info.get(claim) for claim in ("sub", "email", "name", "email_verified")
    )
    email = email if isinstance(email, str) and email.strip() else None
    subject = subject if isinstance(subject, str) and subject.strip() else email
    if subject is None:
        return None
    return econ.User(
        subject,
        email,
        name if isinstance(name, str) and name.strip() else None,
        verified if isinstance(verified, bool) else None,
    )


@st.cache_resource(show_spinner=False)
def _access_store(root: str) -> econ.AccessStore:
    return econ.AccessStore(Path(root))


def access_store() -> econ.AccessStore:
    """Owners, access lists, signed links and audit trails (in the datasets' data directory)."""
    return _access_store(str(default_data_dir()))


def who(user: econ.User | None, link_id: str | None = None) -> str:
    """How an audit trail names someone: the user's key, else the link they came through."""
    if user is not None:
        return user.key
    return f"link:{link_id}" if link_id else "anonymous"


def record(
    dataset_id: str,
    action: str,
    detail: str = "",
    *,
    once: bool = False,
    link_id: str | None = None,
) -> None:
    """Add an event to a dataset's audit trail (with ``once``, only the first time this
    session). A trail that cannot be written is no reason to stop the app: it is skipped."""
    if dataset_id == SAMPLE_DATASET:
        return
    done: set[tuple[str, str]] = st.session_state.setdefault(AUDITED, set())
    if once and (dataset_id, action) in done:
        return
    try:
        access_store().record(dataset_id, who(current_user(), link_id), action, detail)
    except econ.EconError:
        return
    done.add((dataset_id, action))


@dataclass(frozen=True)
class Verdict:
    """Whether this session may open a dataset, and what the refusal page says if not."""

    allowed: bool
    owner_name: str | None = None
    reason: str = ""
    """Why a signed link did not open it (for the page and the audit trail), else empty."""
    link_id: str | None = None
    """The signed link that opened it (``None``: opened as the user's own access)."""
    known: bool = False
    """Whether the dataset has an access record (only then is a refusal written to its trail:
    a guessed id leaves no file behind)."""


def uploaded_here(dataset_id: str) -> bool:
    return dataset_id in st.session_state.get(UPLOADED, ())


def remember_upload(dataset_id: str) -> None:
    st.session_state[UPLOADED] = {*st.session_state.get(UPLOADED, ()), dataset_id}


def verdict(dataset_id: str, token: str | None, user: econ.User | None) -> Verdict:
    """Whether ``user`` (or a visitor holding ``token``) may open the dataset; decided from its
    access record alone, before anything of the dataset is read."""
    if dataset_id == SAMPLE_DATASET:
        return Verdict(allowed=user is not None)
    store = access_store()
    try:
        access: econ.Access | None = store.get(dataset_id)
    except econ.EconError as error:  # a record that cannot be read opens nothing
        return Verdict(allowed=False, reason=str(error))
    if access is None and uploaded_here(dataset_id) and user is not None:
        # This session's own upload that could not be given an owner (a read-only store).
        # An owned dataset is decided by its record: the same files uploaded again by
        # someone else open nothing of its owner's.
        return Verdict(allowed=True)
    owner_name = access.owner_name if access is not None else None
    if user is not None and econ.may_open(access, user, sign_in=True):
        return Verdict(allowed=True, owner_name=owner_name, known=True)
    reason = ""
    if token is not None and access is not None:
        try:
            link = store.open_with_link(dataset_id, token)
        except econ.AccessDeniedError as error:
            reason = str(error)
        else:
            return Verdict(allowed=True, owner_name=owner_name, link_id=link.link_id, known=True)
    return Verdict(allowed=False, owner_name=owner_name, reason=reason, known=access is not None)


def gate(dataset_id: str, token: str | None, open_sample: Callable[[], None]) -> None:
    """Check that this session may open the dataset, before it is loaded (every run: a revoked
    or expired link closes it at the next click). Allowed: the opening goes into the audit trail
    once a session. Refused: the refusal does too, and the refusal page is all that is drawn.
    Sign-in off: always allowed. ``open_sample`` is what the refusal page's button does."""
    if not sign_in_configured():
        return
    user = current_user()
    if user is None and dataset_id == SAMPLE_DATASET:
        sign_in_page()
    found = verdict(dataset_id, token, user)
    st.session_state[VERDICT] = found
    if found.allowed:
        if found.link_id is not None:
            record(
                dataset_id, "open_link", f"link {found.link_id}", once=True, link_id=found.link_id
            )
        elif found.known:
            record(dataset_id, "open", once=True)
        return
    if found.known:
        record(dataset_id, "refused", found.reason, once=True)
    refusal_page(found, user, open_sample)
    st.stop()


def allowed_here() -> bool:
    """Whether this session's dataset passed :func:`gate` (always, with sign-in off)."""
    if not sign_in_configured():
        return True
    found = st.session_state.get(VERDICT)
    return isinstance(found, Verdict) and found.allowed


def opened_through_link() -> str | None:
    """The signed link's token this session opened its dataset with, while it still does."""
    found = st.session_state.get(VERDICT)
    token = st.session_state.get(LINK_TOKEN)
    if isinstance(found, Verdict) and found.link_id is not None and isinstance(token, str):
        return token
    return None


def refusal_text(found: Verdict, user: econ.User | None) -> str:
    """The refusal page's message: who to ask, and who you are; never the dataset's content."""
    owner = (
        f"ask its owner ({found.owner_name}) to share it with you"
        if found.owner_name
        else "ask whoever sent you the link to share it with you"
    )
    signed_in = f" (you are signed in as {user.label})" if user is not None else ""
    reason = found.reason.strip().rstrip(".")
    link = f" {reason[:1].upper()}{reason[1:]}." if reason else ""
    return f"You don't have access to this dataset — {owner}{signed_in}.{link}"


def refusal_page(found: Verdict, user: econ.User | None, open_sample: Callable[[], None]) -> None:
    """What someone who may not open the dataset sees instead of it."""
    st.title("No access")
    st.error(plain(refusal_text(found, user)), icon=":material/lock:")
    if user is None:
        sign_in_buttons()
    else:
        st.button("Open the sample data instead", key="auth:open_sample", on_click=open_sample)


def sign_in_buttons() -> None:
    for provider in providers():
        label = "Sign in" if provider is None else f"Sign in with {provider}"
        if st.button(label, type="primary", key=f"auth:sign_in:{provider or 'default'}"):
            if provider is None:
                st.login()
            else:
                st.login(provider)


def sign_in_page() -> NoReturn:
    """The only page shown to someone not signed in (then the run stops)."""
    st.title("AI unit economics")
    st.markdown(
        "Margins, lifetime value and pricing of AI features, from a company's usage ledger and "
        "revenue table. This server asks you to sign in: what it holds is shown only to the "
        "people it is shared with."
    )
    unreadable = _section().get(UNREADABLE)
    if unreadable is not None:
        st.error(
            "This server's secrets file cannot be read, so sign-in cannot be checked and "
            f"nothing is shown until it is fixed ({plain(str(unreadable))})."
        )
        st.stop()
    sign_in_buttons()
    st.stop()


def account() -> None:
    """The sidebar's note on sign-in: the open-server notice, or who is signed in and a
    "Sign out" button."""
    with st.sidebar:
        if not sign_in_configured():
            st.caption(f"**{OPEN_NOTICE}** {HOW_TO_SIGN_IN}")
            return
        user = current_user()
        if user is None:
            st.caption("Not signed in: you are using a link shared with you.")
            return
        st.caption(f"Signed in as {plain(user.label)}")
        if st.button("Sign out", key="auth:sign_out"):
            st.logout()
