"""The checks every scenario value passes through: each refusal names the value's JSON path."""

from __future__ import annotations

import pytest

from econ.errors import ScenarioError
from econ.scenario import values


class TestNumbers:
    def test_a_number_in_range_is_kept(self) -> None:
        assert values.number(12.5, "cac_usd") == 12.5

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (True, "cac_usd must be a number, got True"),
            ("12", "cac_usd must be a number, got '12'"),
            (10**400, "cac_usd must be a finite number, got 1" + "0" * 58 + "…"),
            (-1.0, "cac_usd must be between 0 and 1,000,000,000, got -1"),
            (2e9, "cac_usd must be between 0 and 1,000,000,000, got 2,000,000,000"),
            (1e20, "cac_usd must be between 0 and 1,000,000,000, got 1e+20"),
        ],
    )
    def test_refusals_say_what_and_why(self, value: object, message: str) -> None:
        with pytest.raises(ScenarioError) as caught:
            values.number(value, "cac_usd")
        assert str(caught.value) == message

    def test_an_integer_too_long_to_print_is_described(self) -> None:
        with pytest.raises(ScenarioError) as caught:
            values.number(10**5000, "cac_usd")
        assert str(caught.value) == (
            "cac_usd must be a finite number, got a number with too many digits"
        )

    def test_a_long_value_is_cut_in_the_message(self) -> None:
        with pytest.raises(ScenarioError) as caught:
            values.number("x" * 500, "churn")
        assert str(caught.value).endswith("…") and len(str(caught.value)) < 120


class TestJson:
    def test_brackets_inside_text_do_not_count_as_nesting(self) -> None:
        text = '{"name": "' + "[" * 100 + '\\"{{{{"}'
        assert values.parse_json(text, "the scenario") == {"name": "[" * 100 + '"{{{{'}

    def test_deep_nesting_is_refused_before_parsing(self) -> None:
        with pytest.raises(ScenarioError, match="nests deeper than 32 levels"):
            values.parse_json("[" * 33 + "]" * 33, "the scenario")

    def test_thirty_two_levels_are_fine(self) -> None:
        assert values.parse_json("[" * 32 + "]" * 32, "the scenario") is not None

    def test_bytes_that_are_not_json(self) -> None:
        with pytest.raises(ScenarioError, match="the scenario is not valid JSON"):
            values.parse_json(b"\xff\xfe{", "the scenario")


class TestShapes:
    def test_maps_need_text_keys(self) -> None:
        with pytest.raises(ScenarioError, match=r"prices keys must be non-empty text, got ''"):
            values.mapping({"": 1.0}, "prices")
        with pytest.raises(ScenarioError, match=r"prices must be a map, got \[1\]"):
            values.mapping([1], "prices")

    def test_number_maps_check_each_value_by_its_key(self) -> None:
        assert dict(values.number_map({"Pro": 99}, "prices")) == {"Pro": 99}
        with pytest.raises(ScenarioError, match=r"prices\['Pro'\] must be a number"):
            values.number_map({"Pro": "99"}, "prices")

    def test_names_are_sorted_unique_and_non_empty(self) -> None:
        assert values.names(["b", "a", "b"], "removed") == ("a", "b")
        with pytest.raises(ScenarioError, match="removed must list non-empty names, got ''"):
            values.names(["a", ""], "removed")
        with pytest.raises(ScenarioError, match="removed must be a list, got 'a'"):
            values.names("a", "removed")

    def test_unknown_keys_are_refused_with_the_known_ones(self) -> None:
        with pytest.raises(ScenarioError) as caught:
            values.known_keys({"churn": 0.1, "chrun": 0.2}, "the scenario", ("churn", "cac_usd"))
        assert str(caught.value) == (
            "unknown keys in the scenario: ['chrun']; the keys are ['cac_usd', 'churn']"
        )
        with pytest.raises(ScenarioError, match="the scenario must be a JSON object, got 3"):
            values.known_keys(3, "the scenario", ())

    def test_frozen_maps_are_read_only(self) -> None:
        frozen = values.freeze({"a": 1})
        with pytest.raises(TypeError):
            frozen["a"] = 2  # type: ignore[index]
