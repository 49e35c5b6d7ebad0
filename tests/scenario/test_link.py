"""Share links: lossless, compact, versioned, and safe against damaged or hostile input."""

from __future__ import annotations

import base64
import zlib

import pytest
from hypothesis import given, settings
from strategies import any_scenarios

import econ
from econ.scenario.link import (
    LINK_VERSION,
    decode_link,
    decode_scenario,
    encode_link,
    encode_scenario,
)


@pytest.mark.slow
@settings(max_examples=150)
@given(any_scenarios())
def test_every_scenario_survives_a_link(scenario: econ.Scenario) -> None:
    link = decode_link(encode_link("sample", scenario, "segment-ltv"))
    assert link.problems == ()
    assert link.scenario == scenario
    assert link.dataset_id == "sample"
    assert link.page == "segment-ltv"


def test_links_are_short_and_url_safe() -> None:
    token = encode_scenario(econ.sample_scenario())
    assert len(token) < 400
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert len(encode_scenario(econ.Scenario())) < 40  # defaults are left out


def test_old_links_without_newer_fields_still_open() -> None:
    old = {"version": 1, "segment_by": "plan"}  # written before any later field existed
    token = base64.urlsafe_b64encode(zlib.compress(str(old).replace("'", '"').encode()))
    assert decode_scenario(token.decode().rstrip("=")) == econ.Scenario(segment_by="plan")


def test_a_link_from_a_newer_version_is_refused_not_misread() -> None:
    link = decode_link({"v": str(LINK_VERSION + 1), "data": "sample", "s": "x"})
    assert link.scenario is None and link.dataset_id is None
    assert "newer version" in link.problems[0]


def test_damaged_scenarios_become_messages() -> None:
    good = encode_scenario(econ.Scenario(churn=0.05))
    for damaged in (good[:-5], "!!!", good[::-1], "A" * 20):
        link = decode_link({"v": "1", "data": "sample", "s": damaged})
        assert link.scenario is None
        assert "could not be used" in link.problems[0]


def test_an_out_of_range_value_in_a_link_is_a_message() -> None:
    token = base64.urlsafe_b64encode(zlib.compress(b'{"churn": 7}')).decode()
    link = decode_link({"v": "1", "data": "sample", "s": token})
    assert link.scenario is None
    assert "churn must be between 0 and 1" in link.problems[0]


def test_a_compressed_bomb_is_refused() -> None:
    bomb = zlib.compress(b'{"segment_by": "' + b"a" * 5_000_000 + b'"}', 9)
    token = base64.urlsafe_b64encode(bomb).decode()
    assert len(token) < 20_000
    link = decode_link({"v": "1", "s": token})
    assert link.scenario is None
    assert "too large" in link.problems[0]


def test_dataset_ids_and_pages_are_checked() -> None:
    assert decode_link({"data": "0123456789abcdef0123456789abcdef"}).dataset_id is not None
    for hostile in ("../x", "sample/../../etc", "ABCDEF", "0" * 31):
        link = decode_link({"data": hostile})
        assert link.dataset_id is None
        assert "malformed" in link.problems[0]
    assert decode_link({"page": "<script>"}).page is None


def test_a_signed_links_key_is_read_and_written_back() -> None:
    token = "MDEyMzQ1Njc4OWFiY2RlZi4xNzAwMDAwMDAwLm1hYw"
    params = encode_link("sample", econ.Scenario(), key=token)
    assert params["key"] == token
    link = decode_link(params)
    assert link.key == token and link.problems == ()
    assert "key" not in encode_link("sample", econ.Scenario())
    assert decode_link({"data": "sample"}).key is None


@pytest.mark.parametrize("hostile", ["", "a b", "<script>", "k" * 201, "ok\n"])
def test_a_malformed_key_is_dropped_with_a_message(hostile: str) -> None:
    link = decode_link({"data": "sample", "key": hostile})
    assert link.key is None
    assert link.problems == ("This link's access key is malformed; it is not used.",)


def test_no_parameters_means_defaults_without_complaint() -> None:
    assert decode_link({}) == econ.scenario.link.DecodedLink(None, None, (), None)


def test_a_link_whose_scenario_nests_thousands_deep_says_so() -> None:
    deep = ('{"levers": ' * 3_000 + "1" + "}" * 3_000).encode()
    token = base64.urlsafe_b64encode(zlib.compress(deep, 9)).rstrip(b"=").decode()
    decoded = decode_link({"s": token})
    assert decoded.scenario is None
    assert any("nests deeper than 32 levels" in problem for problem in decoded.problems)


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"v": "²"}, "is not one this app knows"),
        ({"v": "9" * 5_000}, "is not one this app knows"),
        ({"v": "1", "data": "sample\n"}, "dataset id is malformed"),
        ({"v": "1", "page": "segment-ltv\n"}, "page is malformed"),
        ({"v": "1", "s": "cac_usd"}, "could not be used"),
    ],
)
def test_hostile_parameters_become_notices(params: dict[str, str], said: str) -> None:
    decoded = decode_link(params)
    assert any(said in problem for problem in decoded.problems), decoded.problems
    assert all(len(problem) < 400 for problem in decoded.problems)


@pytest.mark.parametrize(
    ("scenario", "said"),
    [
        (b'{"cac_usd": 1' + b"0" * 400 + b"}", "cac_usd must be a finite number"),
        (b'{"cac_usd": 1' + b"0" * 5_000 + b"}", "could not be used"),
        (b'{"months": ["0000-01", "0000-02"]}', "months must fall in 1990 or later"),
        ('{"months": ["٢٠٢٦-٠١", "٢٠٢٦-٠٢"]}'.encode(), "months must be"),
    ],
)
def test_hostile_scenarios_in_a_link_become_notices(scenario: bytes, said: str) -> None:
    token = base64.urlsafe_b64encode(zlib.compress(scenario, 9)).rstrip(b"=").decode()
    decoded = decode_link({"v": "1", "s": token})
    assert decoded.scenario is None
    assert any(said in problem for problem in decoded.problems), decoded.problems
