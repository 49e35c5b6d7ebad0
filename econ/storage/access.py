"""Who may open a dataset: its owner, its access list, signed links with an expiry, and its audit
trail. Used by the app when sign-in is on; the command line and the Python API never sign in.

Files, next to the dataset's manifest (the layout is in :mod:`econ.storage.store`)::

    datasets/<dataset id>.access.json    the :class:`Access` record: owner, mode, people,
                                         email domains, signed links
    datasets/<dataset id>.audit.json     the audit trail: a JSON list of :class:`AuditEvent`,
                                         newest last, at most :data:`MAX_AUDIT_EVENTS`
    secret.key                           the server secret that signs links (see
                                         :func:`link_secret`)

A dataset uploaded by a signed-in user is *claimed* (:meth:`AccessStore.claim`): that user owns
it and it is private. The owner may share it with named people (their email addresses), with
email domains (``example.com`` matches ``ann@example.com`` exactly, never
``ann@evil-example.com`` nor ``ann@mail.example.com``) or with anyone signed in, and may hand
out links that open it for anyone holding them until they expire or are revoked.

A signed link's token is the URL-safe base64 of ``<link id>.<expires at>.<mac>``, where the mac
is HMAC-SHA256, under the server secret, of ``<dataset id>.<link id>.<expires at>``: changing
any part, or using it for another dataset, breaks the mac (compared in constant time), so a
link can be neither forged nor extended. A link also has to be listed, not revoked, in the
dataset's access record, so the owner can end it early.

Everything fails closed. An access record that cannot be read opens the dataset to nobody
(:meth:`AccessStore.get` raises :class:`~econ.errors.AccessDeniedError` saying so), a dataset
with no owner is opened to nobody while sign-in is on (:func:`may_open`), and a user whose
provider says the email address is not verified is known by their subject alone. Every write
goes through a temporary file renamed into place, under one lock per process for the
read-modify-write of a record.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias, cast

from econ.errors import AccessDeniedError, DatasetNotFoundError, ScenarioError, StoreWriteError
from econ.scenario.link import SAMPLE_DATASET
from econ.scenario.values import parse_json
from econ.storage.store import (
    ACCESS_SUFFIX,
    AUDIT_SET_ASIDE_SUFFIX,
    AUDIT_SUFFIX,
    LINK_SECRET_FILE,
    default_data_dir,
    write_atomically,
    write_problem_of,
)

AccessMode: TypeAlias = Literal["private", "people", "signed_in"]
"""Who besides the owner may open a dataset: nobody, the people and email domains listed, or
anyone signed in."""
ACCESS_MODES: Final[tuple[AccessMode, ...]] = ("private", "people", "signed_in")
MODE_LABELS: Final[dict[AccessMode, str]] = {
    "private": "only the owner",
    "people": "named people and email domains",
    "signed_in": "anyone signed in",
}
"""Each mode in words (the audit trail's details use them)."""
ACTIONS: Final = (
    "upload",
    "open",
    "open_link",
    "refused",
    "access_changed",
    "link_created",
    "link_revoked",
    "scenario_saved",
    "audit_set_aside",
)
"""What an audit event may record; ``audit_set_aside`` starts a trail whose earlier file could
not be read (kept as ``<dataset id>.audit.damaged.json``)."""
LINK_SECRET_ENV: Final = "ECON_LINK_SECRET"
SECRET_BYTES: Final = 32
MAX_AUDIT_EVENTS: Final = 10_000
MAX_LINK_DAYS: Final = 365
MAX_LINKS: Final = 100
"""How many unexpired links a dataset may have at once."""
MAX_PEOPLE: Final = 1_000
MAX_DOMAINS: Final = 100
MAX_NAME: Final = 200
"""The longest owner name (or user label) kept, in characters."""
MAX_KEY: Final = 400
MAX_DETAIL: Final = 1_000
"""The longest audit detail kept, in characters; a longer one is cut with an ellipsis."""
ANONYMOUS: Final = "anonymous"
_FILE_VERSION: Final = 1
_DAY: Final = 86_400
_LATEST: Final = 10**12
"""Expiries are below this (twelve digits of Unix seconds, some 30,000 years)."""
_DATASET: Final = re.compile(r"[0-9a-f]{32}")
_LINK_ID: Final = re.compile(r"[0-9a-f]{16}")
_LABEL: Final = r"[^\s@.:/\\,;]+"
_DOMAIN: Final = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_EMAIL: Final = re.compile(rf"[^\s@:,;]+@({_LABEL}(?:\.{_LABEL})*)")
_TOKEN: Final = re.compile(r"[A-Za-z0-9_-]{1,256}")
_SIGNED: Final = re.compile(rb"([0-9a-f]{16})\.([0-9]{1,12})\.([0-9a-f]{64})")
_HEX_SECRET: Final = re.compile(r"(?:[0-9a-fA-F]{2}){32,}")
_LOCK: Final = threading.RLock()
"""Held for each read-modify-write of an access record or audit trail (in this process)."""


@dataclass(frozen=True)
class User:
    """Who is signed in, as the identity provider describes them.

    Attributes:
        subject: the provider's ``sub`` claim, never empty.
        email: the email address, when the provider gives one.
        name: the display name, when given.
        email_verified: the provider's ``email_verified`` claim; ``False`` means the address
            is not used to recognize the user (anyone could have typed it).
    """

    subject: str
    email: str | None = None
    name: str | None = None
    email_verified: bool | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.subject, str) or not self.subject.strip():
            raise AccessDeniedError(
                "the sign-in gave no user id (its 'sub' claim is empty), so you cannot be told "
                "apart from others; tell whoever runs this server"
            )

    @property
    def email_key(self) -> str | None:
        """The email address lowercased, when there is a well-formed one not marked as
        unverified; ``None`` otherwise."""
        if self.email_verified is False or self.email is None:
            return None
        return normal_email(self.email)

    @property
    def key(self) -> str:
        """How access records name this user: the email address lowercased when it is known
        (:attr:`email_key`), else ``sub:`` and the subject."""
        return self.email_key or f"sub:{self.subject}"

    @property
    def label(self) -> str:
        """The name, else the email address, else the subject (control characters dropped,
        at most :data:`MAX_NAME` characters)."""
        for text in (self.name, self.email, self.subject):
            shown = _plain(text or "", MAX_NAME)
            if shown:
                return shown
        return "someone"


@dataclass(frozen=True)
class SignedLink:
    """A link that opens one dataset for anyone holding it until ``expires_at``.

    Attributes:
        link_id: 16 random hex digits.
        expires_at: when it stops opening the dataset, in Unix seconds.
        created_by: the :attr:`User.key` of whoever made it.
        created_at: when it was made, in Unix seconds.
        revoked: whether the owner ended it early.
    """

    link_id: str
    expires_at: int
    created_by: str
    created_at: int
    revoked: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.link_id, str) or not _LINK_ID.fullmatch(self.link_id):
            raise ScenarioError("a signed link's id must be 16 hex digits")
        for name in ("expires_at", "created_at"):
            value = getattr(self, name)
            if type(value) is not int or value < 0:
                raise ScenarioError(f"a signed link's {name} must be a whole number of seconds")
        _check_key(self.created_by, "a signed link's maker")
        if not isinstance(self.revoked, bool):
            raise ScenarioError("a signed link's 'revoked' must be true or false")

    def to_dict(self) -> dict[str, Any]:
        return {
            "link_id": self.link_id,
            "expires_at": self.expires_at,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "revoked": self.revoked,
        }

    @classmethod
    def from_dict(cls, data: object) -> SignedLink:
        """A link as :meth:`to_dict` wrote it; raises :class:`~econ.errors.ScenarioError`."""
        fields = _fields(
            data,
            "a signed link",
            required=("link_id", "expires_at", "created_by", "created_at"),
            optional=("revoked",),
        )
        return cls(
            fields["link_id"],
            fields["expires_at"],
            fields["created_by"],
            fields["created_at"],
            fields.get("revoked", False),
        )


@dataclass(frozen=True)
class Access:
    """Who may open a dataset (see the module docstring).

    Attributes:
        owner: the :attr:`User.key` of the owner, who may always open it and alone changes this.
        owner_name: who to ask for access, as a refusal says it.
        mode: who else may open it (:data:`AccessMode`).
        people: email addresses (lowercased, each once) that may open it in mode ``"people"``.
        domains: email domains (lowercased, without ``@``) whose addresses may open it in mode
            ``"people"``; a domain matches exactly, not its subdomains.
        links: the signed links made for it, revoked ones included until they expire.

    Building one checks every value (raises :class:`~econ.errors.ScenarioError` naming the
    one at fault) and puts addresses and domains in their kept form.
    """

    owner: str
    owner_name: str
    mode: AccessMode = "private"
    people: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    links: tuple[SignedLink, ...] = ()

    def __post_init__(self) -> None:
        _check_key(self.owner, "the owner")
        if not isinstance(self.owner_name, str):
            raise ScenarioError("the owner's name must be text")
        name = self.owner_name.strip()
        if len(name) > MAX_NAME or _has_control(name):
            raise ScenarioError(
                f"the owner's name has at most {MAX_NAME} characters and no control characters"
            )
        if self.mode not in ACCESS_MODES:
            raise ScenarioError(
                f"who may open a dataset is one of {', '.join(ACCESS_MODES)}, got {self.mode!r}"
            )
        people = _unique(_person(value) for value in _sequence(self.people, "people"))
        domains = _unique(_domain(value) for value in _sequence(self.domains, "domains"))
        if len(people) > MAX_PEOPLE or len(domains) > MAX_DOMAINS:
            raise ScenarioError(
                f"a dataset is shared with at most {MAX_PEOPLE:,} people and {MAX_DOMAINS} "
                f"domains, got {len(people):,} and {len(domains)}"
            )
        links = tuple(
            link if isinstance(link, SignedLink) else _not_a_link()
            for link in _sequence(self.links, "links")
        )
        if len({link.link_id for link in links}) != len(links):
            raise ScenarioError("an access record lists a signed link twice")
        object.__setattr__(self, "owner_name", name)
        object.__setattr__(self, "people", people)
        object.__setattr__(self, "domains", domains)
        object.__setattr__(self, "links", links)

    def allows(self, user: User | None) -> bool:
        """Whether ``user`` may open the dataset: the owner always; in mode ``"signed_in"``
        anyone signed in; in mode ``"people"`` a user whose (verified) email address is listed
        or whose address's domain is listed exactly. Nobody signed in: never."""
        if user is None:
            return False
        if user.key == self.owner or self.mode == "signed_in":
            return True
        email = user.email_key
        if self.mode != "people" or email is None:
            return False
        return email in self.people or email.rpartition("@")[2] in self.domains

    def link(self, link_id: str) -> SignedLink | None:
        """The signed link with this id, or ``None``."""
        return next((link for link in self.links if link.link_id == link_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": _FILE_VERSION,
            "owner": self.owner,
            "owner_name": self.owner_name,
            "mode": self.mode,
            "people": list(self.people),
            "domains": list(self.domains),
            "links": [link.to_dict() for link in self.links],
        }

    @classmethod
    def from_dict(cls, data: object) -> Access:
        """A record as :meth:`to_dict` wrote it, every value checked: raises
        :class:`~econ.errors.ScenarioError` for a missing, unknown or malformed entry, or a
        record written by a newer version."""
        fields = _fields(
            data,
            "an access record",
            required=("version", "owner", "owner_name"),
            optional=("mode", "people", "domains", "links"),
        )
        version = fields["version"]
        if type(version) is not int or version < 1:
            raise ScenarioError("an access record's version must be a whole number")
        if version > _FILE_VERSION:
            raise ScenarioError("the access record was written by a newer version of econ")
        for name in ("people", "domains", "links"):
            if not isinstance(fields.get(name, []), list):
                raise ScenarioError(f"an access record's {name} must be a list")
        return cls(
            owner=fields["owner"],
            owner_name=fields["owner_name"],
            mode=fields.get("mode", "private"),
            people=tuple(fields.get("people", [])),
            domains=tuple(fields.get("domains", [])),
            links=tuple(SignedLink.from_dict(item) for item in fields.get("links", [])),
        )


@dataclass(frozen=True)
class AuditEvent:
    """One entry of a dataset's audit trail.

    Attributes:
        at: when, ISO 8601 in UTC to the second.
        who: a :attr:`User.key`, ``"anonymous"``, or ``"link:<link id>"``.
        action: one of :data:`ACTIONS`.
        detail: what changed, in words (at most :data:`MAX_DETAIL` characters).
    """

    at: str
    who: str
    action: str
    detail: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"at": self.at, "who": self.who, "action": self.action, "detail": self.detail}

    @classmethod
    def from_dict(cls, data: object) -> AuditEvent:
        """An event as :meth:`to_dict` wrote it; raises :class:`~econ.errors.ScenarioError`."""
        fields = _fields(
            data, "an audit event", required=("at", "who", "action"), optional=("detail",)
        )
        values = [fields["at"], fields["who"], fields["action"], fields.get("detail", "")]
        if not all(isinstance(value, str) for value in values):
            raise ScenarioError("an audit event's entries must be text")
        return cls(*cast("list[str]", values))


def normal_email(value: str) -> str | None:
    """An email address as access records keep it (stripped and lowercased), or ``None`` when
    it is not one (no ``@``, spaces, an empty part)."""
    cleaned = value.strip().lower()
    return cleaned if _EMAIL.fullmatch(cleaned) else None


def may_open(access: Access | None, user: User | None, *, sign_in: bool) -> bool:
    """Whether ``user`` may open a dataset whose access record is ``access``.

    Without sign-in (``sign_in`` false) the app is open, as it always was: anyone may. With
    sign-in, a dataset with no owner (uploaded while sign-in was off) was shared with nobody and
    is refused; otherwise :meth:`Access.allows` decides. (The bundled sample is opened by the
    app without this check.)
    """
    if not sign_in:
        return True
    return access is not None and access.allows(user)


def sign_link(secret: bytes, dataset_id: str, link_id: str, expires_at: int) -> str:
    """The token of a signed link (see the module docstring): URL-safe base64, no padding."""
    if "." in dataset_id or not _LINK_ID.fullmatch(link_id):
        raise ScenarioError("a signed link needs a dataset id without dots and a 16-hex-digit id")
    if type(expires_at) is not int or not 0 <= expires_at < _LATEST:
        raise ScenarioError("a signed link's expiry must be a whole number of seconds")
    expires = str(expires_at).encode()
    mac = _mac(secret, dataset_id, link_id.encode(), expires)
    raw = b".".join((link_id.encode(), expires, mac))
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def verify_link(secret: bytes, token: str, dataset_id: str, now: int) -> tuple[str, int]:
    """The link id and expiry a token carries, once its mac proves the server signed it for
    this dataset and it has not expired at ``now`` (Unix seconds).

    Raises:
        AccessDeniedError: the token is malformed, changed, signed for another dataset or with
            another secret, or expired (the message says which, never naming the data).
    """
    invalid = AccessDeniedError(
        "this link is not valid: it was changed or cut short, or it was made for other data"
    )
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise invalid from None
    parts = _SIGNED.fullmatch(raw)
    if parts is None:
        raise invalid
    link_id, expires, mac = parts.groups()
    if "." in dataset_id or not hmac.compare_digest(
        _mac(secret, dataset_id, link_id, expires), mac
    ):
        raise invalid
    expires_at = int(expires)
    if now >= expires_at:
        raise AccessDeniedError(
            f"this link expired on {_iso(expires_at)} UTC: ask the dataset's owner for a new one"
        )
    return link_id.decode("ascii"), expires_at


def link_secret(root: Path) -> bytes:
    """The secret that signs links: ``$ECON_LINK_SECRET`` when set (hex digits, or else its
    text as UTF-8; at least 32 bytes either way), else the 32 bytes of ``secret.key`` in the
    data directory ``root``, made on first use (readable by the server's user alone).

    Raises:
        AccessDeniedError: signed links cannot be made or checked, and why (a secret too
            short, a damaged or unreadable key file, a data directory that cannot be written).
    """
    configured = os.environ.get(LINK_SECRET_ENV, "").strip()
    if configured:
        secret = (
            bytes.fromhex(configured)
            if _HEX_SECRET.fullmatch(configured)
            else configured.encode("utf-8")
        )
        if len(secret) < SECRET_BYTES:
            raise AccessDeniedError(
                f"signed links are off: the server's link secret (${LINK_SECRET_ENV}) has "
                f"{len(secret)} bytes and needs at least {SECRET_BYTES}; tell whoever runs "
                "this server"
            )
        return secret
    path = root / LINK_SECRET_FILE
    with contextlib.suppress(FileNotFoundError):
        return _read_secret(path)
    _make_secret(path)
    return _read_secret(path)


class AccessStore:
    """Access records and audit trails of the datasets in a data directory (see the module
    docstring). Reading an absent record means the dataset has no owner; writing refuses a
    dataset the store does not hold (:class:`~econ.errors.DatasetNotFoundError`)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else default_data_dir()

    def get(self, dataset_id: str) -> Access | None:
        """The dataset's access record; ``None`` when it has none (no owner: uploaded while
        sign-in was off, the sample, or no such dataset).

        Raises:
            AccessDeniedError: the record exists but cannot be read or is damaged, so nobody
                may open the dataset until whoever runs the server restores or removes it.
        """
        if not _DATASET.fullmatch(dataset_id):
            return None
        try:
            raw = self._path(dataset_id, ACCESS_SUFFIX).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise AccessDeniedError(
                "nobody can open this dataset now: who may open it cannot be read "
                f"({error.strerror or type(error).__name__}); try again later"
            ) from None
        try:
            return Access.from_dict(parse_json(raw, "the access record"))
        except ScenarioError as error:
            raise AccessDeniedError(
                "nobody can open this dataset: the record of who may open it is damaged; tell "
                "whoever runs this server, who can restore it or remove it (and then the next "
                "upload of the same files claims it)"
            ) from error

    def claim(self, dataset_id: str, owner: User) -> Access:
        """Make ``owner`` the owner of a dataset they just uploaded, private, unless it has an
        owner already (the same files uploaded again: that owner is kept); the audit trail
        records the upload either way. Returns the access record.

        Raises:
            DatasetNotFoundError: the store holds no such dataset.
            AccessDeniedError: the sample (which has no owner), or a damaged record (kept).
            StoreWriteError: the data directory cannot be written (says why).
        """
        self._require_dataset(dataset_id)
        with _LOCK:
            current = self.get(dataset_id)
            detail = ""
            if current is None:
                current = Access(owner=owner.key, owner_name=owner.label)
                self._write_access(dataset_id, current)
            elif current.owner != owner.key:
                detail = f"uploaded again; it stays owned by {current.owner_name}"
            self._append(dataset_id, AuditEvent(_stamp(), owner.key, "upload", detail))
        return current

    def set(self, dataset_id: str, access: Access, by: User) -> None:
        """Change who may open a dataset (its mode, people and domains); only its owner may,
        and the audit trail records what changed. The owner cannot be changed, and the links
        are kept as stored (they change through :meth:`create_link` and
        :meth:`revoke_link` alone, so a stale copy never brings a revoked link back).

        Raises:
            AccessDeniedError: ``by`` is not the owner, or the dataset has no owner.
            ScenarioError: ``access`` names another owner.
            StoreWriteError: the data directory cannot be written.
        """
        self._require_dataset(dataset_id)
        with _LOCK:
            current = self._owned(dataset_id, by)
            if access.owner != current.owner:
                raise ScenarioError("a dataset's owner cannot be changed")
            changed = replace(access, owner_name=by.label, links=current.links)
            if changed == current:
                return
            self._write_access(dataset_id, changed)
            self._append(
                dataset_id,
                AuditEvent(_stamp(), by.key, "access_changed", describe_change(current, changed)),
            )

    def record(self, dataset_id: str, who: str, action: str, detail: str = "") -> None:
        """Add an event to a dataset's audit trail (the oldest go past
        :data:`MAX_AUDIT_EVENTS`). Nothing is recorded for the sample or for an id the store
        does not hold (a guessed id leaves no file behind).

        Raises:
            ScenarioError: ``who`` is empty or has control characters, or ``action`` is not
                one of :data:`ACTIONS`.
            StoreWriteError: the data directory cannot be written.
        """
        _check_key(who, "who did it")
        if action not in ACTIONS:
            raise ScenarioError(f"an audit action is one of {', '.join(ACTIONS)}, got {action!r}")
        if not isinstance(detail, str):
            raise ScenarioError("an audit detail must be text")
        if not _DATASET.fullmatch(dataset_id) or not self._manifest(dataset_id).exists():
            return
        with _LOCK:
            self._append(dataset_id, AuditEvent(_stamp(), who, action, detail))

    def events(self, dataset_id: str) -> tuple[AuditEvent, ...]:
        """The dataset's audit trail, oldest first (empty when it has none).

        Raises:
            ScenarioError: the trail's file is damaged (the next event recorded keeps it aside
                and starts a new one).
            StoreWriteError: it cannot be read now.
        """
        if not _DATASET.fullmatch(dataset_id):
            return ()
        return tuple(self._read_events(dataset_id))

    def create_link(self, dataset_id: str, by: User, days: int, now: int | None = None) -> str:
        """Make a link that opens the dataset for anyone holding it for ``days`` days (1 to
        :data:`MAX_LINK_DAYS`) from ``now`` (Unix seconds; the clock when ``None``), and
        return its signed token. Only the owner may; links already expired are dropped from
        the record, and the audit trail records the new one.

        Raises:
            AccessDeniedError: ``by`` is not the owner, or links cannot be signed here.
            ScenarioError: ``days`` is out of range, or too many links are unexpired.
            StoreWriteError: the data directory cannot be written.
        """
        if type(days) is not int or not 1 <= days <= MAX_LINK_DAYS:
            raise ScenarioError(f"a link lasts 1 to {MAX_LINK_DAYS} days, got {days!r}")
        self._require_dataset(dataset_id)
        now = int(time.time()) if now is None else now
        secret = link_secret(self.root)
        with _LOCK:
            current = self._owned(dataset_id, by)
            live = tuple(link for link in current.links if link.expires_at > now)
            if len(live) >= MAX_LINKS:
                raise ScenarioError(
                    f"this dataset has {len(live)} unexpired links, the most it may have: "
                    "revoke or wait out some first"
                )
            link = SignedLink(secrets.token_hex(8), now + days * _DAY, by.key, now)
            self._write_access(dataset_id, replace(current, links=(*live, link)))
            plural = "day" if days == 1 else "days"
            detail = (
                f"link {link.link_id}: anyone with it may open the dataset for {days} {plural}, "
                f"until {_iso(link.expires_at)} UTC"
            )
            self._append(dataset_id, AuditEvent(_stamp(), by.key, "link_created", detail))
        return sign_link(secret, dataset_id, link.link_id, link.expires_at)

    def revoke_link(self, dataset_id: str, link_id: str, by: User) -> None:
        """End a signed link before it expires; only the owner may (revoking twice does
        nothing more). The audit trail records it.

        Raises:
            AccessDeniedError: ``by`` is not the owner.
            ScenarioError: the dataset has no link with this id.
            StoreWriteError: the data directory cannot be written.
        """
        self._require_dataset(dataset_id)
        with _LOCK:
            current = self._owned(dataset_id, by)
            link = current.link(link_id)
            if link is None:
                raise ScenarioError(f"this dataset has no link {link_id[:40]!r}")
            if link.revoked:
                return
            links = tuple(
                replace(item, revoked=True) if item.link_id == link_id else item
                for item in current.links
            )
            self._write_access(dataset_id, replace(current, links=links))
            self._append(
                dataset_id, AuditEvent(_stamp(), by.key, "link_revoked", f"link {link_id}")
            )

    def open_with_link(self, dataset_id: str, token: str, now: int | None = None) -> SignedLink:
        """The signed link a token names, once it is proven signed for this dataset, unexpired
        at ``now`` (Unix seconds; the clock when ``None``), listed and not revoked. Records
        nothing (the app records the open or the refusal).

        Raises:
            AccessDeniedError: why the link does not open the dataset; ``owner_name`` says
                whom to ask, when the dataset has an owner.
        """
        now = int(time.time()) if now is None else now
        access = self.get(dataset_id)
        if access is None:
            raise AccessDeniedError("this link opens nothing: the dataset has no owner to share it")
        try:
            link_id, expires_at = verify_link(link_secret(self.root), token, dataset_id, now)
        except AccessDeniedError as error:
            raise AccessDeniedError(str(error), access.owner_name) from None
        link = access.link(link_id)
        if link is None or link.expires_at != expires_at:
            raise AccessDeniedError(
                "this link no longer opens the dataset: ask its owner for a new one",
                access.owner_name,
            )
        if link.revoked:
            raise AccessDeniedError(
                "this link was revoked by the dataset's owner", access.owner_name
            )
        return link

    def _path(self, dataset_id: str, suffix: str) -> Path:
        return self.root / "datasets" / f"{dataset_id}{suffix}"

    def _manifest(self, dataset_id: str) -> Path:
        return self._path(dataset_id, ".json")

    def _require_dataset(self, dataset_id: str) -> None:
        """Refuse to write records for the sample or for a dataset the store does not hold."""
        if dataset_id == SAMPLE_DATASET:
            raise AccessDeniedError("the sample data has no owner: everyone signed in may open it")
        if not _DATASET.fullmatch(dataset_id) or not self._manifest(dataset_id).exists():
            raise DatasetNotFoundError(dataset_id)

    def _owned(self, dataset_id: str, by: User) -> Access:
        current = self.get(dataset_id)
        if current is None:
            raise AccessDeniedError(
                "this dataset has no owner (it was uploaded while sign-in was off), so nobody "
                "can change who may open it; upload its files again to own it"
            )
        if by.key != current.owner:
            raise AccessDeniedError(
                f"only the dataset's owner ({current.owner_name}) can change who may open it",
                current.owner_name,
            )
        return current

    def _write_access(self, dataset_id: str, access: Access) -> None:
        document = json.dumps(access.to_dict(), indent=2, allow_nan=False).encode()
        try:
            write_atomically(self._path(dataset_id, ACCESS_SUFFIX), document)
        except OSError as error:
            raise StoreWriteError(
                f"cannot save who may open this dataset: {write_problem_of(error)}"
            ) from None

    def _read_events(self, dataset_id: str) -> list[AuditEvent]:
        try:
            raw = self._path(dataset_id, AUDIT_SUFFIX).read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:
            raise StoreWriteError(
                "the dataset's audit trail cannot be read now "
                f"({error.strerror or type(error).__name__})"
            ) from None
        data = parse_json(raw, "the dataset's audit trail")
        if not isinstance(data, list):
            raise ScenarioError("the dataset's audit trail is damaged: it is not a list")
        try:
            return [AuditEvent.from_dict(item) for item in data]
        except ScenarioError as error:
            raise ScenarioError(f"the dataset's audit trail is damaged: {error}") from None

    def _append(self, dataset_id: str, event: AuditEvent) -> None:
        """Add ``event`` to the trail (hold :data:`_LOCK`); a damaged trail is kept aside."""
        path = self._path(dataset_id, AUDIT_SUFFIX)
        try:
            events = self._read_events(dataset_id)
        except ScenarioError:
            try:
                path.replace(self._path(dataset_id, AUDIT_SET_ASIDE_SUFFIX))
            except OSError as error:
                raise StoreWriteError(
                    f"cannot record this in the audit trail: {write_problem_of(error)}"
                ) from None
            aside = "the earlier trail could not be read; it is kept beside this one"
            events = [AuditEvent(_stamp(), "server", "audit_set_aside", aside)]
        detail = (
            event.detail
            if len(event.detail) <= MAX_DETAIL
            else event.detail[: MAX_DETAIL - 1] + "…"
        )
        events.append(replace(event, detail=detail))
        document = json.dumps(
            [item.to_dict() for item in events[-MAX_AUDIT_EVENTS:]], indent=1, allow_nan=False
        )
        try:
            write_atomically(path, document.encode())
        except OSError as error:
            raise StoreWriteError(
                f"cannot record this in the audit trail: {write_problem_of(error)}"
            ) from None


def describe_change(before: Access, after: Access) -> str:
    """What changed between two access records, in words for the audit trail."""
    parts: list[str] = []
    if before.mode != after.mode:
        parts.append(f"who may open it: {MODE_LABELS[before.mode]} → {MODE_LABELS[after.mode]}")
    for noun, old, new in (
        ("people", before.people, after.people),
        ("domains", before.domains, after.domains),
    ):
        added = [value for value in new if value not in old]
        removed = [value for value in old if value not in new]
        if added:
            parts.append(f"{noun} added: {', '.join(added)}")
        if removed:
            parts.append(f"{noun} removed: {', '.join(removed)}")
    if before.owner_name != after.owner_name:
        parts.append(f"owner's name: {before.owner_name} → {after.owner_name}")
    return "; ".join(parts) or "no change"


def _mac(secret: bytes, dataset_id: str, link_id: bytes, expires: bytes) -> bytes:
    message = b".".join((dataset_id.encode("utf-8"), link_id, expires))
    return hmac.new(secret, message, hashlib.sha256).hexdigest().encode("ascii")


def _read_secret(path: Path) -> bytes:
    try:
        secret = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as error:
        raise AccessDeniedError(
            "signed links cannot be checked now: the server's link secret cannot be read "
            f"({error.strerror or type(error).__name__}); tell whoever runs this server"
        ) from None
    if len(secret) != SECRET_BYTES:
        raise AccessDeniedError(
            f"signed links are off: the server's link secret file is damaged (it must hold "
            f"{SECRET_BYTES} bytes); tell whoever runs this server, who can remove it to make "
            "a new one (which ends every link made so far)"
        )
    return secret


def _make_secret(path: Path) -> None:
    """Write 32 random bytes to ``path`` unless another process did first: a temporary file
    (mode 0600) hard-linked into place, which fails rather than replace a secret links were
    already signed with."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise AccessDeniedError(
            f"signed links are off: {write_problem_of(error)}, so no link secret can be made; "
            f"whoever runs this server can set ${LINK_SECRET_ENV}"
        ) from None
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            temporary.chmod(0o600)
            out.write(secrets.token_bytes(SECRET_BYTES))
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    except OSError as error:
        raise AccessDeniedError(
            f"signed links are off: {write_problem_of(error)}, so no link secret can be made; "
            f"whoever runs this server can set ${LINK_SECRET_ENV}"
        ) from None
    finally:
        temporary.unlink(missing_ok=True)


def _fields(
    data: object, what: str, *, required: tuple[str, ...], optional: tuple[str, ...]
) -> dict[str, Any]:
    """``data`` as a JSON object holding every required key and no unknown one."""
    if not isinstance(data, dict):
        raise ScenarioError(f"{what} must be a JSON object")
    missing = [key for key in required if key not in data]
    unknown = sorted(str(key) for key in data if key not in required + optional)
    if missing:
        raise ScenarioError(f"{what} has no {', '.join(missing)}")
    if unknown:
        raise ScenarioError(f"{what} has unknown entries: {', '.join(unknown)}")
    return cast("dict[str, Any]", data)


def _sequence(value: object, name: str) -> tuple[object, ...]:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise ScenarioError(f"an access record's {name} must be a list")
    return tuple(value)


def _not_a_link() -> SignedLink:
    raise ScenarioError("an access record's links must be signed links")


def _unique(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _person(value: object) -> str:
    email = normal_email(value) if isinstance(value, str) else None
    if email is None:
        raise ScenarioError(f"{_shown(value)} is not an email address (name@example.com)")
    return email


def _domain(value: object) -> str:
    cleaned = value.strip().lower().removeprefix("@") if isinstance(value, str) else ""
    if not _DOMAIN.fullmatch(cleaned):
        raise ScenarioError(f"{_shown(value)} is not an email domain (example.com)")
    return cleaned


def _check_key(value: object, what: str) -> None:
    if (
        not isinstance(value, str)
        or not value.strip()
        or len(value) > MAX_KEY
        or _has_control(value)
    ):
        raise ScenarioError(
            f"{what} must be a user's email address or id (text of 1 to {MAX_KEY} characters, "
            "no control characters)"
        )


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char).startswith("C") for char in text)


def _plain(text: str, limit: int) -> str:
    """``text`` without control characters or surrounding spaces, cut at ``limit``."""
    kept = "".join(char for char in text if not unicodedata.category(char).startswith("C"))
    kept = kept.strip()
    return kept if len(kept) <= limit else kept[: limit - 1] + "…"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _iso(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M")
