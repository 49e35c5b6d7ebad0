"""Sign-in and per-dataset access as people use them: the owner uploads and shares from the Data
page, someone the dataset is not shared with gets the refusal page and nothing of the data, a
link with an expiry opens it until it expires or is revoked, and the audit trail lists each step.
Without an ``[auth]`` table the app is open and says so."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Final

import pytest
from app_support import (
    FIRST_REVENUE,
    FIRST_USAGE,
    PAGES,
    SMALL_REVENUE,
    SMALL_USAGE,
    TIMEOUT,
    assert_no_markup,
    elements,
    land,
    own_data_dir,
    parquet,
    upload,
)
from locations import APP
from markup import HOSTILE, shown_text
from streamlit.testing.v1 import AppTest

import econ
from econ.storage.access import AccessStore, User
from ui import auth, saved, session, sharing

pytestmark = pytest.mark.app

AUTH: Final = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-string-for-the-tests-only",
    "client_id": "econ-tests",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
"""An ``[auth]`` table (nothing is fetched from it: AppTest never reaches the provider)."""
ANA: Final = {"is_logged_in": True, "sub": "sub-ana", "email": "Ana@Example.com", "name": "Ana"}
BEN: Final = {"is_logged_in": True, "sub": "sub-ben", "email": "ben@example.org", "name": "Ben"}
CAL: Final = {"is_logged_in": True, "sub": "sub-cal", "email": "cal@elsewhere.net", "name": "Cal"}
SECRETS_OF_THE_DATA: Final = (
    "chat_assistant",
    "deep_research",
    "my_usage",
    "my_revenue",
    "acme",
    "Starter",
)
"""Feature names, file names, a customer and a plan of the uploaded data: none may be shown to
someone the data is not shared with."""
DATA_ELEMENTS: Final = {"dataframe", "metric", "arrow_vega_lite_chart", "vega_lite_chart", "code"}


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return own_data_dir(tmp_path, monkeypatch)


def app_as(
    user: dict[str, Any], params: dict[str, str] | None = None, page: str | None = None
) -> AppTest:
    """The app with sign-in on, as ``user``, opened from a link's ``params``."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets["auth"] = dict(AUTH)
    at.user = dict(user)
    if params:
        at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(PAGES[page]).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def ana_uploads() -> tuple[AppTest, str]:
    """Ana signs in and loads the first small upload; the app and the dataset's id."""
    at = upload(app_as(ANA, page="data"), parquet(FIRST_USAGE), parquet(FIRST_REVENUE))
    assert not at.exception, [e.value for e in at.exception]
    dataset_id = str(at.session_state[session.DATASET_ID])
    assert dataset_id != "sample"
    return at, dataset_id


def link(dataset_id: str, key: str | None = None) -> dict[str, str]:
    params = {"v": "1", "data": dataset_id}
    if key is not None:
        params["key"] = key
    return params


def everything(at: AppTest) -> str:
    """Every field of every element drawn, as text."""
    return "\n".join(str(getattr(node, "proto", "")) for node in elements(at._tree))


def assert_refused(at: AppTest, owner: str | None = "Ana") -> None:
    """The refusal page, naming the owner, and nothing of the data."""
    assert not at.exception, [e.value for e in at.exception]
    said = " ".join(shown_text(error.value) for error in at.error)
    assert "You don't have access to this dataset" in said
    if owner is not None:
        assert f"ask its owner ({owner})" in said
    drawn = {node.type for node in elements(at._tree)}
    assert not drawn & DATA_ELEMENTS, drawn & DATA_ELEMENTS
    text = everything(at)
    for secret in SECRETS_OF_THE_DATA:
        assert secret not in text


def trail(data_dir: Path, dataset_id: str) -> list[tuple[str, str]]:
    return [(event.who, event.action) for event in AccessStore(data_dir).events(dataset_id)]


def share_with(at: AppTest, dataset_id: str, people: str = "", domains: str = "") -> AppTest:
    """Ana, on the Data page, shares the dataset with ``people`` and ``domains``."""
    at.radio(key=sharing._key(dataset_id, "mode")).set_value("people")
    at.text_area(key=sharing._key(dataset_id, "people")).input(people)
    at.text_input(key=sharing._key(dataset_id, "domains")).input(domains)
    at.button(key=sharing._key(dataset_id, "save")).click()
    return at.run()


def test_without_auth_the_app_is_open_and_says_so() -> None:
    at = land()
    captions = " ".join(caption.value for caption in at.sidebar.caption)
    assert auth.OPEN_NOTICE in captions
    assert not any(button.label == "Sign out" for button in at.sidebar.button)


def test_someone_not_signed_in_sees_only_the_sign_in_page() -> None:
    at = app_as({"is_logged_in": False})
    assert at.title[0].value == "AI unit economics"
    assert [button.label for button in at.button] == ["Sign in"]
    drawn = {node.type for node in elements(at._tree)}
    assert not drawn & DATA_ELEMENTS


def test_a_signed_in_user_sees_the_sample_and_who_they_are() -> None:
    at = app_as(BEN)
    assert any("Signed in as Ben" in caption.value for caption in at.sidebar.caption)
    assert any(button.label == "Sign out" for button in at.sidebar.button)
    assert at.metric  # the sample's Summary


def test_the_owner_shares_and_the_others_are_refused(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at, dataset_id = ana_uploads()
    access = AccessStore(data_dir).get(dataset_id)
    assert access is not None and access.owner == "ana@example.com" and access.mode == "private"
    # Ana sees her access controls and the audit trail.
    assert at.radio(key=sharing._key(dataset_id, "mode")).value == "private"
    # Ben opens Ana's link: refused, with nothing of the data, and before it is loaded.
    loaded: list[str] = []
    real = session.cached_dataset
    monkeypatch.setattr(
        session, "cached_dataset", lambda *args: loaded.append(args[0]) or real(*args)
    )
    assert_refused(app_as(BEN, link(dataset_id)))
    assert dataset_id not in loaded
    # Ana shares with Ben by name and with her own domain; Ben opens it, Cal still cannot.
    at = share_with(at, dataset_id, "ben@example.org", "example.com")
    shared = AccessStore(data_dir).get(dataset_id)
    assert shared is not None and shared.people == ("ben@example.org",)
    assert shared.domains == ("example.com",)
    ben = app_as(BEN, link(dataset_id), page="data")
    assert ben.session_state[session.DATASET_ID] == dataset_id
    assert ben.metric
    assert any("Shared with you by Ana" in info.value for info in ben.info)
    assert not any(radio.label == "Who can see it" for radio in ben.radio)
    assert_refused(app_as(CAL, link(dataset_id)))
    # Ana makes it private again: Ben's next click is refused.
    at.radio(key=sharing._key(dataset_id, "mode")).set_value("private")
    at.button(key=sharing._key(dataset_id, "save")).click()
    at.run()
    ben.switch_page(PAGES["segments"]).run()
    assert_refused(ben)
    steps = trail(data_dir, dataset_id)
    assert steps[0] == ("ana@example.com", "upload")
    assert ("ben@example.org", "refused") in steps
    assert ("ben@example.org", "open") in steps
    assert ("cal@elsewhere.net", "refused") in steps
    assert [who for who, action in steps if action == "access_changed"] == ["ana@example.com"] * 2
    # The owner reads the trail on the Data page, newest first.
    at = at.run()
    shown = at.dataframe[-1].value.to_dict("records")
    assert shown[-1]["what"] == sharing.ACTIONS["upload"]
    assert any(row["who"] == "cal@elsewhere.net" for row in shown)


def test_a_guessed_id_is_refused_and_leaves_nothing(data_dir: Path) -> None:
    guessed = "0123456789abcdef0123456789abcdef"
    at = app_as(BEN, link(guessed))
    assert_refused(at, owner=None)
    assert not list(data_dir.glob(f"datasets/{guessed}*"))
    # The refusal page offers the sample instead.
    at.button(key="auth:open_sample").click()
    at = at.run()
    assert at.session_state[session.DATASET_ID] == "sample"
    assert at.metric and not at.error


def test_a_link_with_an_expiry_opens_until_revoked(data_dir: Path) -> None:
    at, dataset_id = ana_uploads()
    at.number_input(key=sharing._key(dataset_id, "days")).set_value(3)
    at.button(key=sharing._key(dataset_id, "create")).click()
    at = at.run()
    token = at.session_state[sharing._key(dataset_id, "created")]
    assert any(f"key={token}" in code.value for code in at.code)
    access = AccessStore(data_dir).get(dataset_id)
    assert access is not None and len(access.links) == 1
    assert 3 * 86_400 - 60 < access.links[0].expires_at - time.time() <= 3 * 86_400
    # Cal, not on the list, opens the link; the share link he sees keeps the key.
    cal = app_as(CAL, link(dataset_id, token))
    assert cal.session_state[session.DATASET_ID] == dataset_id
    assert cal.metric
    assert any(f"key={token}" in code.value for code in cal.sidebar.code)
    # A visitor who is not signed in may use it too.
    visitor = app_as({"is_logged_in": False}, link(dataset_id, token))
    assert visitor.metric
    # Changed by one character, it opens nothing.
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert_refused(app_as(CAL, link(dataset_id, tampered)))
    # Ana revokes it: Cal's next click is refused, and so is a new open.
    at.button(key=sharing._key(dataset_id, f"revoke:{access.links[0].link_id}")).click()
    at = at.run()
    cal.switch_page(PAGES["data"]).run()
    assert_refused(cal)
    assert_refused(app_as(CAL, link(dataset_id, token)))
    actions = [action for _, action in trail(data_dir, dataset_id)]
    for step in ("upload", "link_created", "open_link", "refused", "link_revoked"):
        assert step in actions
    assert (f"link:{access.links[0].link_id}", "open_link") in trail(data_dir, dataset_id)


def test_an_expired_link_is_refused(data_dir: Path) -> None:
    _, dataset_id = ana_uploads()
    store = AccessStore(data_dir)
    ana = User("sub-ana", "ana@example.com", "Ana")
    expired = store.create_link(dataset_id, ana, 1, now=int(time.time()) - 2 * 86_400)
    at = app_as(CAL, link(dataset_id, expired))
    assert_refused(at)
    assert "This link expired on" in shown_text(at.error[0].value)
    assert ("cal@elsewhere.net", "refused") in trail(data_dir, dataset_id)


def test_a_link_for_one_dataset_opens_no_other(data_dir: Path) -> None:
    _, dataset_id = ana_uploads()
    second = upload(app_as(ANA, page="data"), parquet(SMALL_USAGE), parquet(SMALL_REVENUE))
    other = str(second.session_state[session.DATASET_ID])
    assert other not in {dataset_id, "sample"}
    token = AccessStore(data_dir).create_link(dataset_id, User("sub-ana", "ana@example.com"), 7)
    assert_refused(app_as(CAL, link(other, token)))
    assert app_as(CAL, link(dataset_id, token)).metric


def test_the_share_link_keeps_no_key_without_a_signed_link() -> None:
    at = land({"v": "1", "data": "sample", "key": "abc"})
    assert not any("key=" in code.value for code in at.sidebar.code)
    assert "key" not in at.query_params


def test_a_saved_scenario_records_who_saved_it(data_dir: Path) -> None:
    at, dataset_id = ana_uploads()
    at.sidebar.text_input(key=saved.NAME_KEY).input("Plan A")
    at.sidebar.button(key="saved:save").click()
    at = at.run()
    [item] = econ.ScenarioStore(data_dir).list(dataset_id)
    assert item.name == "Plan A" and item.saved_by == "ana@example.com"
    assert ("ana@example.com", "scenario_saved") in trail(data_dir, dataset_id)


def test_names_from_the_identity_provider_stay_text(data_dir: Path) -> None:
    """A name the identity provider gives is written by its user: never markup here."""
    hostile = {**ANA, "name": " ".join(HOSTILE)}
    at = upload(app_as(hostile, page="data"), parquet(FIRST_USAGE), parquet(FIRST_REVENUE))
    dataset_id = str(at.session_state[session.DATASET_ID])
    at = share_with(at, dataset_id, "ben@example.org")
    assert_no_markup(at, "the owner's Data page")
    assert_no_markup(app_as(BEN, link(dataset_id), page="data"), "shared with Ben")
    refused = app_as({**CAL, "name": HOSTILE[0]}, link(dataset_id))
    assert_no_markup(refused, "the refusal page")
    assert_refused(refused, owner=None)


def test_uploading_the_same_files_opens_nothing_of_their_owner(data_dir: Path) -> None:
    """The same bytes make the same dataset id: Cal's upload of Ana's files does not make Cal
    its owner, nor let Cal at Ana's dataset (her saved scenarios, say)."""
    _, dataset_id = ana_uploads()
    saved_before = trail(data_dir, dataset_id)
    cal = upload(app_as(CAL, page="data"), parquet(FIRST_USAGE), parquet(FIRST_REVENUE)).run()
    assert_refused(cal)
    assert AccessStore(data_dir).get(dataset_id).owner == "ana@example.com"  # type: ignore[union-attr]
    assert ("cal@elsewhere.net", "refused") in trail(data_dir, dataset_id)
    assert trail(data_dir, dataset_id)[: len(saved_before)] == saved_before
