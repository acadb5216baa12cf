"""Real code lists: ISO 3166-1 countries, ISO 4217 currencies, BCP 47 language tags.

The lists come from the `pycountry` package (ISO's own tables); they are loaded once and kept
as frozensets so validation is a set lookup.
"""

from __future__ import annotations

import re
from functools import cache

import pycountry


@cache
def countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes."""
    return frozenset(c.alpha_2 for c in pycountry.countries)


@cache
def currencies() -> frozenset[str]:
    """ISO 4217 alphabetic codes."""
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@cache
def _languages() -> frozenset[str]:
    codes = set()
    for lang in pycountry.languages:
        codes.add(lang.alpha_3)
        alpha_2 = getattr(lang, "alpha_2", None)
        if alpha_2:
            codes.add(alpha_2)
    return frozenset(codes)


# BCP 47 (RFC 5646 §2.1): language[-script][-region][-variant...]; we check the shape and
# that the primary language subtag is a real ISO 639 code.
_BCP47 = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8})*$")


def is_country(code: str) -> bool:
    """True when `code` is an ISO 3166-1 alpha-2 country code."""
    return code in countries()


def is_currency(code: str) -> bool:
    """True when `code` is an ISO 4217 currency code."""
    return code in currencies()


def is_language(tag: str) -> bool:
    """True when `tag` is a BCP 47 tag whose primary language is an ISO 639 code."""
    return bool(_BCP47.match(tag)) and tag.split("-", 1)[0] in _languages()


def primary_language(tag: str) -> str:
    """The primary language subtag of a BCP 47 tag (`ne-NP` → `ne`)."""
    return tag.split("-", 1)[0].lower()
