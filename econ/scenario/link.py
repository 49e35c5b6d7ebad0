"""Share links: the dataset and the whole scenario, as URL query parameters.

A link carries ``v`` (the link format version), ``data`` (a dataset id), ``s`` (the scenario's
JSON, without the keys that hold their defaults, zlib-compressed and base64url-encoded) and,
optionally, ``page`` (the page to open, so links can point at the app's root URL), ``customer``
(the customer whose P&L the customer view shows) and ``compare`` (the saved scenarios a
comparison shows, the baseline first, as their ids joined by ``.``) and ``key`` (a signed
link's token, when sign-in is on: it lets whoever holds the link open the dataset until the link
expires or its owner revokes it; the app checks it, this module only reads it). Fields
added to the scenario later take their defaults when an old link is opened; a link from a
newer format is refused with a message rather than misread.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from econ.errors import ScenarioError
from econ.scenario.assumptions import Scenario
from econ.scenario.values import parse_json

LINK_VERSION: Final = 1
VERSION_PARAM: Final = "v"
DATASET_PARAM: Final = "data"
SCENARIO_PARAM: Final = "s"
PAGE_PARAM: Final = "page"
CUSTOMER_PARAM: Final = "customer"
COMPARE_PARAM: Final = "compare"
KEY_PARAM: Final = "key"
"""A signed link's token (see the module docstring)."""
MAX_KEY: Final = 200
"""The longest signed-link token a link may carry (tokens are about 70 characters)."""
MAX_COMPARED: Final = 5
"""The most saved scenarios a comparison shows (the baseline included)."""
MAX_CUSTOMER_ID: Final = 200
"""The longest customer id a link may carry (ids are free text from the revenue table)."""

SAMPLE_DATASET: Final = "sample"
_DATASET_ID: Final = re.compile(r"sample|[0-9a-f]{32}")
_PAGE: Final = re.compile(r"[a-z0-9-]{1,40}")
_VERSION: Final = re.compile(r"[0-9]{1,6}")
_KEY: Final = re.compile(rf"[A-Za-z0-9_=.-]{{1,{MAX_KEY}}}")
_SAVED_ID: Final = re.compile(r"[0-9a-f]{32}")
"""Each parameter's whole text must match (``fullmatch``: no trailing newline, ASCII only)."""
_MAX_SCENARIO_BYTES: Final = 256 * 1024
"""Decompressed scenarios larger than this are refused (a link cannot hold a zip bomb)."""


@dataclass(frozen=True)
class DecodedLink:
    """What a link asked for. ``None`` fields fall back to the defaults; ``problems`` says why."""

    dataset_id: str | None
    scenario: Scenario | None
    problems: tuple[str, ...]
    page: str | None = None
    customer: str | None = None
    compare: tuple[str, ...] = ()
    key: str | None = None
    """A signed link's token, unchecked (the app verifies it before opening the dataset)."""


def encode_scenario(scenario: Scenario) -> str:
    """The compact, URL-safe form of a scenario."""
    defaults = Scenario().to_dict()
    changed = {
        key: value
        for key, value in scenario.to_dict().items()
        if key == "version" or value != defaults[key]
    }
    raw = json.dumps(changed, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode("ascii")


def decode_scenario(token: str) -> Scenario:
    """Read :func:`encode_scenario`'s output; raise :class:`ScenarioError` if it is damaged."""
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, _MAX_SCENARIO_BYTES)
        if inflater.unconsumed_tail:
            raise ScenarioError("the link's scenario is too large")
        if not inflater.eof:
            raise ValueError("truncated")
        data: Any = parse_json(raw, "the link's scenario")
    except (binascii.Error, ValueError, zlib.error) as error:
        if isinstance(error, ScenarioError):
            raise
        raise ScenarioError("the link's scenario is damaged (was it cut short?)") from None
    return Scenario.from_dict(data)


def encode_link(
    dataset_id: str,
    scenario: Scenario,
    page: str | None = None,
    *,
    customer: str | None = None,
    compare: tuple[str, ...] = (),
    key: str | None = None,
) -> dict[str, str]:
    """Query parameters that reproduce this dataset and scenario (and page, customer,
    comparison and signed link's token, if given)."""
    params = {
        VERSION_PARAM: str(LINK_VERSION),
        DATASET_PARAM: dataset_id,
        SCENARIO_PARAM: encode_scenario(scenario),
    }
    if page:
        params[PAGE_PARAM] = page
    if customer is not None:
        params[CUSTOMER_PARAM] = customer
    if compare:
        params[COMPARE_PARAM] = ".".join(compare)
    if key is not None:
        params[KEY_PARAM] = key
    return params


def decode_link(params: Mapping[str, str]) -> DecodedLink:
    """Read query parameters; every problem becomes a message, never an exception."""
    problems: list[str] = []
    version_text = params.get(VERSION_PARAM)
    if version_text is not None and version_text != str(LINK_VERSION):
        if _VERSION.fullmatch(version_text) and int(version_text) > LINK_VERSION:
            problems.append(
                f"This link was made by a newer version of the app (link format "
                f"{version_text}); showing the defaults instead."
            )
        else:
            shown = version_text if len(version_text) <= 100 else version_text[:99] + "…"
            problems.append(f"This link's version ({shown!r}) is not one this app knows.")
        return DecodedLink(None, None, tuple(problems))

    dataset_id = params.get(DATASET_PARAM)
    if dataset_id is not None and not _DATASET_ID.fullmatch(dataset_id):
        problems.append("This link's dataset id is malformed; showing the sample data instead.")
        dataset_id = None

    page = params.get(PAGE_PARAM)
    if page is not None and not _PAGE.fullmatch(page):
        problems.append("This link's page is malformed; opening the first page instead.")
        page = None

    customer = params.get(CUSTOMER_PARAM)
    if customer is not None and not 0 < len(customer) <= MAX_CUSTOMER_ID:
        problems.append("This link's customer id is empty or too long; no customer is opened.")
        customer = None

    compare = _compared(params.get(COMPARE_PARAM), problems)

    key = params.get(KEY_PARAM)
    if key is not None and not _KEY.fullmatch(key):
        problems.append("This link's access key is malformed; it is not used.")
        key = None

    scenario: Scenario | None = None
    token = params.get(SCENARIO_PARAM)
    if token:
        try:
            scenario = decode_scenario(token)
        except ScenarioError as error:
            problems.append(f"This link's scenario could not be used ({error}); showing defaults.")
    return DecodedLink(dataset_id, scenario, tuple(problems), page, customer, compare, key)


def _compared(text: str | None, problems: list[str]) -> tuple[str, ...]:
    """The saved-scenario ids of a ``compare`` parameter (each once, in order)."""
    if text is None:
        return ()
    ids = tuple(dict.fromkeys(text.split(".")))
    if not all(_SAVED_ID.fullmatch(item) for item in ids) or len(ids) > MAX_COMPARED:
        problems.append(
            f"This link's comparison is malformed (up to {MAX_COMPARED} saved-scenario ids "
            "joined by dots); no comparison is opened."
        )
        return ()
    return ids
