"""Who may open a dataset: access modes, signed links (forged, changed, expired, revoked, made
for other data), the server secret, the audit trail, and records that fail closed."""

from __future__ import annotations

import base64
import itertools
import json
import stat
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import econ
from econ.errors import AccessDeniedError, DatasetNotFoundError, ScenarioError
from econ.storage import access as access_module
from econ.storage.access import (
    MAX_AUDIT_EVENTS,
    Access,
    AccessStore,
    SignedLink,
    User,
    link_secret,
    may_open,
    sign_link,
    verify_link,
)
from econ.storage.store import DatasetStore, StoreLimits

ANN = User("sub-ann", "Ann@Example.com", "Ann Owner")
BOB = User("sub-bob", "bob@example.com", "Bob")
CAROL = User("sub-carol", "carol@other.org")
NO_EMAIL = User("sub-dan", None, "Dan")
SECRET = bytes(range(32))
DATASET = "0123456789abcdef0123456789abcdef"
OTHER = "fedcba9876543210fedcba9876543210"
NOW = 1_750_000_000
DAY = 86_400


@pytest.fixture(autouse=True)
def _no_configured_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(access_module.LINK_SECRET_ENV, raising=False)


def stored(root: Path, tag: str = "a", limits: StoreLimits | None = None) -> str:
    """A dataset in the store at ``root`` (its files are never read here)."""
    store = DatasetStore(root, limits)
    return store.put(
        f"usage {tag}".encode(), f"revenue {tag}".encode(), usage_name="u", revenue_name="r"
    )


@pytest.fixture
def store(tmp_path: Path) -> AccessStore:
    return AccessStore(tmp_path)


@pytest.fixture
def dataset(tmp_path: Path) -> str:
    return stored(tmp_path)


# Users and modes


def test_a_user_is_known_by_their_lowercased_email_else_their_subject() -> None:
    assert ANN.key == "ann@example.com"
    assert NO_EMAIL.key == "sub:sub-dan"
    assert User("s", "not an email").key == "sub:s"
    assert User("s", "ann@example.com", email_verified=False).key == "sub:s"
    assert User("s", "ann@example.com", email_verified=True).key == "ann@example.com"
    assert ANN.label == "Ann Owner"
    assert CAROL.label == "carol@other.org"
    assert User("sub-eve").label == "sub-eve"
    assert User("s", name="Eve\n\x00").label == "Eve"
    with pytest.raises(AccessDeniedError, match="no user id"):
        User("  ")


def test_private_opens_to_the_owner_alone() -> None:
    access = Access(ANN.key, ANN.label)
    assert access.allows(ANN)
    assert access.allows(User("other-sub", "ANN@example.COM"))  # the same verified address
    assert not access.allows(BOB)
    assert not access.allows(NO_EMAIL)
    assert not access.allows(None)


def test_an_owner_without_email_is_known_by_subject() -> None:
    access = Access(NO_EMAIL.key, NO_EMAIL.label, "signed_in")
    assert access.allows(User("sub-dan"))
    assert not Access(NO_EMAIL.key, "Dan").allows(User("sub-dan2"))


def test_named_people_match_their_address_ignoring_case() -> None:
    access = Access(ANN.key, ANN.label, "people", people=("BOB@Example.com ",))
    assert access.people == ("bob@example.com",)
    assert access.allows(BOB)
    assert access.allows(User("x", "Bob@EXAMPLE.com"))
    assert not access.allows(CAROL)
    assert not access.allows(NO_EMAIL)  # no address, nothing to match
    assert not access.allows(User("x", "bob@example.com", email_verified=False))
    assert not access.allows(None)


def test_a_domain_matches_exactly_never_a_suffix() -> None:
    access = Access(ANN.key, ANN.label, "people", domains=("@Example.com",))
    assert access.domains == ("example.com",)
    assert access.allows(BOB)
    assert access.allows(User("x", "zed@EXAMPLE.COM"))
    for address in (
        "mallory@evil-example.com",
        "mallory@mail.example.com",
        "mallory@example.com.evil.org",
        "example.com@evil.org",
    ):
        assert not access.allows(User("x", address)), address
    assert not access.allows(NO_EMAIL)
    assert not access.allows(User("x", "bob@example.com", email_verified=False))


def test_people_and_domains_open_nothing_in_other_modes() -> None:
    listed = Access(ANN.key, ANN.label, "private", people=("bob@example.com",))
    assert not listed.allows(BOB)
    anyone = Access(ANN.key, ANN.label, "signed_in")
    assert anyone.allows(CAROL)
    assert anyone.allows(NO_EMAIL)
    assert not anyone.allows(None)


def test_may_open_is_open_without_sign_in_and_closed_without_an_owner() -> None:
    access = Access(ANN.key, ANN.label)
    assert may_open(None, None, sign_in=False)
    assert may_open(access, BOB, sign_in=False)
    assert not may_open(None, ANN, sign_in=True)
    assert may_open(access, ANN, sign_in=True)
    assert not may_open(access, BOB, sign_in=True)
    assert not may_open(access, None, sign_in=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"mode": "everyone"}, "one of private, people, signed_in"),
        ({"people": ("bob",)}, "'bob' is not an email address"),
        ({"people": ("bob @example.com",)}, "not an email address"),
        ({"people": "bob@example.com"}, "people must be a list"),
        ({"domains": ("example..com",)}, "not an email domain"),
        ({"domains": ("https://example.com",)}, "not an email domain"),
        ({"owner": ""}, "the owner must be"),
        ({"owner_name": "a\nb"}, "no control characters"),
        ({"links": ("abc",)}, "must be signed links"),
    ],
)
def test_bad_values_are_refused_with_the_rule(changes: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"owner": ANN.key, "owner_name": ANN.label} | changes
    with pytest.raises(ScenarioError, match=message):
        Access(**values)  # type: ignore[arg-type]


# Signed links, pure


def test_a_signed_link_round_trips() -> None:
    token = sign_link(SECRET, DATASET, "0123456789abcdef", NOW + DAY)
    assert verify_link(SECRET, token, DATASET, NOW) == ("0123456789abcdef", NOW + DAY)
    assert "=" not in token
    assert base64.urlsafe_b64decode(token + "==").startswith(b"0123456789abcdef.")


def _parts(token: str) -> list[bytes]:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).split(b".")


def _token(parts: list[bytes]) -> str:
    return base64.urlsafe_b64encode(b".".join(parts)).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda parts: [b"fedcba9876543210", parts[1], parts[2]],  # another link id
        lambda parts: [parts[0], str(int(parts[1]) + 30 * DAY).encode(), parts[2]],  # extended
        lambda parts: [parts[0], b"0" + parts[1], parts[2]],  # the same expiry, written apart
        lambda parts: [parts[0], parts[1], (b"0" if parts[2][:1] != b"0" else b"1") + parts[2][1:]],
        lambda parts: [parts[0], parts[1], parts[2][:-2]],  # cut short
        lambda parts: [parts[0], parts[1]],  # no mac
        lambda parts: [parts[0], parts[1], parts[2], b"x"],  # one part too many
    ],
    ids=["link id", "expiry", "expiry's form", "mac", "short mac", "no mac", "extra part"],
)
def test_a_changed_token_is_refused(tamper: object) -> None:
    token = sign_link(SECRET, DATASET, "0123456789abcdef", NOW + DAY)
    changed = _token(tamper(_parts(token)))  # type: ignore[operator]
    with pytest.raises(AccessDeniedError, match="not valid"):
        verify_link(SECRET, changed, DATASET, NOW)


@pytest.mark.parametrize("token", ["", "not base64!", "a", "A" * 300, "x.y.z"])
def test_a_malformed_token_is_refused(token: str) -> None:
    with pytest.raises(AccessDeniedError, match="not valid"):
        verify_link(SECRET, token, DATASET, NOW)


def test_a_token_for_another_dataset_or_secret_is_refused() -> None:
    token = sign_link(SECRET, DATASET, "0123456789abcdef", NOW + DAY)
    with pytest.raises(AccessDeniedError, match="made for other data"):
        verify_link(SECRET, token, OTHER, NOW)
    with pytest.raises(AccessDeniedError, match="not valid"):
        verify_link(bytes(32), token, DATASET, NOW)


def test_a_token_expires_at_its_second() -> None:
    token = sign_link(SECRET, DATASET, "0123456789abcdef", NOW + DAY)
    assert verify_link(SECRET, token, DATASET, NOW + DAY - 1)[1] == NOW + DAY
    with pytest.raises(AccessDeniedError, match="expired on 2025-06-16 15:06 UTC"):
        verify_link(SECRET, token, DATASET, NOW + DAY)


# The server secret


def test_the_secret_file_is_made_once_private_and_reused(tmp_path: Path) -> None:
    first = link_secret(tmp_path)
    path = tmp_path / "secret.key"
    assert path.read_bytes() == first
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert link_secret(tmp_path) == first
    assert [p.name for p in tmp_path.iterdir()] == ["secret.key"]  # no temporary file left
    assert link_secret(tmp_path / "elsewhere") != first


def test_secrets_made_at_once_agree(tmp_path: Path) -> None:
    found: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: found.append(link_secret(tmp_path))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1
    assert found[0] == (tmp_path / "secret.key").read_bytes()


def test_a_damaged_secret_file_turns_links_off(tmp_path: Path) -> None:
    (tmp_path / "secret.key").write_bytes(b"short")
    with pytest.raises(AccessDeniedError, match="damaged"):
        link_secret(tmp_path)
    assert (tmp_path / "secret.key").read_bytes() == b"short"  # not replaced


def test_the_configured_secret_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECON_LINK_SECRET", "ab" * 32)
    assert link_secret(tmp_path) == bytes([0xAB] * 32)
    monkeypatch.setenv("ECON_LINK_SECRET", "a passphrase of thirty-two bytes!")
    assert link_secret(tmp_path) == b"a passphrase of thirty-two bytes!"
    assert not (tmp_path / "secret.key").exists()
    monkeypatch.setenv("ECON_LINK_SECRET", "too short")
    with pytest.raises(AccessDeniedError, match="has 9 bytes and needs at least 32"):
        link_secret(tmp_path)


def test_links_follow_the_configured_secret(
    store: AccessStore, dataset: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.claim(dataset, ANN)
    monkeypatch.setenv("ECON_LINK_SECRET", "cd" * 32)
    token = store.create_link(dataset, ANN, 7, now=NOW)
    assert verify_link(bytes([0xCD] * 32), token, dataset, NOW)[1] == NOW + 7 * DAY
    monkeypatch.setenv("ECON_LINK_SECRET", "ef" * 32)  # a new secret ends the old links
    with pytest.raises(AccessDeniedError, match="not valid"):
        store.open_with_link(dataset, token, now=NOW)


# The store: claims, changes, links, audit


def test_an_upload_is_claimed_private_and_an_owner_is_kept(
    store: AccessStore, dataset: str
) -> None:
    assert store.get(dataset) is None
    claimed = store.claim(dataset, ANN)
    assert claimed == Access("ann@example.com", "Ann Owner")
    assert store.get(dataset) == claimed
    assert store.claim(dataset, BOB) == claimed  # the same files uploaded again
    assert store.claim(dataset, ANN) == claimed
    events = store.events(dataset)
    assert [(e.who, e.action) for e in events] == [
        ("ann@example.com", "upload"),
        ("bob@example.com", "upload"),
        ("ann@example.com", "upload"),
    ]
    assert events[1].detail == "uploaded again; it stays owned by Ann Owner"


def test_records_are_kept_for_stored_datasets_alone(store: AccessStore, tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFoundError):
        store.claim(OTHER, ANN)
    with pytest.raises(DatasetNotFoundError):
        store.claim("../secret", ANN)
    with pytest.raises(AccessDeniedError, match="sample data has no owner"):
        store.claim("sample", ANN)
    store.record(OTHER, ANN.key, "refused")  # a guessed id leaves nothing behind
    store.record("sample", ANN.key, "open")
    assert store.get("../x") is None
    assert store.events(OTHER) == ()
    assert not (tmp_path / "datasets" / f"{OTHER}.audit.json").exists()
    assert not list((tmp_path / "datasets").glob("sample*"))


def test_the_owner_changes_access_and_the_trail_says_what_changed(
    store: AccessStore, dataset: str
) -> None:
    store.claim(dataset, ANN)
    shared = Access(ANN.key, ANN.label, "people", ("bob@example.com",), ("other.org",))
    store.set(dataset, shared, ANN)
    assert store.get(dataset) == shared
    assert store.get(dataset).allows(CAROL)  # type: ignore[union-attr]
    store.set(dataset, Access(ANN.key, ANN.label, "people", ("dan@example.com",)), ANN)
    store.set(dataset, Access(ANN.key, ANN.label, "people", ("dan@example.com",)), ANN)  # same
    changes = [e for e in store.events(dataset) if e.action == "access_changed"]
    assert [e.detail for e in changes] == [
        "who may open it: only the owner → named people and email domains; "
        "people added: bob@example.com; domains added: other.org",
        "people added: dan@example.com; people removed: bob@example.com; "
        "domains removed: other.org",
    ]
    assert all(e.who == "ann@example.com" for e in changes)


def test_only_the_owner_changes_access(store: AccessStore, dataset: str, tmp_path: Path) -> None:
    with pytest.raises(AccessDeniedError, match="no owner"):
        store.set(dataset, Access(BOB.key, BOB.label, "signed_in"), BOB)
    store.claim(dataset, ANN)
    before = store.events(dataset)
    with pytest.raises(AccessDeniedError, match=r"only the dataset's owner \(Ann Owner\)") as no:
        store.set(dataset, Access(ANN.key, ANN.label, "signed_in"), BOB)
    assert no.value.owner_name == "Ann Owner"
    with pytest.raises(ScenarioError, match="owner cannot be changed"):
        store.set(dataset, Access(BOB.key, BOB.label, "signed_in"), ANN)
    with pytest.raises(AccessDeniedError, match="only the dataset's owner"):
        store.create_link(dataset, BOB, 7)
    assert store.get(dataset) == Access(ANN.key, ANN.label)
    assert store.events(dataset) == before


def test_a_link_opens_until_it_expires(store: AccessStore, dataset: str) -> None:
    store.claim(dataset, ANN)
    token = store.create_link(dataset, ANN, 7, now=NOW)
    link = store.open_with_link(dataset, token, now=NOW + 7 * DAY - 1)
    assert link.expires_at == NOW + 7 * DAY
    assert link.created_by == ANN.key
    assert link.created_at == NOW
    assert store.get(dataset).links == (link,)  # type: ignore[union-attr]
    with pytest.raises(AccessDeniedError, match="expired") as expired:
        store.open_with_link(dataset, token, now=NOW + 7 * DAY)
    assert expired.value.owner_name == "Ann Owner"
    event = store.events(dataset)[-1]
    assert (event.action, event.who) == ("link_created", ANN.key)
    assert event.detail == (
        f"link {link.link_id}: anyone with it may open the dataset for 7 days, "
        "until 2025-06-22 15:06 UTC"
    )


def test_a_link_opens_its_own_dataset_only(store: AccessStore, tmp_path: Path) -> None:
    first, second = stored(tmp_path, "a"), stored(tmp_path, "b")
    store.claim(first, ANN)
    store.claim(second, ANN)
    token = store.create_link(first, ANN, 1, now=NOW)
    with pytest.raises(AccessDeniedError, match="made for other data"):
        store.open_with_link(second, token, now=NOW)
    with pytest.raises(AccessDeniedError, match="no owner"):
        store.open_with_link(OTHER, token, now=NOW)


def test_a_revoked_link_is_refused(store: AccessStore, dataset: str) -> None:
    store.claim(dataset, ANN)
    token = store.create_link(dataset, ANN, 30, now=NOW)
    kept = store.create_link(dataset, ANN, 30, now=NOW)
    link_id = store.open_with_link(dataset, token, now=NOW).link_id
    with pytest.raises(AccessDeniedError, match="only the dataset's owner"):
        store.revoke_link(dataset, link_id, BOB)
    store.revoke_link(dataset, link_id, ANN)
    store.revoke_link(dataset, link_id, ANN)  # twice: nothing more
    with pytest.raises(AccessDeniedError, match="revoked by the dataset's owner"):
        store.open_with_link(dataset, token, now=NOW)
    assert store.open_with_link(dataset, kept, now=NOW).revoked is False
    revoked = [e for e in store.events(dataset) if e.action == "link_revoked"]
    assert [e.detail for e in revoked] == [f"link {link_id}"]
    with pytest.raises(ScenarioError, match="no link"):
        store.revoke_link(dataset, "0" * 16, ANN)


def test_a_stale_copy_never_brings_a_revoked_link_back(store: AccessStore, dataset: str) -> None:
    store.claim(dataset, ANN)
    token = store.create_link(dataset, ANN, 30, now=NOW)
    stale = store.get(dataset)
    assert stale is not None
    store.revoke_link(dataset, stale.links[0].link_id, ANN)
    store.set(dataset, Access(ANN.key, ANN.label, "signed_in", links=stale.links), ANN)
    with pytest.raises(AccessDeniedError, match="revoked"):
        store.open_with_link(dataset, token, now=NOW)


def test_a_link_missing_from_the_record_is_refused(store: AccessStore, dataset: str) -> None:
    store.claim(dataset, ANN)
    forged = sign_link(link_secret(store.root), dataset, "0123456789abcdef", NOW + DAY)
    with pytest.raises(AccessDeniedError, match="no longer opens"):
        store.open_with_link(dataset, forged, now=NOW)


def test_link_lengths_are_checked(store: AccessStore, dataset: str) -> None:
    store.claim(dataset, ANN)
    for days in (0, 366, True):
        with pytest.raises(ScenarioError, match="1 to 365 days"):
            store.create_link(dataset, ANN, days)


def test_expired_links_are_dropped_when_one_is_made(store: AccessStore, dataset: str) -> None:
    store.claim(dataset, ANN)
    store.create_link(dataset, ANN, 1, now=NOW)
    store.create_link(dataset, ANN, 1, now=NOW + 2 * DAY)
    record = store.get(dataset)
    assert record is not None
    assert [link.created_at for link in record.links] == [NOW + 2 * DAY]


def test_the_audit_trail_keeps_order_and_drops_the_oldest(
    store: AccessStore, dataset: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert MAX_AUDIT_EVENTS == 10_000
    monkeypatch.setattr(access_module, "MAX_AUDIT_EVENTS", 5)
    for n in range(8):
        store.record(dataset, "link:0123456789abcdef", "open_link", f"visit {n}")
    events = store.events(dataset)
    assert [e.detail for e in events] == [f"visit {n}" for n in range(3, 8)]
    assert all(e.at.endswith("+00:00") and len(e.at) == 25 for e in events)
    assert all(e.at <= later.at for e, later in itertools.pairwise(events))
    store.record(dataset, "anonymous", "refused", "x" * 5000)
    assert len(store.events(dataset)[-1].detail) == 1000


@pytest.mark.parametrize(
    ("who", "action", "message"),
    [("", "open", "who did it"), ("a\nb", "open", "who did it"), ("ann", "peek", "one of")],
)
def test_bad_audit_events_are_refused(
    store: AccessStore, dataset: str, who: str, action: str, message: str
) -> None:
    with pytest.raises(ScenarioError, match=message):
        store.record(dataset, who, action)


def test_saving_concurrently_loses_no_event(store: AccessStore, dataset: str) -> None:
    def open_ten(who: str) -> None:
        for _ in range(10):
            store.record(dataset, who, "open")

    threads = [threading.Thread(target=open_ten, args=(f"u{n}@example.com",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.events(dataset)) == 40


# Damaged records fail closed


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[]",
        b'{"version": 1, "owner": "ann@example.com"}',
        b'{"version": 1, "owner": "a", "owner_name": "A", "mode": "everyone"}',
        b'{"version": 1, "owner": "a", "owner_name": "A", "mode": "signed_in", "extra": 1}',
        b'{"version": 2, "owner": "a", "owner_name": "A", "mode": "signed_in"}',
        b'{"version": 1, "owner": "a", "owner_name": "A", "links": [{"link_id": "x"}]}',
    ],
    ids=["not json", "a list", "no name", "bad mode", "unknown key", "newer", "bad link"],
)
def test_a_damaged_access_record_opens_to_nobody(
    store: AccessStore, dataset: str, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "datasets" / f"{dataset}.access.json"
    path.write_bytes(content)
    with pytest.raises(AccessDeniedError, match="nobody can open this dataset") as refused:
        store.get(dataset)
    assert refused.value.owner_name is None
    with pytest.raises(AccessDeniedError):
        store.claim(dataset, BOB)  # a damaged record is not claimed over
    with pytest.raises(AccessDeniedError):
        store.open_with_link(dataset, "abc", now=NOW)
    assert path.read_bytes() == content


def test_a_damaged_audit_trail_is_kept_aside(
    store: AccessStore, dataset: str, tmp_path: Path
) -> None:
    trail = tmp_path / "datasets" / f"{dataset}.audit.json"
    trail.write_bytes(b'[{"at": 1}]')
    with pytest.raises(ScenarioError, match="audit trail is damaged"):
        store.events(dataset)
    store.record(dataset, ANN.key, "open")
    assert [e.action for e in store.events(dataset)] == ["audit_set_aside", "open"]
    aside = tmp_path / "datasets" / f"{dataset}.audit.damaged.json"
    assert aside.read_bytes() == b'[{"at": 1}]'


# Files live and go with the dataset


def test_forgetting_a_dataset_removes_its_records(store: AccessStore, tmp_path: Path) -> None:
    dataset = stored(tmp_path)
    store.claim(dataset, ANN)
    folder = tmp_path / "datasets"
    (folder / f"{dataset}.audit.damaged.json").write_text("[]")
    assert len(list(folder.glob(f"{dataset}.*"))) == 4
    DatasetStore(tmp_path).forget(dataset)
    assert list(folder.glob(f"{dataset}*")) == []
    assert store.get(dataset) is None


def test_an_evicted_dataset_takes_its_records_and_records_are_not_datasets(
    store: AccessStore, tmp_path: Path
) -> None:
    two = StoreLimits(max_datasets=2)
    first = stored(tmp_path, "a", two)
    store.claim(first, ANN)
    second = stored(tmp_path, "b", two)  # two datasets and first's two records: all kept
    store.claim(second, ANN)
    assert store.get(first) is not None
    assert DatasetStore(tmp_path, two).find(first).dataset_id == first
    stored(tmp_path, "c", two)  # past the bound: the first goes
    folder = tmp_path / "datasets"
    assert list(folder.glob(f"{first}*")) == []
    assert store.get(second) is not None


def test_records_are_json_written_in_place(
    store: AccessStore, dataset: str, tmp_path: Path
) -> None:
    store.claim(dataset, ANN)
    folder = tmp_path / "datasets"
    record = json.loads((folder / f"{dataset}.access.json").read_text())
    assert record == {
        "version": 1,
        "owner": "ann@example.com",
        "owner_name": "Ann Owner",
        "mode": "private",
        "people": [],
        "domains": [],
        "links": [],
    }
    trail = json.loads((folder / f"{dataset}.audit.json").read_text())
    assert [item["action"] for item in trail] == ["upload"]
    assert not [path for path in folder.iterdir() if path.name.endswith(".tmp")]


def test_the_public_names() -> None:
    assert econ.User is User
    assert econ.Access is Access
    assert econ.AccessStore is AccessStore
    assert issubclass(econ.AccessDeniedError, econ.EconError)
    assert econ.may_open is may_open


# Round trips

_LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
_DOMAINS = st.builds(".".join, st.lists(_LABEL, min_size=1, max_size=3))
_EMAILS = st.builds(
    lambda local, domain: f"{local}@{domain}",
    st.text(alphabet="abcXYZ0129._+-", min_size=1, max_size=12),
    _DOMAINS,
)
_KEYS = st.one_of(_EMAILS.map(str.lower), _LABEL.map(lambda subject: f"sub:{subject}"))
_NAMES = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn")), max_size=40)
_LINKS = st.builds(
    SignedLink,
    link_id=st.text(alphabet="0123456789abcdef", min_size=16, max_size=16),
    expires_at=st.integers(0, 10**12 - 1),
    created_by=_KEYS,
    created_at=st.integers(0, 10**12 - 1),
    revoked=st.booleans(),
)
_ACCESS = st.builds(
    Access,
    owner=_KEYS,
    owner_name=_NAMES,
    mode=st.sampled_from(["private", "people", "signed_in"]),
    people=st.lists(_EMAILS, max_size=5).map(tuple),
    domains=st.lists(_DOMAINS, max_size=5).map(tuple),
    links=st.lists(_LINKS, max_size=4, unique_by=lambda link: link.link_id).map(tuple),
)


@given(_ACCESS)
def test_any_access_round_trips_through_json(access: Access) -> None:
    document = json.loads(json.dumps(access.to_dict()))
    assert Access.from_dict(document) == access
    assert Access.from_dict(document).to_dict() == access.to_dict()


@given(_ACCESS, st.sampled_from([ANN, BOB, CAROL, NO_EMAIL]))
def test_the_owner_always_may_open_and_nobody_signed_out(access: Access, user: User) -> None:
    owned = Access(user.key, user.label, access.mode, access.people, access.domains)
    assert owned.allows(user)
    assert not access.allows(None)
