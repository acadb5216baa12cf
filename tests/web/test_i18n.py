"""The worker's languages: every worker-facing string translated in every language, placeholders
kept, no English left in place; the language chosen as the worker would expect; right-to-left
layout; dates and money written the locale's way."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from fairpath.web import i18n

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
#: Words that are the same in the language as in English (loanwords in everyday use).
SAME_AS_ENGLISH = {
    "*": {"PIN"},
    "tl": {
        "Bank card",
        "Employer",
        "Payslip",
        "Work permit",
        "Worker card",
        "employer",
        "insurance",
        "medical check",
        "placement fee",
        "recruitment agency",
        "service fee",
        "travel agent",
        "visa",
        "work permit",
    },
    "id": {"PIN", "Total:", "visa"},
}
#: Unicode script (the start of the character name) a translation must mostly be written in.
SCRIPTS = {"ne": "DEVANAGARI", "hi": "DEVANAGARI", "bn": "BENGALI", "my": "MYANMAR"}


@pytest.fixture(scope="module")
def sources() -> dict[str, list[str]]:
    return i18n.extract_messages()


@pytest.mark.parametrize("lang", i18n.REQUIRED)
def test_every_worker_facing_string_is_translated(lang: str, sources: dict[str, list[str]]) -> None:
    catalogue = i18n.read_catalogue(lang)
    missing = []
    for msgid, where in sorted(sources.items()):
        entry = catalogue.get(msgid)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(f"{msgid!r} ({where[0]})")
    assert not missing, (
        f"{len(missing)} string(s) not translated into {lang}; run "
        f"`python -m fairpath.web.i18n update` and fill in msgstr: " + "; ".join(missing[:20])
    )


@pytest.mark.parametrize("lang", i18n.REQUIRED)
def test_catalogues_hold_no_string_the_pages_no_longer_use(
    lang: str, sources: dict[str, list[str]]
) -> None:
    stale = [m.id for m in i18n.read_catalogue(lang) if m.id and m.id not in sources]
    assert not stale, f"{lang}: unused entries {stale}; run `python -m fairpath.web.i18n update`"


@pytest.mark.parametrize("lang", i18n.REQUIRED)
def test_translations_keep_placeholders_and_are_not_english(lang: str) -> None:
    allowed = SAME_AS_ENGLISH["*"] | SAME_AS_ENGLISH.get(lang, set())
    problems = []
    for message in i18n.read_catalogue(lang):
        if not message.id or not message.string:
            continue
        msgid, text = str(message.id), str(message.string)
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text)):
            problems.append(f"placeholders differ: {msgid!r} → {text!r}")
        if text == msgid and msgid not in allowed:
            problems.append(f"left in English: {msgid!r}")
        script = SCRIPTS.get(lang)
        letters = [c for c in PLACEHOLDER.sub("", text) if c.isalpha()]
        if script and letters:
            share = sum(unicodedata.name(c, "").startswith(script) for c in letters) / len(letters)
            if share < 0.5 and msgid not in allowed:
                problems.append(f"not in {script} script: {text!r}")
    assert not problems, f"{lang}: " + "; ".join(problems)


def test_every_language_compiles_and_translates() -> None:
    for lang in i18n.REQUIRED:
        language = i18n.language(lang)
        assert language.gettext("My contract") != "My contract", lang
    assert i18n.language("en").gettext("My contract") == "My contract"


def test_the_language_is_the_switchers_then_the_records_then_the_browsers() -> None:
    assert i18n.choose("vi", ["ne"], "hi") == "vi"
    assert i18n.choose(None, ["ne", "en"], "hi") == "ne"
    assert i18n.choose(None, ["ms", "bn-BD"], "hi") == "bn"  # Malay has no catalogue
    assert i18n.choose(None, [], "fr;q=0.9, id;q=0.8, hi;q=0.1") == "id"
    assert i18n.choose(None, [], "fil-PH") == "tl"  # Babel's Filipino is our Tagalog
    assert i18n.choose("xx", [], "") == "en"
    assert i18n.choose(None, [], "ar-EG, en;q=0.5") == "ar"


def test_right_to_left_locales_are_laid_out_right_to_left() -> None:
    assert i18n.language("ar").direction == "rtl"
    assert i18n.language("ur").direction == "rtl"
    assert {i18n.language(code).direction for code in i18n.LANGUAGES} == {"ltr"}


def test_the_portal_css_uses_logical_properties_only() -> None:
    css = (Path(i18n.__file__).parent / "static" / "style.css").read_text()
    portal = css[css.index("--- worker portal") :]
    physical = re.findall(
        r"(?:margin|padding|border)-(?:left|right)|(?<![\w-])(?:left|right)\s*:|text-align:\s*"
        r"(?:left|right)|float:\s*(?:left|right)",
        portal,
    )
    assert not physical, f"the portal's CSS would not mirror for right-to-left: {physical}"


def test_dates_numbers_and_money_are_written_the_locales_way() -> None:
    from datetime import date
    from decimal import Decimal

    day = date(2025, 1, 5)
    assert "जनवरी" in i18n.language("ne").date(day)
    assert "जनवरी" in i18n.language("hi").date(day)
    assert "জানুয়ারী" in i18n.language("bn").date(day)
    assert i18n.language("vi").money(Decimal("1800"), "MYR") == "1.800,00\xa0MYR"
    assert i18n.language("id").number(Decimal("85000")) == "85.000"
    assert i18n.language("en").money(Decimal("1800"), "MYR") == "MYR1,800.00"
    assert i18n.language("ne").country("MY") != "Malaysia"
