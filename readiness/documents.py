"""The one PDF helper: every document of the portal is rendered here.

Django renders the HTML; WeasyPrint lays it out with explicit CJK fonts
(``settings.PDF_FONT_FAMILIES``: WenQuanYi Zen Hei, then Noto Sans CJK SC for
the rare characters it lacks; Debian's fonts-wqy-zenhei and fonts-noto-cjk), so
Chinese comes out as Chinese and is embedded as a subset. The URL fetcher reads only the project's static
and media files: a document never reaches the network.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import mimetypes
import signal
import threading
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import content_disposition_header
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in document templates resolve against this base; nothing is
# ever fetched from it, the fetcher maps its paths onto local files.
BASE_URL = "https://portal.invalid/"


class DocumentError(RuntimeError):
    pass


class DocumentTimeout(DocumentError):
    pass


def _local_path(url: str) -> Path:
    """The file a document URL names, if it is one of the project's own files."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        raise DocumentError(f"refused to read {url}")
    if parts.netloc != urlsplit(BASE_URL).netloc:
        raise DocumentError(f"refused to fetch {url}")
    path = unquote(parts.path)
    if ".." in PurePosixPath(path).parts:
        raise DocumentError(f"refused to fetch {url}")
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path.removeprefix(settings.STATIC_URL))
        if not found:
            static_root = Path(settings.STATIC_ROOT)
            candidate = (static_root / path.removeprefix(settings.STATIC_URL)).resolve()
            if static_root.resolve() in candidate.parents and candidate.is_file():
                return candidate
            raise DocumentError(f"no static file {path}")
        return Path(found)
    if path.startswith(settings.MEDIA_URL):
        media_root = Path(settings.MEDIA_ROOT).resolve()
        candidate = (media_root / path.removeprefix(settings.MEDIA_URL)).resolve()
        if media_root in candidate.parents and candidate.is_file():
            return candidate
        raise DocumentError(f"no media file {path}")
    raise DocumentError(f"refused to fetch {url}")


class LocalFetcher(URLFetcher):
    """Serves static and media files from disk; refuses every other URL."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"https", "data"}, allow_redirects=False)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = _local_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


@contextmanager
def _time_limit(seconds: int):
    """SIGALRM limit where a signal can be delivered (the main thread of a
    gunicorn or Celery worker process); elsewhere (the development server's
    threads) the worker's own timeout is the limit."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def expire(signum, frame):
        raise DocumentTimeout(f"rendering took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# Photos are printed a few centimetres wide: 200 dpi and JPEG quality 80 keep
# them sharp on paper while a notice with photos stays around 100 KB.
PDF_OPTIONS = {"optimize_images": True, "jpeg_quality": 80, "dpi": 200}


def render_html(template_name: str, context: dict) -> str:
    """The document's HTML. The template should extend ``documents/base.html``."""
    context = {"font_families": settings.PDF_FONT_FAMILIES, **context}
    # Documents are official Chinese papers, whatever language the user reads.
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template_name, context)


def _libc_malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc: nothing to hand back
        return None


_malloc_trim = _libc_malloc_trim()


def release_memory() -> None:
    """Hands back what a render used. WeasyPrint leaves a document's boxes, fonts and
    images in reference cycles, which Python frees only at a later full collection,
    and glibc keeps freed pages: a worker grew by 213 MB over ten renders of a
    notice's worth of Chinese. Collected at once and the pages given back, it grows
    by 16 MB (``python -m bench pdf_memory``, side by side). The price is the
    collection's time, paid here rather than at a later automatic collection: about
    80 ms after a render of that size (a collection of the young generations alone
    frees nothing: WeasyPrint's objects have aged by the time it is done)."""
    gc.collect()
    if _malloc_trim is not None:
        _malloc_trim(0)


def html_to_pdf(html: str, *, time_limit: int | None = None) -> bytes:
    limit = settings.PDF_TIME_LIMIT_SECONDS if time_limit is None else time_limit
    try:
        with _time_limit(limit):
            return HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFetcher()).write_pdf(
                **PDF_OPTIONS
            )
    finally:
        release_memory()


def render_pdf(template_name: str, context: dict, *, time_limit: int | None = None) -> bytes:
    """Renders a Django template to PDF bytes."""
    return html_to_pdf(render_html(template_name, context), time_limit=time_limit)


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A rendered PDF shown in the browser, saved under ``filename``."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response
