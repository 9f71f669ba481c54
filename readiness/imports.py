"""What every import shares: the outcome with its row errors, header matching,
and the steps of an import checked before it is confirmed.

Schools (django-import-export), supply receipts (the ledger's own service) and
person files (a streaming COPY import) read differently, but they report the
same way and recognise their columns the same way. Schools and receipts are
small files imported in two passes (``CheckedImport``): checked in the
background, shown, confirmed by their uploader, written the whole file or
nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import override

from .jobs import job_claim, job_fail
from .models import CheckedImport, User


@dataclass
class RowError:
    row: int | None  # the spreadsheet row as users see it (the header is row 1)
    column: str  # the column's label in the user's language, or ""
    message: str


@dataclass
class ImportOutcome:
    """How an import went. ``errors`` keeps the first ``keep`` problems for the
    page; ``error_count`` counts them all."""

    total: int = 0  # data rows read
    new: int = 0
    updated: int = 0
    written: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    keep: int = 500
    preview: list[dict] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    report: bytes = b""  # a csv of every problem, when the import writes one

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < self.keep:
            self.errors.append(RowError(row, column, message))


def choice_spellings(choices: Iterable[tuple[str, object]]) -> dict[str, str]:
    """Each choice's value by its value and by its label in Chinese or English,
    lower-cased: what a spreadsheet cell may say."""
    table = {}
    for value, label in choices:
        table[value] = value
        for lang in ("zh-hans", "en"):
            with override(lang):
                table[str(label).lower()] = value
    return table


class Headers:
    """Recognises a file's header row: each column by its key, or by its label in
    Chinese or English, whatever the case, the order or a leading BOM."""

    def __init__(
        self,
        labels: Mapping[str, Iterable[object]],
        *,
        required: Iterable[str],
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        self.labels = labels
        self.required = tuple(required)
        self._aliases: dict[str, str] = {}
        for key, spellings in labels.items():
            self._aliases[key.lower()] = key
            for spelling in spellings:
                for lang in ("zh-hans", "en"):  # lazy labels read in both languages
                    with override(lang):
                        self._aliases[str(spelling).strip().lower()] = key
        self._aliases.update({k.lower(): v for k, v in (aliases or {}).items()})

    def label(self, key: str) -> str:
        """The column's first label, in the active language."""
        spellings = list(self.labels.get(key, ()))
        return str(spellings[0]) if spellings else key

    def missing_message(self, missing: Iterable[str]) -> str:
        return _("Missing columns: %(columns)s.") % {
            "columns": "、".join(self.label(key) for key in missing)
        }

    def match(self, cells: Iterable[object]) -> tuple[list[str | None], list[str], list[str]]:
        """(the key of each column or None, missing required keys, unknown headers)."""
        keys: list[str | None] = []
        unknown: list[str] = []
        for cell in cells:
            text = str(cell or "").strip().lstrip("\ufeff")
            key = self._aliases.get(text.lower())
            if key is None and text:
                unknown.append(text)
            keys.append(key)
        missing = [key for key in self.required if key not in keys]
        return keys, missing, unknown


# --- Checked, then confirmed ------------------------------------------------------

PREVIEW_ROWS = 50


def checked_import_start(job: CheckedImport, upload) -> CheckedImport:
    """Keeps the uploaded file with its (unsaved) ``job``; the caller queues the
    job's task once this has committed."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)d MB.")
            % {"size": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    name = PurePath(upload.name).name
    job.original_name = name[:255]
    job.language = translation.get_language() or settings.LANGUAGE_CODE
    # A generated name: the uploader's file name never reaches the file system.
    job.file.save(f"{uuid.uuid4().hex}{PurePath(name).suffix[:10]}", upload, save=False)
    job.save()
    return job


def checked_import_confirm(*, actor: User, job: CheckedImport) -> CheckedImport:
    """The uploader confirms a clean preview: the job is queued again, to write.
    Only a job checked clean, and only once."""
    if job.owner_id != actor.pk:
        raise PermissionDenied
    claimed = (
        type(job)
        .objects.filter(pk=job.pk, stage=job.Stage.PREVIEW, status=job.Status.DONE)
        .exclude(file="")  # purged after 24 hours: to be uploaded again
        .update(stage=job.Stage.CONFIRM, status=job.Status.PENDING, done=0)
    )
    if not claimed:
        raise ValidationError(_("This file has been imported already, or has errors."))
    job.refresh_from_db()
    return job


# (the job, the file's bytes, dry_run) -> how it went; with dry_run nothing is kept.
ImportWork = Callable[[CheckedImport, bytes, bool], ImportOutcome]


def checked_import_run(*, model: type[CheckedImport], job_id: int, work: ImportWork) -> None:
    """Checks or imports a queued file (a task's body).

    Idempotent: only a waiting job (or one whose worker died) is claimed."""
    if not job_claim(model=model, pk=job_id):
        return
    job = model.objects.select_related("owner").get(pk=job_id)
    try:
        with job.file.open("rb") as handle, translation.override(job.language):
            outcome = work(job, handle.read(), job.stage == job.Stage.PREVIEW)
    except Exception as error:
        job_fail(model=model, pk=job_id, message=type(error).__name__)
        raise
    # Only the worker holding the job records its end (a row, not a stale copy).
    model.objects.filter(pk=job_id, status=job.Status.RUNNING).update(
        outcome={
            "errors": [asdict(e) for e in outcome.errors],
            "error_count": outcome.error_count,
            "preview": outcome.preview,
            "unknown_columns": outcome.unknown_columns,
            "new": outcome.new,
            "updated": outcome.updated,
        },
        done=outcome.total,
        total=outcome.total,
        status=job.Status.DONE if outcome.ok else job.Status.REFUSED,
        finished_at=timezone.now(),
    )
    if job.stage == job.Stage.CONFIRM or not outcome.ok:
        checked_import_discard(job)  # written or refused: the file is not kept


def checked_import_discard(job: CheckedImport) -> None:
    """Removes the kept spreadsheet; the row keeps its outcome."""
    job.file.storage.delete(job.file.name)
    type(job).objects.filter(pk=job.pk).update(file="")


def checked_import_purge(
    *, model: type[CheckedImport], older_than: dt.timedelta = dt.timedelta(hours=24)
) -> int:
    """Deletes the files of imports never confirmed; returns how many."""
    count = 0
    stale = model.objects.filter(
        created_at__lt=timezone.now() - older_than, status__in=model.FINAL
    ).exclude(file="")
    for job in stale.iterator():
        checked_import_discard(job)
        count += 1
    return count
