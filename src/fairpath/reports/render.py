"""HTML and PDF/A rendering of our own templates, with nothing fetched from anywhere.

Templates are Jinja2 files inside this package (autoescaped); the stylesheet and the charts are
inlined, so the documents are self-contained. WeasyPrint renders the PDF as PDF/A-3b (archival:
fonts embedded, no external content) with a URL fetcher that refuses every URL, so no template
and no value in the data can make the renderer reach the network or the file system (SSRF).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

PDF_VARIANT = "pdf/a-3b"


@cache
def environment() -> Environment:
    """The Jinja2 environment over this package's templates."""
    return Environment(
        loader=PackageLoader("fairpath.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def stylesheet() -> str:
    return resources.files("fairpath.reports").joinpath("templates/report.css").read_text("utf-8")


def render_html(template: str, context: Mapping[str, Any]) -> str:
    """One of our templates rendered with `context` (plus the stylesheet)."""
    return environment().get_template(template).render(css=stylesheet(), **context)


@cache
def refusing_fetcher() -> Any:
    """A WeasyPrint URL fetcher that refuses every URL: reports are self-contained.

    WeasyPrint (Pango, fonts) loads here, on first use, not when fairpath starts: every CLI
    command would otherwise wait for it.
    """
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 - slow to import, used rarely

    class NoFetching(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
        def __init__(self) -> None:
            super().__init__(allowed_protocols=(), fail_on_errors=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"reports fetch nothing (asked for {url[:80]})")

    return NoFetching


def html_to_pdf(html: str) -> bytes:
    """The HTML as a PDF/A-3b document."""
    from weasyprint import HTML  # noqa: PLC0415 - see refusing_fetcher

    pdf = HTML(string=html, base_url=None, url_fetcher=refusing_fetcher()()).write_pdf(
        pdf_variant=PDF_VARIANT, uncompressed_pdf=False
    )
    assert pdf is not None  # write_pdf returns the bytes when no target is given
    return bytes(pdf)
