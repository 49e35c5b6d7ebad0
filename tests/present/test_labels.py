"""The words a reader sees for the report's identifiers."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from econ.present import labels


def test_identifiers_read_as_words() -> None:
    assert labels.feature_label("deep_research") == "Deep research"
    assert labels.category_label("value_add") == "Value-add"
    assert labels.status_label("above_band") == "Above band"
    assert labels.segment_label("all") == "All customers"
    assert labels.segment_label("power") == "Power users"
    assert labels.segment_label("power", "plan") == "Power"
    assert labels.segmentation_label("usage_tier") == "Usage tier"
    assert labels.segmentation_label("company_size") == "Company size"


def test_names_the_user_wrote_are_kept() -> None:
    assert labels.words("Starter") == "Starter"
    assert labels.words("Pro annual") == "Pro annual"
    assert labels.words("  ") == "—"
    # Model names and codes are names, not snake_case words.
    assert labels.feature_label("gpt-4o-mini") == "gpt-4o-mini"
    assert labels.feature_label("o3") == "o3"
    assert labels.words("javascript:alert(1)") == "javascript:alert(1)"


def test_a_frame_column_is_relabelled_and_nulls_stay_null() -> None:
    frame = pl.DataFrame({"status": ["above_band", None, "negative"], "n": [1, 2, 3]})
    out = labels.labelled(frame, "status")
    assert out["status"].to_list() == ["Above band", None, "Losing money"]
    assert out["n"].to_list() == [1, 2, 3]
    assert labels.labelled(frame, "missing").equals(frame)


def test_segments_follow_their_segmentation() -> None:
    frame = pl.DataFrame({"segment": ["core", "all"]})
    assert labels.labelled(frame, "segment")["segment"].to_list() == ["Core users", "All customers"]
    by_plan = labels.labelled(frame, "segment", segment_by="plan")
    assert by_plan["segment"].to_list() == ["Core", "All customers"]


@given(st.from_regex(labels.SNAKE_CASE, fullmatch=True))
def test_a_snake_case_identifier_reads_as_words(identifier: str) -> None:
    label = labels.words(identifier)
    assert "_" not in label
    assert label[:1] == label[:1].upper()
    assert label.lower().replace(" ", "_") == identifier


@given(st.text(max_size=12))
def test_any_other_name_is_kept_as_written(name: str) -> None:
    if not labels.SNAKE_CASE.fullmatch(name.strip()):
        assert labels.words(name) in {name.strip(), "—"}
