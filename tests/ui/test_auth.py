"""The refusal page's words: whom to ask and who you are, never anything of the dataset."""

from __future__ import annotations

from pathlib import Path

import pytest

import econ
from ui import auth
from ui.auth import Verdict, refusal_text, who


def test_the_refusal_names_the_owner_and_the_user() -> None:
    user = econ.User("sub-ben", "ben@example.org", "Ben")
    said = refusal_text(Verdict(allowed=False, owner_name="Ana"), user)
    assert said == (
        "You don't have access to this dataset — ask its owner (Ana) to share it with you "
        "(you are signed in as Ben)."
    )


def test_a_link_that_failed_says_why_and_no_owner_means_whoever_sent_it() -> None:
    found = Verdict(allowed=False, reason="this link was revoked by the dataset's owner")
    said = refusal_text(found, None)
    assert said == (
        "You don't have access to this dataset — ask whoever sent you the link to share it "
        "with you. This link was revoked by the dataset's owner."
    )


def test_the_audit_trail_names_a_user_else_their_link() -> None:
    assert who(econ.User("s", "Ana@Example.com")) == "ana@example.com"
    assert who(None, "0123456789abcdef") == "link:0123456789abcdef"
    assert who(None) == "anonymous"


def test_a_secrets_file_that_cannot_be_read_keeps_the_server_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It may hold the [auth] table meant to protect the server: sign-in counts as on."""

    def broken() -> bool:
        raise ValueError("Invalid TOML at line 3")

    monkeypatch.setattr(auth.st.secrets, "load_if_toml_exists", broken)
    assert auth.sign_in_configured()
    assert auth.providers() == []


def test_a_secrets_file_with_a_toml_error_keeps_the_server_closed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Streamlit reads a file with a TOML error as no file at all: the file being there is
    what counts."""
    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth]\nclient_id = "econ\n', encoding="utf-8")
    monkeypatch.setattr(auth.st.secrets, "load_if_toml_exists", lambda: False)
    monkeypatch.setattr(auth.st, "get_option", lambda name: [str(broken)])
    assert auth.sign_in_configured()
    broken.unlink()
    assert not auth.sign_in_configured()
