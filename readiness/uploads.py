"""What an uploaded photo or PDF really is, judged by its content, not its name.

Shared by every line of work that takes evidence (verification, inspections)."""

from __future__ import annotations

from io import BytesIO

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
