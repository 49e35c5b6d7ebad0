"""The model-swap edit of the Tiers & pricing page: a feature's swap set, replaced and taken
out of the simulated price book, nothing else in it touched."""

from __future__ import annotations

import econ
from ui import controls

BOOK = econ.PriceBook(cost_multipliers={"chat": 0.5}, model_swaps={"search": "o3"})
SCENARIO = econ.Scenario(price_book=BOOK)


def test_a_swap_is_set_replaced_and_taken_out() -> None:
    swapped = controls.book_model_swap(SCENARIO, "gpt-4o-mini", "chat")
    assert swapped.price_book.model_swaps == {"search": "o3", "chat": "gpt-4o-mini"}
    assert swapped.price_book.cost_multipliers == {"chat": 0.5}  # the typed fallback stays
    replaced = controls.book_model_swap(swapped, "gpt-4.1-nano", "chat")
    assert replaced.price_book.model_swaps["chat"] == "gpt-4.1-nano"
    removed = controls.book_model_swap(replaced, None, "chat")
    assert removed.price_book == BOOK
    assert controls.book_model_swap(SCENARIO, "", "search").price_book.model_swaps == {}
