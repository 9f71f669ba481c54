"""What an uploaded photo or PDF really is, judged by its content, not its name.

Shared by every line of work that takes evidence (verification, inspections)."""

from __future__ import annotations

import re
import secrets
from io import BytesIO

from django.core.cache import cache
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

# Pillow format -> (content type, extension) of the images accepted as evidence.
IMAGE_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


def is_pdf(data: bytes) -> bool:
    """A PDF with at least one page, as a PDF reader sees it: the magic bytes
    alone would let an HTML page dressed as a PDF through."""
    if not data.startswith(b"%PDF-"):
        return False
    try:
        return len(PdfReader(BytesIO(data)).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError):
        return False


def sniff_evidence(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a photo or PDF, or None for anything else."""
    if is_pdf(data):
        return "application/pdf", "pdf"
    try:
        with Image.open(BytesIO(data)) as image:
            kind = IMAGE_TYPES.get(image.format or "")
            image.verify()  # a truncated or corrupt image fails here
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ):
        return None
    return kind


# --- uploads held across a refused form ------------------------------------------
# A browser cannot put a file back into a file input, so a form refused for another
# field would make the user choose the file again. An accepted upload is held in the
# cache (Redis in production) under a random token for a few hours, keyed by its
# user, and the form posts the token back instead of the file.

HELD_SECONDS = 4 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def upload_hold(*, user, name: str, data: bytes) -> str:
    """Keeps an accepted upload for ``user``; returns the token that finds it again."""
    token = secrets.token_urlsafe(18)
    cache.set(f"held-upload:{user.pk}:{token}", (name, data), HELD_SECONDS)
    return token


def upload_held(*, user, token: str) -> tuple[str, bytes] | None:
    """The upload ``user`` held under ``token``, or None (expired, unknown, another user's)."""
    if not token or not _TOKEN.fullmatch(token):
        return None
    return cache.get(f"held-upload:{user.pk}:{token}")
