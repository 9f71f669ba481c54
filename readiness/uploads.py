"""What an uploaded photo or PDF really is, judged by its content, not its name.

Shared by every line of work that takes evidence (verification, inspections)."""

from __future__ import annotations

import re
import secrets
import uuid
from io import BytesIO

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import models
from django.http import FileResponse, Http404
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

# Pillow format -> (content type, extension) of the images accepted as evidence.
IMAGE_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


# What Pillow raises on a file it cannot decode.
_UNREADABLE = (
    UnidentifiedImageError,
    Image.DecompressionBombError,
    OSError,
    SyntaxError,
    ValueError,
)


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
    except _UNREADABLE:
        return None
    return kind


# --- thumbnails -------------------------------------------------------------------
# A page lists a finding's or an item's photos as thumbnails, and the PDFs print them
# small: a 10 MB phone photo is made once, at upload, into a JPEG of at most
# THUMBNAIL_BOX pixels on its long side and stored beside the original.

# Sharp at 160 CSS pixels on a 3x phone screen, and at 4 cm in print (about 300 dpi).
THUMBNAIL_BOX = 480


def thumbnail(data: bytes) -> ContentFile | None:
    """The photo as a small JPEG, turned upright by its EXIF orientation and carrying
    none of its metadata (a phone's EXIF can say where the photo was taken); None for
    a PDF or anything that is not a readable photo."""
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format not in IMAGE_TYPES:
                return None
            # A JPEG decodes straight at a fraction of its size: a 12-megapixel photo
            # costs a few milliseconds instead of a full decode.
            image.draft("RGB", (THUMBNAIL_BOX, THUMBNAIL_BOX))
            small = ImageOps.exif_transpose(image)
            small.thumbnail((THUMBNAIL_BOX, THUMBNAIL_BOX), Image.Resampling.LANCZOS)
            if small.mode in ("RGBA", "LA", "P", "PA"):
                # A transparent PNG is laid on white: JPEG has no transparency.
                rgba = small.convert("RGBA")
                small = Image.new("RGB", rgba.size, "white")
                small.paste(rgba, mask=rgba.getchannel("A"))
            out = BytesIO()
            small.convert("RGB").save(out, "JPEG", quality=80, optimize=True, progressive=True)
    except _UNREADABLE:
        return None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


class StoredUpload:
    """What the pages ask of any stored upload (evidence, a finding's photo, a
    report's evidence): the model gives ``file``, ``thumbnail``, ``content_type``
    and the two URLs of its scoped view."""

    @property
    def is_photo(self) -> bool:
        return self.content_type.startswith("image/")


def attach_thumbnail(piece: models.Model, data: bytes) -> None:
    """Stores the thumbnail of ``data`` on ``piece`` (not saved); nothing for a PDF."""
    small = thumbnail(data)
    if small is not None:
        piece.thumbnail.save(small.name, small, save=False)


def _thumbnail_of(piece: models.Model):
    """The stored thumbnail of an upload, made now and kept if the upload predates
    thumbnails; None for a PDF."""
    if piece.thumbnail:
        return piece.thumbnail
    if not piece.content_type.startswith("image/"):
        return None
    with piece.file.open("rb") as original:
        small = thumbnail(original.read())
    if small is None:
        return None
    piece.thumbnail.save(small.name, small, save=False)
    # Two first views at once each made one: the first stored wins, the other's
    # file goes.
    kept = (
        type(piece)
        .objects.filter(pk=piece.pk, thumbnail="")
        .update(thumbnail=piece.thumbnail.name)
    )
    if not kept:
        piece.thumbnail.delete(save=False)
        piece.refresh_from_db(fields=["thumbnail"])
    return piece.thumbnail


def upload_response(piece: models.Model, *, small: bool = False) -> FileResponse:
    """An upload (or its thumbnail) as the response of the scoped view that found it.
    The content type is the one judged at upload; nothing in the file may run."""
    if small:
        stored = _thumbnail_of(piece)
        if stored is None:
            raise Http404
        response = FileResponse(stored.open("rb"), content_type="image/jpeg")
    else:
        response = FileResponse(piece.file.open("rb"), content_type=piece.content_type)
    response["Content-Disposition"] = "inline"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'"
    # Uploads never change once stored: the browser keeps them, for this user only.
    response["Cache-Control"] = "private, max-age=86400"
    return response


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
