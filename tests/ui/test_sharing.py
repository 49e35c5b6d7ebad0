"""What the owner types to share a dataset: email addresses and domains, read leniently but
never guessed (anything else is handed back, and nothing is saved)."""

from __future__ import annotations

from ui.sharing import recipients


def test_people_and_domains_are_lowercased_once_each_in_order() -> None:
    typed = recipients("Ben@Example.org, ana@example.com\nben@example.org", "@Example.com; b.io")
    assert typed.people == ("ben@example.org", "ana@example.com")
    assert typed.domains == ("example.com", "b.io")
    assert typed.rejected == ()


def test_anything_else_is_handed_back() -> None:
    typed = recipients("ben, @example.com, a@b", "localhost example..com x@y.z")
    assert typed.people == ()
    assert typed.domains == ()
    assert typed.rejected == ("ben", "@example.com", "a@b", "localhost", "example..com", "x@y.z")


def test_nothing_typed_is_nobody() -> None:
    assert recipients("  \n ", "") == recipients("", "")
    assert recipients("", "").people == recipients("", "").domains == ()
