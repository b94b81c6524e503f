"""HTML templates to PDF, with WeasyPrint.

WeasyPrint would happily fetch any URL a template names (http://, file:///etc/...).
Ours may only read the project's static files: ``StaticFilesURLFetcher`` answers
``{% static %}`` URLs from the staticfiles finders and refuses everything else, so a
template (or data pasted into one) cannot make the worker reach the network or the disk.
The one exception: the font files of official documents named by settings
(``safetyzone.documents.fonts``), which templates declare by @font-face. Other fonts come
from fontconfig (Noto Sans CJK SC, Debian's fonts-noto-cjk); WeasyPrint subsets them all,
which keeps a Chinese PDF to a few hundred kilobytes.
"""

import mimetypes
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .fonts import official_font_faces, official_font_files

# Relative URLs in our templates ("/static/...") resolve against this base; nothing is
# ever read from it directly.
BASE_URL = "file:///"


class URLRefused(ValueError):
    """A resource outside the project's static files was asked for."""


class StaticFilesURLFetcher(URLFetcher):
    """Serves only files the staticfiles finders know and the configured font files;
    refuses any other URL."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.static_prefix = urljoin(BASE_URL, settings.STATIC_URL)
        self.font_files = official_font_files()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            # Inline data (a small image in the template) is no fetch at all.
            return super().fetch(url, headers)
        if url in self.font_files:
            path = self.font_files[url]
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        if not url.startswith(self.static_prefix):
            raise URLRefused(f"Only the project's static files may be used: {url}")
        relative = unquote(urlsplit(url[len(self.static_prefix) :]).path)
        parts = relative.split("/")
        if not relative or relative.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise URLRefused(f"Not a static file path: {url}")
        found = finders.find(relative)
        if not found:
            raise URLRefused(f"No such static file: {relative}")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        with open(found, "rb") as source:
            body = source.read()
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesURLFetcher()).write_pdf()


def render_html(template_name: str, context: dict[str, Any]) -> str:
    """The HTML a PDF is made from: ``template_name`` with ``context``.

    The worker has no request, so the text is rendered in the site's language.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            template_name,
            {
                "pdf_font_family": settings.PDF_FONT_FAMILY,
                "official_font_faces": official_font_faces(),
                **context,
            },
        )


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render ``template_name`` with ``context`` and turn it into PDF bytes."""
    return html_to_pdf(render_html(template_name, context))
