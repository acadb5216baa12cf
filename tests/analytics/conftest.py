"""Shared fixtures: the packaged law tables and rate table, loaded once."""

from __future__ import annotations

import pytest

from fairpath.data import load_law_book, load_rates
from fairpath.domain.law import LawBook
from fairpath.domain.rates import RateTable


@pytest.fixture(scope="session")
def law() -> LawBook:
    return load_law_book()


@pytest.fixture(scope="session")
def rates() -> RateTable:
    return load_rates()
