"""One error hierarchy: every error the package raises on purpose derives from ``EconError``,
keeps the built-in type callers already catch, and says what went wrong in words."""

from __future__ import annotations

import inspect

import pytest

import econ
from econ import errors
from econ.errors import (
    AccessDeniedError,
    DatasetNotFoundError,
    EconError,
    InputError,
    Problem,
    ReportRenderError,
    SavedScenarioNotFoundError,
    ScenarioError,
    StaleCustomerMonthsError,
    StoreWriteError,
    UnknownNameError,
)
from econ.storage import store

ERRORS = [
    value
    for value in vars(errors).values()
    if inspect.isclass(value) and issubclass(value, BaseException) and value is not EconError
]


def test_the_module_defines_the_errors_it_documents() -> None:
    assert set(ERRORS) == {
        InputError,
        ScenarioError,
        DatasetNotFoundError,
        StoreWriteError,
        UnknownNameError,
        StaleCustomerMonthsError,
        ReportRenderError,
        SavedScenarioNotFoundError,
        AccessDeniedError,
    }
    assert errors.__doc__ is not None
    for error in [EconError, *ERRORS]:
        assert error.__name__ in errors.__doc__


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: error.__name__)
def test_every_error_derives_from_the_base(error: type[Exception]) -> None:
    assert issubclass(error, EconError)
    assert issubclass(EconError, Exception)


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (InputError, ValueError),
        (ScenarioError, ValueError),
        (StaleCustomerMonthsError, ValueError),
        (DatasetNotFoundError, LookupError),
        (UnknownNameError, KeyError),
    ],
)
def test_each_error_keeps_the_builtin_type_callers_catch(
    error: type[Exception], builtin: type[Exception]
) -> None:
    assert issubclass(error, builtin)


def test_the_store_errors_are_still_importable_from_the_store() -> None:
    assert store.DatasetNotFoundError is DatasetNotFoundError
    assert store.StoreWriteError is StoreWriteError


PROBLEM = Problem("usage.csv", "cost_usd", "must be at least 0", count=2, example={"cost_usd": -1})


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            InputError([PROBLEM]),
            "usage.csv: column 'cost_usd': must be at least 0 (2 rows break this rule; "
            "for example cost_usd=-1).",
        ),
        (ScenarioError("churn must be between 0 and 1, got 1.5"), None),
        (StoreWriteError("cannot be read now: the disk is full"), None),
        (
            StaleCustomerMonthsError(
                "these customer-months were built for another window, prices, segmentation "
                "or burdens; build them from this scenario"
            ),
            None,
        ),
        (DatasetNotFoundError("0123456789abcdef0123456789abcdef"), None),
        (AccessDeniedError("this link was revoked by the dataset's owner", "Ann"), None),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else "as given",
)
def test_messages_are_the_words_given(error: EconError, message: str | None) -> None:
    expected = message if message is not None else error.args[0]
    with pytest.raises(EconError) as caught:
        raise error
    assert str(caught.value) == expected
    assert type(error).__name__ not in expected


def test_an_unknown_name_reads_like_the_key_error_it_was() -> None:
    error = UnknownNameError("no segment 'enterprise'; segments are ['light', 'all']")
    assert error.args == ("no segment 'enterprise'; segments are ['light', 'all']",)
    assert str(error) == str(KeyError(error.args[0]))
    with pytest.raises(KeyError, match="no segment 'enterprise'"):
        raise error


def test_an_access_refusal_names_whom_to_ask() -> None:
    refusal = AccessDeniedError("this dataset is not shared with you", owner_name="Ann Owner")
    assert refusal.owner_name == "Ann Owner"
    assert refusal.args == ("this dataset is not shared with you",)
    assert AccessDeniedError("the access record is damaged").owner_name is None
    assert not issubclass(AccessDeniedError, OSError)  # never caught as a disk failure
    assert econ.AccessDeniedError is AccessDeniedError


def test_an_input_error_needs_a_problem() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        InputError([])


def test_the_base_and_the_report_errors_are_public() -> None:
    assert econ.EconError is EconError
    for name in ("InputError", "ScenarioError", "DatasetNotFoundError", "UnknownNameError"):
        assert issubclass(getattr(econ, name), econ.EconError)
    dataset = econ.load_dataset(*econ.sample_paths())
    report = econ.analyze_dataset(dataset, econ.Scenario())
    with pytest.raises(econ.UnknownNameError, match="no segment 'nobody'"):
        report.segment("nobody")
    with pytest.raises(econ.UnknownNameError, match="no feature 'nothing'"):
        report.feature("nothing")
    by_tier = econ.build_customer_months(dataset, econ.Scenario())
    with pytest.raises(econ.StaleCustomerMonthsError, match="built for another"):
        econ.analyze_customer_months(by_tier, econ.Scenario(segment_by="plan"))
