"""handlers/collector.py: start-up data frozen, the youngest generation collected less often."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from handlers.collector import YOUNG_THRESHOLD, settle_collector


@pytest.fixture
def collector() -> Iterator[None]:
    """The collector as it was, afterwards (the test process shares it)."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_what_is_loaded_is_frozen_and_young_objects_collected_less_often(
    collector: None,
) -> None:
    kept = [{"loaded": n} for n in range(1000)]  # start-up data: tables, catalogs
    settle_collector()
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
